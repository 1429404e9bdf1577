import type { ImportJob } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { errorMessage } from '../lib/format.ts';
import {
  confirmUndo,
  formatBytes,
  importErrorMessage,
  importStatusName,
  layerNameKey,
} from './import-format.ts';
import { ImportPreview } from './import-preview.tsx';
import { ImportProgressPanel, ImportResultPanel } from './import-result.tsx';
import { jobStep } from './import-state.ts';
import { useCancelImport, useRunImport, useUndoImport } from './queries.ts';

/** The id of the section, to scroll to when an import is picked in the list. */
export const CURRENT_IMPORT_ID = 'import-current';

/**
 * Steps 2 and 3 for the import shown: its preview and run choices, its progress while it runs
 * (cancel is possible), then its result (undo for an applied import). `fetchError` is why its
 * latest state could not be asked (it is asked again). Give it the import's id as key: what was
 * refused of one import is not shown for another.
 */
export function CurrentImport({ job, fetchError }: { job: ImportJob; fetchError: unknown }) {
  const { t } = useI18n();
  const run = useRunImport();
  const cancel = useCancelImport();
  const undo = useUndoImport();
  const step = jobStep(job.status);
  return (
    <section
      className="admin-form import-section"
      id={CURRENT_IMPORT_ID}
      data-testid="import-current"
      data-job-id={job.id}
      data-status={job.status}
    >
      <div className="import-section-head">
        <h3 className="form-title">{step === 'preview' ? t('import.step.preview') : t('import.step.run')}</h3>
        <span className="muted">
          {t(layerNameKey(job.layer))} · {job.filename} · {formatBytes(job.sizeBytes)} ·{' '}
          {t(`import.format.${job.format}` as MessageKey)} · {importStatusName(t, job.status)}
        </span>
      </div>
      {fetchError !== null && (
        <p className="form-notice" role="status">
          {t('status.apiDown')}: {errorMessage(fetchError, t)}
        </p>
      )}
      {step === 'preview' && (
        <ImportPreview
          job={job}
          busy={run.isPending}
          error={run.error ? importErrorMessage(run.error, t) : null}
          onRun={(body) => run.mutate({ id: job.id, body })}
        />
      )}
      {cancel.error && (
        <p className="form-error" role="alert" data-testid="import-cancel-error">
          {errorMessage(cancel.error, t)}
        </p>
      )}
      {step === 'running' && (
        <ImportProgressPanel job={job} cancelling={cancel.isPending} onCancel={() => cancel.mutate(job.id)} />
      )}
      {step === 'result' && (
        <ImportResultPanel
          job={job}
          undoing={undo.isPending}
          undoError={undo.error ? errorMessage(undo.error, t) : null}
          onUndo={() => {
            if (confirmUndo(t, job)) undo.mutate(job.id);
          }}
        />
      )}
    </section>
  );
}
