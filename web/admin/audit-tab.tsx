import { useState, type FormEvent } from 'react';
import { INCIDENT_ACTIONS } from '../../api/lib/incident-lifecycle.ts';
import type { AuditQuery, AuditRecord } from '../api/client.ts';
import { TimeField, timeFieldValue } from '../components/time-field.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime } from '../lib/format.ts';
import { useI18n, type I18n, type Language } from '../i18n.ts';
import {
  actorKindName,
  AUDIT_ACTIONS,
  AUDIT_TARGETS,
  auditActionName,
  auditChanges,
  auditTargetName,
} from './audit-format.ts';
import { useAudit } from './queries.ts';

interface Filters {
  actor: string;
  action: string;
  targetType: string;
  /** Time field texts (China time, "2026-12-04 14:30"), '' for none. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { actor: '', action: '', targetType: '', from: '', to: '' };

/** The actions of the filter: the audit's own, then each incident action. */
const ACTION_CHOICES = [
  ...AUDIT_ACTIONS,
  'incident.reassign_grid',
  ...INCIDENT_ACTIONS.map((a) => `incident.${a}`),
];

/** A time field's text → ISO 8601 (UTC), or undefined. */
function toIso(text: string): string | undefined {
  const ms = timeFieldValue(text);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function toQuery(f: Filters): AuditQuery {
  return {
    actor: f.actor.trim() || undefined,
    action: f.action || undefined,
    targetType: f.targetType || undefined,
    from: toIso(f.from),
    to: toIso(f.to),
  };
}

/** What a record changed, in words: one line per field, "状态：已受理 → 已派遣". */
function Change({ record, t, language }: { record: AuditRecord; t: I18n['t']; language: Language }) {
  const lines = auditChanges(t, language, record);
  if (lines.length === 0) return <>—</>;
  return (
    <ul className="audit-change">
      {lines.map((l) => (
        <li key={l.field}>
          <span className="audit-field">{l.field}</span>
          {'：'}
          {l.before !== null && <span className="audit-before">{l.before}</span>}
          {l.before !== null && l.after !== null && ' → '}
          {l.after !== null && <span className="audit-after">{l.after}</span>}
        </li>
      ))}
    </ul>
  );
}

/** The audit log tab: filters, the table (newest first) and "more" paging by id. */
export function AuditTab() {
  const { language, t } = useI18n();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const audit = useAudit(toQuery(filters));
  const records = audit.data?.pages.flat() ?? [];
  const loading = audit.isFetching;
  const done = !audit.hasNextPage;

  // searching again with the same filters asks again (new records may have been written)
  const apply = (next: Filters) => {
    if (JSON.stringify(next) === JSON.stringify(filters)) void audit.refetch();
    else setFilters(next);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (badTime) return;
    apply({ ...draft });
  };

  const set = (key: keyof Filters) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const setText = (key: 'from' | 'to') => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  // a time that is not one would silently search without it: say so instead
  const badTime = [draft.from, draft.to].some(
    (text) => text.trim() !== '' && timeFieldValue(text) === undefined,
  );

  return (
    <div className="admin-tab">
      <form className="admin-form filters" data-testid="audit-filters" onSubmit={onSubmit}>
        <label className="field">
          <span>{t('audit.actor')}</span>
          <input data-testid="audit-actor" value={draft.actor} onChange={set('actor')} />
        </label>
        <label className="field">
          <span>{t('audit.action')}</span>
          <select data-testid="audit-action" value={draft.action} onChange={set('action')}>
            <option value="">{t('auditAction.any')}</option>
            {ACTION_CHOICES.map((a) => (
              <option key={a} value={a}>
                {auditActionName(t, a)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('audit.targetType')}</span>
          <select data-testid="audit-target-type" value={draft.targetType} onChange={set('targetType')}>
            <option value="">{t('auditTarget.any')}</option>
            {AUDIT_TARGETS.map((target) => (
              <option key={target} value={target}>
                {auditTargetName(t, target)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('audit.from')}</span>
          <TimeField testId="audit-from" value={draft.from} onChange={setText('from')} />
        </label>
        <label className="field">
          <span>{t('audit.to')}</span>
          <TimeField testId="audit-to" value={draft.to} onChange={setText('to')} />
        </label>
        <div className="form-actions inline">
          <button type="submit" className="button primary" data-testid="audit-search">
            {t('audit.search')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(NO_FILTERS);
              apply(NO_FILTERS);
            }}
          >
            {t('audit.reset')}
          </button>
        </div>
      </form>
      {badTime && (
        <p className="form-error" role="alert" data-testid="audit-bad-time">
          {t('timeField.invalid')}
        </p>
      )}
      {audit.error && (
        <p className="form-error" role="alert">
          {errorMessage(audit.error, t)}
        </p>
      )}
      <div className="table-wrap">
        <table className="data-table" data-testid="audit-table">
          <thead>
            <tr>
              <th>{t('audit.at')}</th>
              <th>{t('audit.actor')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.targetType')}</th>
              <th>{t('audit.targetId')}</th>
              <th>{t('audit.address')}</th>
              <th>{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {records.length === 0 && !loading && (
              <tr>
                <td colSpan={7} className="muted">
                  {t('admin.empty')}
                </td>
              </tr>
            )}
            {records.map((r) => {
              return (
                <tr key={r.id} data-testid="audit-row" data-action={r.action}>
                  <td className="nowrap">{formatTime(language, r.at)}</td>
                  <td>
                    <span translate="no">{r.actor}</span>{' '}
                    {r.actorKind !== 'user' && (
                      <span className="muted">（{actorKindName(t, r.actorKind)}）</span>
                    )}
                  </td>
                  <td data-testid="audit-action-name">{auditActionName(t, r.action)}</td>
                  <td>{auditTargetName(t, r.targetType)}</td>
                  <td className="mono">{r.targetId ?? '—'}</td>
                  <td className="mono">{r.address ?? '—'}</td>
                  <td className="change" data-testid="audit-change">
                    <Change record={r} t={t} language={language} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="pager">
        {loading && (
          <span className="muted" role="status">
            {t('admin.loading')}
          </span>
        )}
        {!loading && !done && records.length > 0 && (
          <button
            type="button"
            className="button"
            data-testid="audit-more"
            onClick={() => void audit.fetchNextPage()}
          >
            {t('audit.more')}
          </button>
        )}
        {!loading && done && records.length > 0 && <span className="muted">{t('audit.end')}</span>}
      </div>
    </div>
  );
}
