import type { ImportFormat, ImportJob, ImportLayer, ImportStatus, ImportUploadQuery } from '../api/client.ts';
import { formatFromFilename } from './import-format.ts';

/**
 * The import page's own state as a pure state machine: the layer, the file and its format
 * chosen (step 1), the upload going on with its bytes sent, and which import is shown below
 * (the one just uploaded, or one picked in the recent list). What an import then goes through
 * (preview, running, result) is its status, as the API reports it.
 */

/** The bytes of the file sent so far. */
export interface UploadProgress {
  sent: number;
  total: number;
}

export interface ImportState {
  layer: ImportLayer | '';
  file: File | null;
  /** The format chosen; '' lets the file name's extension say. */
  format: ImportFormat | '';
  /** A file is dragged over the drop zone. */
  dragging: boolean;
  /** The upload going on; null when none. */
  upload: UploadProgress | null;
  /** Why the last upload failed (translated when shown); null when it did not. */
  uploadError: unknown;
  /** The import shown below the file step; null when none. */
  currentId: number | null;
}

export type ImportAction =
  | { type: 'layer'; layer: ImportLayer | '' }
  /** A file chosen in the file input (null: the choice was cleared). */
  | { type: 'file'; file: File | null }
  | { type: 'format'; format: ImportFormat | '' }
  | { type: 'drag'; over: boolean }
  /** A file dropped on the drop zone (none when what was dropped held no file). */
  | { type: 'drop'; file: File | null }
  | { type: 'uploadStart'; total: number }
  | { type: 'uploadProgress'; sent: number; total: number }
  /** The upload ended with a new import, shown from now on. */
  | { type: 'uploaded'; id: number }
  /** The upload was refused or lost. */
  | { type: 'uploadFailed'; error: unknown }
  /** The upload was given up by the user (or the page was left). */
  | { type: 'uploadCancelled' }
  /** An import picked in the recent list. */
  | { type: 'view'; id: number };

export const INITIAL_IMPORT: ImportState = {
  layer: '',
  file: null,
  format: '',
  dragging: false,
  upload: null,
  uploadError: null,
  currentId: null,
};

function chooseFile(state: ImportState, file: File | null): ImportState {
  return { ...state, file, format: '', uploadError: null };
}

export function importReducer(state: ImportState, action: ImportAction): ImportState {
  switch (action.type) {
    case 'layer':
      return { ...state, layer: action.layer };
    case 'file':
      return chooseFile(state, action.file);
    case 'format':
      return { ...state, format: action.format };
    case 'drag':
      return state.dragging === action.over ? state : { ...state, dragging: action.over };
    case 'drop':
      return action.file
        ? chooseFile({ ...state, dragging: false }, action.file)
        : { ...state, dragging: false };
    case 'uploadStart':
      // a new upload replaces the import shown
      return { ...state, upload: { sent: 0, total: action.total }, uploadError: null, currentId: null };
    case 'uploadProgress':
      return state.upload ? { ...state, upload: { sent: action.sent, total: action.total } } : state;
    case 'uploaded':
      return { ...state, upload: null, currentId: action.id };
    case 'uploadFailed':
      return { ...state, upload: null, uploadError: action.error };
    case 'uploadCancelled':
      return { ...state, upload: null };
    case 'view':
      return { ...state, currentId: action.id };
  }
}

/** The format the chosen file's name says; null without a file or when the name says none. */
export function detectedFormat(state: ImportState): ImportFormat | null {
  return state.file ? formatFromFilename(state.file.name) : null;
}

/** Where the page is: choosing, uploading, then the shown import's preview, run or result. */
export type ImportStep = 'file' | 'uploading' | 'preview' | 'running' | 'result';

/** The step of an import by its status. */
export function jobStep(status: ImportStatus): 'preview' | 'running' | 'result' {
  return status === 'uploaded' ? 'preview' : status === 'running' ? 'running' : 'result';
}

/** The step of the page, given the shown import as last known (undefined while unknown). */
export function importStep(
  state: ImportState,
  job: Pick<ImportJob, 'id' | 'status'> | undefined,
): ImportStep {
  if (state.upload) return 'uploading';
  if (state.currentId === null || !job || job.id !== state.currentId) return 'file';
  return jobStep(job.status);
}

/** What the upload asks for; null until a layer and a file of a known (or chosen) format are chosen. */
export function uploadQuery(state: ImportState): ImportUploadQuery | null {
  if (!state.layer || !state.file) return null;
  if (!state.format && !detectedFormat(state)) return null;
  return { layer: state.layer, filename: state.file.name, ...(state.format ? { format: state.format } : {}) };
}

/** Whether "upload" may be pressed: all is chosen, and no upload nor run of the shown import goes on. */
export function canUpload(state: ImportState, job: Pick<ImportJob, 'id' | 'status'> | undefined): boolean {
  const step = importStep(state, job);
  return uploadQuery(state) !== null && step !== 'uploading' && step !== 'running';
}
