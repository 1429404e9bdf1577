import { importRejectionsUrl, type ImportJob, type ImportRejection } from '../api/client.ts';
import { useI18n, type Language, type MessageKey } from '../i18n.ts';
import {
  formatBytes,
  importStatusName,
  mayUndo,
  readFraction,
  rejectionReasonName,
  rejectionsFileType,
} from './import-format.ts';

/**
 * A rejection's message in the interface language. Rejections stored before the Chinese text
 * was kept have only the English one, which is then shown (marked as English for screen readers).
 */
function rejectionMessage(r: ImportRejection, language: Language): { text: string; lang: Language } {
  return language === 'zh-CN' && r.messageZh !== null
    ? { text: r.messageZh, lang: 'zh-CN' }
    : { text: r.message, lang: 'en' };
}

/** A labelled number of the progress and result panels. */
function Figure({ label, value, testId }: { label: string; value: number | string; testId: string }) {
  return (
    <div className="import-figure">
      <span className="import-figure-label">{label}</span>
      <span className="import-figure-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

/** A running import: bytes read of the file, the phase, rows read/accepted/rejected, and cancel. */
export function ImportProgressPanel({
  job,
  cancelling,
  onCancel,
}: {
  job: ImportJob;
  cancelling: boolean;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const p = job.progress;
  const fraction = readFraction(p);
  const phase = p.phase ?? 'waiting';
  return (
    <div className="import-progress" data-testid="import-progress" data-phase={phase}>
      <div className="import-progress-line">
        <span data-testid="import-phase">{t(`import.phase.${phase}` as MessageKey)}</span>
        <span className="muted">
          {formatBytes(p.bytesRead)} / {formatBytes(p.totalBytes || job.sizeBytes)}
        </span>
      </div>
      {/* Without a size the bar is indeterminate (no value) rather than stuck at zero. */}
      <progress
        className="import-bar"
        max={1}
        value={fraction ?? undefined}
        aria-label={t('import.progress')}
        data-testid="import-run-bar"
      />
      <div className="import-figures">
        <Figure label={t('import.rowsRead')} value={p.rowsRead} testId="import-rows-read" />
        <Figure label={t('import.accepted')} value={p.accepted} testId="import-accepted" />
        <Figure label={t('import.rejected')} value={p.rejected} testId="import-rejected" />
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={cancelling}
          onClick={onCancel}
          data-testid="import-cancel"
        >
          {t('import.cancel')}
        </button>
      </div>
    </div>
  );
}

/**
 * A finished import: its status with what it means, the rows written and refused, the first
 * rejections, the link to all of them as CSV, and undo for an applied import.
 */
export function ImportResultPanel({
  job,
  undoing,
  undoError,
  onUndo,
}: {
  job: ImportJob;
  undoing: boolean;
  undoError: string | null;
  onUndo: () => void;
}) {
  const { t, language } = useI18n();
  const tone =
    job.status === 'applied' ? 'form-success' : job.status === 'undone' ? 'form-notice' : 'form-error';
  return (
    <div className="import-result" data-testid="import-result" data-status={job.status}>
      <p className={tone} role="status">
        <strong data-testid="import-status">{importStatusName(t, job.status)}</strong>
        {' — '}
        {t(`import.outcome.${job.status}` as MessageKey) ?? ''}
        {job.error && <span className="form-error-detail"> {job.error}</span>}
      </p>
      <div className="import-figures">
        <Figure label={t('import.inserted')} value={job.inserted} testId="import-inserted" />
        <Figure label={t('import.rejectedCount')} value={job.rejectedCount} testId="import-rejected-count" />
        <Figure label={t('import.rowsRead')} value={job.progress.rowsRead} testId="import-result-rows" />
      </div>

      {job.rejections.length > 0 && (
        <>
          <h4 className="import-subtitle">{t('import.rejections')}</h4>
          {job.rejectedCount > job.rejections.length && (
            <p className="muted import-hint">{t('import.rejectionsFirst')}</p>
          )}
          <div className="table-wrap import-rejections">
            <table className="data-table" data-testid="import-rejections">
              <thead>
                <tr>
                  <th>{t('import.row')}</th>
                  <th>{t('import.reason')}</th>
                  <th>{t('import.field')}</th>
                  <th>{t('import.message')}</th>
                </tr>
              </thead>
              <tbody>
                {job.rejections.map((r, i) => {
                  const message = rejectionMessage(r, language);
                  return (
                    <tr key={`${r.row}-${i}`} data-reason={r.reason}>
                      <td>{r.row}</td>
                      <td className="nowrap">{rejectionReasonName(t, r.reason)}</td>
                      <td className="mono">{r.field ?? '—'}</td>
                      <td lang={message.lang} data-testid="import-rejection-message">
                        {message.text}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}

      <div className="form-actions import-actions">
        {job.rejectedCount > 0 && (
          <a
            className="button"
            href={importRejectionsUrl(job.id, language)}
            download
            data-testid="import-download-rejections"
          >
            {t('import.download')} ({rejectionsFileType(job)})
          </a>
        )}
        {mayUndo(job) && (
          <button
            type="button"
            className="button danger"
            disabled={undoing}
            onClick={onUndo}
            data-testid="import-undo"
          >
            {t('import.undo')}
          </button>
        )}
      </div>
      {undoError && (
        <p className="form-error" role="alert" data-testid="import-undo-error">
          {undoError}
        </p>
      )}
    </div>
  );
}
