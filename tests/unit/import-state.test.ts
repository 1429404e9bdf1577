import { describe, expect, it } from 'vitest';
import type { ImportJob, ImportStatus } from '../../web/api/client.ts';
import {
  canUpload,
  detectedFormat,
  importReducer,
  importStep,
  INITIAL_IMPORT,
  jobStep,
  uploadQuery,
  type ImportAction,
  type ImportState,
} from '../../web/import/import-state.ts';

function run(state: ImportState, ...actions: ImportAction[]): ImportState {
  return actions.reduce(importReducer, state);
}

function csv(name = 'sites.csv', bytes = 120): File {
  return new File(['x'.repeat(bytes)], name, { type: 'text/csv' });
}

function job(id: number, status: ImportStatus): Pick<ImportJob, 'id' | 'status'> {
  return { id, status };
}

/** A layer and a CSV chosen: ready to upload. */
const READY = run(INITIAL_IMPORT, { type: 'layer', layer: 'sites' }, { type: 'file', file: csv() });

describe('step 1: the layer, the file and its format', () => {
  it('starts with nothing chosen, on the file step, and upload is not possible', () => {
    expect(importStep(INITIAL_IMPORT, undefined)).toBe('file');
    expect(uploadQuery(INITIAL_IMPORT)).toBeNull();
    expect(canUpload(INITIAL_IMPORT, undefined)).toBe(false);
  });

  it('needs both a layer and a file', () => {
    const layerOnly = run(INITIAL_IMPORT, { type: 'layer', layer: 'sites' });
    const fileOnly = run(INITIAL_IMPORT, { type: 'file', file: csv() });
    expect(canUpload(layerOnly, undefined)).toBe(false);
    expect(canUpload(fileOnly, undefined)).toBe(false);
    expect(canUpload(READY, undefined)).toBe(true);
    expect(uploadQuery(READY)).toEqual({ layer: 'sites', filename: 'sites.csv' });
  });

  it('reads the format from the file name, and a chosen format goes with the upload', () => {
    expect(detectedFormat(READY)).toBe('csv');
    const shp = run(READY, { type: 'file', file: csv('roads.zip') });
    expect(detectedFormat(shp)).toBe('shapefile');
    expect(uploadQuery(run(READY, { type: 'format', format: 'geojson' }))).toEqual({
      layer: 'sites',
      filename: 'sites.csv',
      format: 'geojson',
    });
  });

  it('a file whose name says no format waits for one to be chosen', () => {
    const unknown = run(READY, { type: 'file', file: csv('export.dat') });
    expect(detectedFormat(unknown)).toBeNull();
    expect(canUpload(unknown, undefined)).toBe(false);
    const chosen = run(unknown, { type: 'format', format: 'csv' });
    expect(canUpload(chosen, undefined)).toBe(true);
    expect(uploadQuery(chosen)).toMatchObject({ filename: 'export.dat', format: 'csv' });
  });

  it('another file forgets the format chosen for the previous one', () => {
    const chosen = run(READY, { type: 'format', format: 'geojson' });
    expect(run(chosen, { type: 'file', file: csv('other.csv') }).format).toBe('');
    expect(run(chosen, { type: 'drop', file: csv('other.csv') }).format).toBe('');
  });

  it('a drop ends the dragging and chooses the dropped file, if it held one', () => {
    const over = run(INITIAL_IMPORT, { type: 'drag', over: true });
    expect(over.dragging).toBe(true);
    const dropped = run(over, { type: 'drop', file: csv('dropped.geojson') });
    expect(dropped.dragging).toBe(false);
    expect(dropped.file?.name).toBe('dropped.geojson');
    const empty = run(READY, { type: 'drag', over: true }, { type: 'drop', file: null });
    expect(empty.dragging).toBe(false);
    expect(empty.file?.name).toBe('sites.csv');
  });
});

