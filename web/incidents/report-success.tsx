import type { CitizenReportResult } from '../api/client.ts';
import { formatTime } from '../lib/format.ts';
import { useI18n } from '../i18n.ts';

/** The answer: the report's number, tracking code and deadline. */
export function ReportSuccess({ result, onAnother }: { result: CitizenReportResult; onAnother: () => void }) {
  const { t, language } = useI18n();
  return (
    <section className="report-card report-success" data-testid="report-success" role="status">
      <h2 className="form-title">{t('report.done')}</h2>
      <p className="report-number">
        {t('report.number')}: <strong data-testid="report-number">{result.id}</strong>
      </p>
      <p>
        {t('report.trackingCode')}: <strong data-testid="report-tracking-code">{result.trackingCode}</strong>
      </p>
      <p>
        {t('report.deadline')}: {formatTime(language, result.deadlineAt)}
      </p>
      <p className="muted">{t('report.keepNumber')}</p>
      <p>
        <a
          data-testid="report-track-link"
          href={`/report/track?code=${encodeURIComponent(result.trackingCode)}`}
        >
          {t('report.track')}
        </a>
      </p>
      <button type="button" className="button primary wide" onClick={onAnother}>
        {t('report.another')}
      </button>
    </section>
  );
}
