import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { listAudit, type AuditQuery, type AuditRecord } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { errorMessage, formatTime } from './format.ts';

/** Records per page. */
const PAGE_SIZE = 50;

interface Filters {
  actor: string;
  action: string;
  targetType: string;
  /** datetime-local values (local time), '' for none. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { actor: '', action: '', targetType: '', from: '', to: '' };

/** A datetime-local value → ISO 8601 (UTC), or undefined. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toQuery(f: Filters): AuditQuery {
  return {
    actor: f.actor.trim() || undefined,
    action: f.action.trim() || undefined,
    targetType: f.targetType.trim() || undefined,
    from: toIso(f.from),
    to: toIso(f.to),
  };
}

/** before/after of a record as compact JSON, or null when there is nothing. */
function change(record: AuditRecord): string | null {
  const parts: string[] = [];
  if (record.before !== null && record.before !== undefined) parts.push(`− ${JSON.stringify(record.before)}`);
  if (record.after !== null && record.after !== undefined) parts.push(`+ ${JSON.stringify(record.after)}`);
  return parts.length > 0 ? parts.join('\n') : null;
}

/** The audit log tab: filters, the table (newest first) and "more" paging by id. */
export function AuditTab() {
  const { language, t } = useI18n();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [loading, setLoading] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Answers to an older filter are dropped.
  const generation = useRef(0);

  const load = useCallback(async (f: Filters, before: number | undefined) => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await listAudit({ ...toQuery(f), before, limit: PAGE_SIZE });
      if (mine !== generation.current) return;
      setRecords((old) => (before === undefined ? page : [...old, ...page]));
      setDone(page.length < PAGE_SIZE);
    } catch (e: unknown) {
      if (mine === generation.current) setError(errorMessage(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filters, undefined);
  }, [filters, load]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ ...draft });
  };

  const set = (key: keyof Filters) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const last = records[records.length - 1];

  return (
    <div className="admin-tab">
      <form className="admin-form filters" data-testid="audit-filters" onSubmit={onSubmit}>
        <label className="field">
          <span>{t('audit.actor')}</span>
          <input data-testid="audit-actor" value={draft.actor} onChange={set('actor')} />
        </label>
        <label className="field">
          <span>{t('audit.action')}</span>
          <input
            data-testid="audit-action"
            value={draft.action}
            onChange={set('action')}
            placeholder="user.create"
          />
        </label>
        <label className="field">
          <span>{t('audit.targetType')}</span>
          <input data-testid="audit-target-type" value={draft.targetType} onChange={set('targetType')} />
        </label>
        <label className="field">
          <span>{t('audit.from')}</span>
          <input type="datetime-local" data-testid="audit-from" value={draft.from} onChange={set('from')} />
        </label>
        <label className="field">
          <span>{t('audit.to')}</span>
          <input type="datetime-local" data-testid="audit-to" value={draft.to} onChange={set('to')} />
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
              setFilters(NO_FILTERS);
            }}
          >
            {t('audit.reset')}
          </button>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
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
              const diff = change(r);
              return (
                <tr key={r.id} data-testid="audit-row" data-action={r.action}>
                  <td className="nowrap">{formatTime(language, r.at)}</td>
                  <td>
                    {r.actor} {r.actorKind !== 'user' && <span className="muted">({r.actorKind})</span>}
                  </td>
                  <td className="mono">{r.action}</td>
                  <td className="mono">{r.targetType}</td>
                  <td className="mono">{r.targetId ?? '—'}</td>
                  <td className="mono">{r.address ?? '—'}</td>
                  <td className="change">{diff ? <pre>{diff}</pre> : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="pager">
        {loading && <span className="muted">{t('admin.loading')}</span>}
        {!loading && !done && last && (
          <button
            type="button"
            className="button"
            data-testid="audit-more"
            onClick={() => void load(filters, last.id)}
          >
            {t('audit.more')}
          </button>
        )}
        {!loading && done && records.length > 0 && <span className="muted">{t('audit.end')}</span>}
      </div>
    </div>
  );
}