describe('uploading', () => {
  const uploading = run(READY, { type: 'uploadStart', total: 120 });

  it('shows the bytes sent and allows no second upload meanwhile', () => {
    expect(importStep(uploading, undefined)).toBe('uploading');
    expect(uploading.upload).toEqual({ sent: 0, total: 120 });
    expect(canUpload(uploading, undefined)).toBe(false);
    expect(run(uploading, { type: 'uploadProgress', sent: 60, total: 120 }).upload).toEqual({
      sent: 60,
      total: 120,
    });
  });

  it('replaces the import shown, and clears the previous failure', () => {
    const failed = run(
      READY,
      { type: 'uploadStart', total: 120 },
      { type: 'uploadFailed', error: 'bad file' },
    );
    expect(failed.uploadError).toBe('bad file');
    const shown = run(READY, { type: 'view', id: 7 });
    const again = run(
      shown,
      { type: 'uploadFailed', error: 'bad file' },
      { type: 'uploadStart', total: 120 },
    );
    expect(again.currentId).toBeNull();
    expect(again.uploadError).toBeNull();
  });

  it('ignores progress that comes after the upload ended', () => {
    const ended = run(uploading, { type: 'uploadCancelled' });
    expect(run(ended, { type: 'uploadProgress', sent: 120, total: 120 }).upload).toBeNull();
  });

  it('given up, returns to the file step with no failure shown', () => {
    const cancelled = run(uploading, { type: 'uploadCancelled' });
    expect(importStep(cancelled, undefined)).toBe('file');
    expect(cancelled.uploadError).toBeNull();
    expect(canUpload(cancelled, undefined)).toBe(true);
  });

  it('refused, keeps the choices, says why, until another file is chosen', () => {
    const refused = run(uploading, { type: 'uploadFailed', error: new Error('no rows') });
    expect(importStep(refused, undefined)).toBe('file');
    expect(refused.uploadError).toBeInstanceOf(Error);
    expect(refused).toMatchObject({ layer: 'sites', upload: null });
    expect(run(refused, { type: 'file', file: csv('fixed.csv') }).uploadError).toBeNull();
  });
});

describe('the import shown: preview, run, result', () => {
  const uploaded = run(READY, { type: 'uploadStart', total: 120 }, { type: 'uploaded', id: 12 });

  it('an upload that ends shows its import, in the preview', () => {
    expect(uploaded.upload).toBeNull();
    expect(uploaded.currentId).toBe(12);
    expect(importStep(uploaded, job(12, 'uploaded'))).toBe('preview');
    expect(canUpload(uploaded, job(12, 'uploaded'))).toBe(true);
  });

  it('while it runs, no other file can be uploaded', () => {
    expect(importStep(uploaded, job(12, 'running'))).toBe('running');
    expect(canUpload(uploaded, job(12, 'running'))).toBe(false);
  });

  it('every way it ends shows the result, and another upload is possible', () => {
    for (const status of ['applied', 'rejected', 'failed', 'cancelled', 'undone'] as const) {
      expect(jobStep(status)).toBe('result');
      expect(importStep(uploaded, job(12, status))).toBe('result');
      expect(canUpload(uploaded, job(12, status))).toBe(true);
    }
  });

  it('a state of another import than the one shown does not count (it is still being asked)', () => {
    const viewing = run(uploaded, { type: 'view', id: 13 });
    expect(viewing.currentId).toBe(13);
    expect(importStep(viewing, job(12, 'running'))).toBe('file');
    expect(importStep(viewing, undefined)).toBe('file');
    expect(canUpload(viewing, job(12, 'running'))).toBe(true);
    expect(importStep(viewing, job(13, 'running'))).toBe('running');
  });

  it('the choices of step 1 stay for the next upload', () => {
    expect(uploaded).toMatchObject({ layer: 'sites', format: '' });
    expect(uploaded.file?.name).toBe('sites.csv');
    expect(uploadQuery(uploaded)).toEqual({ layer: 'sites', filename: 'sites.csv' });
  });
});
