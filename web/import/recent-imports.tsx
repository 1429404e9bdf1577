import { useState } from 'react';
import { errorMessage, formatTime } from '../lib/format.ts';
import { importRejectionsUrl, type ImportJob } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { confirmUndo, importStatusName, layerNameKey, mayUndo } from './import-format.ts';
import { useImports, useUndoImport } from './queries.ts';

/**
 * The recent imports, newest first: when, who, layer, file, status and counts, with the
 * rejected rows to download, undo where the import was applied, and "view" to open one above.
 * Why an undo was refused stays shown on its row until it is tried again.
 */
export function RecentImports({ onView }: { onView: (job: ImportJob) => void }) {
  const { t, language } = useI18n();
  const list = useImports();
  const undo = useUndoImport();
  const [rowErrors, setRowErrors] = useState<Record<number, unknown>>({});
  const jobs = list.data ?? [];
  const loading = list.isFetching;
  const busyId = undo.isPending ? undo.variables : null;

  const onUndo = (job: ImportJob) => {
    if (!confirmUndo(t, job)) return;
    setRowErrors(({ [job.id]: _, ...rest }) => rest);
    undo.mutateAsync(job.id).catch((e: unknown) => setRowErrors((r) => ({ ...r, [job.id]: e })));
  };

  return (
    <section className="admin-form import-section" data-testid="import-recent">
      <div className="import-section-head">
        <h3 className="form-title">{t('import.recent')}</h3>
        <button type="button" className="button small" onClick={() => void list.refetch()} disabled={loading}>
          {t('import.refresh')}
        </button>
      </div>
      {list.error && (
        <p className="form-error" role="alert">
          {errorMessage(list.error, t)}
        </p>
      )}
      {jobs.length === 0 && !list.error ? (
        <p className="muted">{loading ? t('panel.loading') : t('import.recentEmpty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th>{t('import.time')}</th>
                <th>{t('import.by')}</th>
                <th>{t('import.layerCol')}</th>
                <th>{t('import.fileCol')}</th>
                <th>{t('import.status')}</th>
                <th>{t('import.inserted')}</th>
                <th>{t('import.rejectedCount')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id} data-testid={`import-recent-${job.id}`} data-status={job.status}>
                  <td className="nowrap">{formatTime(language, job.createdAt)}</td>
                  <td translate="no">{job.createdBy}</td>
                  <td className="nowrap">{t(layerNameKey(job.layer))}</td>
                  <td className="import-filename" title={job.filename}>
                    {job.filename}
                  </td>
                  <td className="nowrap">
                    <span className={`status-badge import-status-${job.status}`}>
                      {importStatusName(t, job.status)}
                    </span>
                  </td>
                  <td>{job.inserted}</td>
                  <td>{job.rejectedCount}</td>
                  <td className="nowrap import-row-actions">
                    <button type="button" className="button small" onClick={() => onView(job)}>
                      {t('import.view')}
                    </button>
                    {job.rejectedCount > 0 && (
                      <a className="button small" href={importRejectionsUrl(job.id, language)} download>
                        {t('import.downloadShort')}
                      </a>
                    )}
                    {mayUndo(job) && (
                      <button
                        type="button"
                        className="button small"
                        disabled={busyId === job.id}
                        onClick={() => onUndo(job)}
                        data-testid={`import-recent-undo-${job.id}`}
                      >
                        {t('import.undo')}
                      </button>
                    )}
                    {rowErrors[job.id] !== undefined && (
                      <div className="form-error" role="alert">
                        {errorMessage(rowErrors[job.id], t)}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
