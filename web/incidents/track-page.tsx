import { useState, type FormEvent } from 'react';
import type { CitizenRating, TrackedReport } from '../api/client.ts';
import { FormError, SubmitRow } from '../components/form-parts.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime } from '../lib/format.ts';
import { actionName, incidentStatusName } from '../lib/incident-format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { navigate } from '../router.ts';
import { useRateReport, useTrackedReport } from './queries.ts';
import { PublicHeader } from './public-header.tsx';

const CODE = /^[A-Za-z0-9_-]{16}$/;
const RATINGS: readonly CitizenRating[] = ['satisfied', 'basic', 'unsatisfied'];
const ratingKey = (r: CitizenRating): MessageKey => `track.rating.${r}`;

/** The tracking code of /report/track?code=…, when it is one. */
function codeFromUrl(): string | null {
  const raw = new URLSearchParams(window.location.search).get('code');
  return raw && CODE.test(raw) ? raw : null;
}

/**
 * /report/track: a citizen follows a report by its tracking code (public, no sign-in): the
 * status, what happened and when, the result, and — once resolved — a rating, once.
 */
export function TrackPage() {
  const { t } = useI18n();
  const [code, setCode] = useState(codeFromUrl);
  const [typed, setTyped] = useState(code ?? '');
  const report = useTrackedReport(code);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const c = typed.trim();
    if (!CODE.test(c)) return;
    window.history.replaceState(null, '', `/report/track?code=${encodeURIComponent(c)}`);
    setCode(c);
  };
  return (
    <div className="report-page" data-testid="track-page">
      <PublicHeader title={t('track.title')} />
      <main className="report-main">
        <form className="report-card" onSubmit={onSubmit}>
          <label className="field">
            <span>{t('report.trackingCode')}</span>
            <input
              data-testid="track-code"
              value={typed}
              maxLength={16}
              autoComplete="off"
              onChange={(e) => setTyped(e.target.value)}
            />
          </label>
          <SubmitRow label={t('track.look')} pending={report.isFetching} testId="track-submit" />
          <FormError error={report.error && errorMessage(report.error, t)} testId="track-error" />
        </form>
        {report.data && code && <TrackedCard report={report.data} code={code} />}
        <p className="muted">
          <a
            href="/report"
            onClick={(e) => {
              e.preventDefault();
              navigate('/report');
            }}
          >
            {t('track.newReport')}
          </a>
        </p>
      </main>
    </div>
  );
}

/** The report as the citizen sees it, with the rating form once it can be rated. */
function TrackedCard({ report: r, code }: { report: TrackedReport; code: string }) {
  const { t, language } = useI18n();
  return (
    <section className="report-card" data-testid="track-report" data-status={r.status}>
      <h2 className="form-title">
        {t('report.number')} {r.id} · {r.categoryName ?? r.category}
      </h2>
      <p>
        <span className={`status-badge status-${r.status}`} data-testid="track-status">
          {incidentStatusName(t, r.status)}
        </span>
      </p>
      <dl className="detail-list">
        <div className="detail-row">
          <dt>{t('detail.reportedAt')}</dt>
          <dd>{formatTime(language, r.reportedAt)}</dd>
        </div>
        <div className="detail-row">
          <dt>{t('detail.deadlineAt')}</dt>
          <dd>{formatTime(language, r.deadlineAt)}</dd>
        </div>
        <div className="detail-row">
          <dt>{t('unit.lead')}</dt>
          <dd>{r.unit ?? t('unit.none')}</dd>
        </div>
        {r.result && (
          <div className="detail-row">
            <dt>{t('track.result')}</dt>
            <dd data-testid="track-result">{r.result}</dd>
          </div>
        )}
      </dl>
      <h3 className="panel-subtitle">{t('detail.timeline')}</h3>
      <ol className="timeline" data-testid="track-timeline">
        {r.timeline.map((e, n) => (
          <li key={n} className="timeline-entry">
            <strong>{actionName(t, e.action)}</strong>
            <span className="muted small"> · {formatTime(language, e.at)}</span>
          </li>
        ))}
      </ol>
      {r.rating ? (
        <p data-testid="track-rated">
          {t('track.rated')}: {t(ratingKey(r.rating.rating))}
          {r.rating.comment && `（${r.rating.comment}）`}
        </p>
      ) : (
        r.canRate && <RatingForm code={code} />
      )}
    </section>
  );
}

/** 满意 / 基本满意 / 不满意 and a comment, sent once. */
function RatingForm({ code }: { code: string }) {
  const { t } = useI18n();
  const [rating, setRating] = useState<CitizenRating | null>(null);
  const [comment, setComment] = useState('');
  const rate = useRateReport();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!rating) return;
    rate.mutate({ code, rating, ...(comment.trim() ? { comment: comment.trim() } : {}) });
  };
  return (
    <form onSubmit={onSubmit} data-testid="track-rating">
      <fieldset className="field-group">
        <legend>{t('track.rate')}</legend>
        {RATINGS.map((r) => (
          <label key={r} className="field checkbox">
            <input
              type="radio"
              name="rating"
              value={r}
              data-testid={`track-rating-${r}`}
              checked={rating === r}
              onChange={() => setRating(r)}
            />
            <span>{t(ratingKey(r))}</span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('track.comment')}</span>
        <textarea rows={2} maxLength={500} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      {rating === 'unsatisfied' && <p className="muted small">{t('track.unsatisfiedHint')}</p>}
      <FormError error={rate.error && errorMessage(rate.error, t)} />
      <SubmitRow label={t('track.send')} pending={rate.isPending || !rating} testId="track-rating-submit" />
    </form>
  );
}
