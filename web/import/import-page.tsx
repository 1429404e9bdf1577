import { useEffect, useReducer, useRef } from 'react';
import type { ImportJob } from '../api/client.ts';
import { useSession } from '../lib/session.tsx';
import { Header } from '../components/header.tsx';
import { useI18n } from '../i18n.ts';
import { IMPORT_PERMISSION } from './import-format.ts';
import { CURRENT_IMPORT_ID, CurrentImport } from './import-current.tsx';
import { ImportFileStep } from './import-file-step.tsx';
import { canUpload, importReducer, INITIAL_IMPORT, uploadQuery } from './import-state.ts';
import { useImportJob, useUploadImport } from './queries.ts';
import { RecentImports } from './recent-imports.tsx';
import './import-page.css';

/**
 * /import: load a file (GeoJSON, CSV, zipped Shapefile, KML) into a layer. Choose the layer
 * and the file, upload it (with a progress bar), check the preview and the column mapping, run,
 * follow the progress (cancel is possible), then read the result with the rejected rows, download
 * them to fix, or undo an applied import. The recent imports are listed below.
 */
export function ImportPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const allowed = can(IMPORT_PERMISSION);
  return (
    <div className="app">
      <Header page="import" />
      <main className="admin-page import-page" data-testid="import-page">
        <h2 className="admin-title">{t('import.title')}</h2>
        {allowed ? (
          <ImportSteps />
        ) : (
          <p className="form-error" role="alert" data-testid="import-forbidden">
            {t('import.forbidden')}
          </p>
        )}
      </main>
    </div>
  );
}

/** The steps of an import, for a user who may import, then the recent imports. */
function ImportSteps() {
  const [state, dispatch] = useReducer(importReducer, INITIAL_IMPORT);
  const current = useImportJob(state.currentId);
  const job = current.data;
  const upload = useUploadImport();
  const uploadAbort = useRef<AbortController | null>(null);

  // An upload still going when the page is left is of no use to anyone.
  useEffect(() => () => uploadAbort.current?.abort(), []);

  const startUpload = () => {
    const query = uploadQuery(state);
    const file = state.file;
    if (!query || !file) return;
    const controller = new AbortController();
    uploadAbort.current = controller;
    dispatch({ type: 'uploadStart', total: file.size });
    upload.mutate(
      {
        query,
        file,
        signal: controller.signal,
        onProgress: (sent, total) => dispatch({ type: 'uploadProgress', sent, total }),
      },
      {
        onSuccess: (uploaded) => dispatch({ type: 'uploaded', id: uploaded.id }),
        onError: (e) =>
          dispatch(
            controller.signal.aborted ? { type: 'uploadCancelled' } : { type: 'uploadFailed', error: e },
          ),
        onSettled: () => {
          if (uploadAbort.current === controller) uploadAbort.current = null;
        },
      },
    );
  };

  // An import picked in the list is scrolled to once its section shows it.
  const reveal = useRef<number | null>(null);
  const shownId = job?.id;
  useEffect(() => {
    if (reveal.current === null || reveal.current !== shownId) return;
    reveal.current = null;
    scrollToCurrent();
  }, [shownId]);

  const view = (picked: ImportJob) => {
    if (picked.id === shownId) {
      void current.refetch();
      scrollToCurrent();
      return;
    }
    reveal.current = picked.id;
    dispatch({ type: 'view', id: picked.id });
  };

  return (
    <>
      <ImportFileStep
        state={state}
        dispatch={dispatch}
        canUpload={canUpload(state, job)}
        onUpload={startUpload}
        onCancelUpload={() => uploadAbort.current?.abort()}
      />
      {job && <CurrentImport key={job.id} job={job} fetchError={current.isError ? current.error : null} />}
      <RecentImports onView={view} />
    </>
  );
}

function scrollToCurrent(): void {
  document.getElementById(CURRENT_IMPORT_ID)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}
