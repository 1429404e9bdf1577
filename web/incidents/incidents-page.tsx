import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { LiveIndicator } from '../live/live-indicator.tsx';
import { useLiveRefresh } from '../live/use-live.ts';
import {
  INCIDENT_STATUS_LIST,
  createDispatch,
  createIncident,
  getAreas,
  getCandidates,
  getQueue,
  transitionIncident,
  type BBox,
  type Candidate,
  type Incident,
  type IntakeResult,
  type Queue,
} from '../api/client.ts';
import { errorMessage, formatTime } from '../admin/format.ts';
import { useSession } from '../auth/session.tsx';
import { Header } from '../components/header.tsx';
import { statusName } from '../components/labels.ts';
import { Pager } from '../components/pager.tsx';
import { etaMinutes } from '../dispatch/format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { navigate } from '../router.ts';
import { CategorySelect, newClientKey, useIncidentCategories } from './categories.tsx';
import { label, timeLeft } from './format.ts';
import { IncidentDetailPanel } from './incident-detail.tsx';
import { PointMap } from './point-map.tsx';

/**
 * The most the queue API returns at once (api/schemas/incidents.ts: it takes no offset or
 * cursor), so the queue loads that many and pages through them here.
 */
const QUEUE_LIMIT = 1000;
/** Rows per page of the queue. */
const PAGE_SIZE = 50;

/** Offset of the page that holds row `index`. */
function pageStart(index: number): number {
  return Math.floor(index / PAGE_SIZE) * PAGE_SIZE;
}

interface Filters {
  status: string;
  category: string;
  overdueOnly: boolean;
}

/** The town names by code (for the table; codes alone when this fails). */
function useTownNames(): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    const controller = new AbortController();
    getAreas({ level: 'town', geometry: false }, controller.signal).then(
      (c) => setNames(new Map(c.features.map((f) => [f.properties.code, f.properties.name]))),
      () => {
        // cosmetic: the codes are shown instead
      },
    );
    return () => controller.abort();
  }, []);
  return names;
}

/**
 * /incidents (and /incidents/:id): the dispatcher queue of the user's area, soonest deadline
 * first, with filters, counts, the desk form for a new incident and the detail of one incident.
 */
export function IncidentsPage({ selectedId }: { selectedId: number | null }) {
  const { t, language } = useI18n();
  const { can } = useSession();
  const { categories } = useIncidentCategories();
  const townNames = useTownNames();
  const [filters, setFilters] = useState<Filters>({ status: '', category: '', overdueOnly: false });
  const [queue, setQueue] = useState<Queue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [deskOpen, setDeskOpen] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    getQueue(
      {
        status: filters.status || undefined,
        category: filters.category || undefined,
        overdue: filters.overdueOnly ? true : undefined,
        limit: QUEUE_LIMIT,
      },
      controller.signal,
    ).then(
      (q) => {
        setQueue(q);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [filters, reload]);

  const refresh = useCallback(() => setReload((n) => n + 1), []);
  // More match than the loaded window: the counts are the API's, the rows the first QUEUE_LIMIT.
  const truncated = queue !== null && queue.total > queue.incidents.length;
  // Live: incident and dispatch changes reload the queue (at most every 2 s).
  useLiveRefresh(['incident', 'dispatch'], refresh, 2000);
  const close = useCallback(() => navigate('/incidents'), []);

  // ---- text filter over the loaded queue, and the keyboard shortcuts
  const [text, setText] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const rows = useMemo(() => {
    const all = queue?.incidents ?? [];
    const q = text.trim().toLowerCase();
    if (!q) return all;
    return all.filter((i) =>
      [`#${i.id}`, String(i.id), i.categoryName ?? '', i.category, i.gridCode ?? '', i.townCode ?? '']
        .concat(i.townCode ? [townNames.get(i.townCode) ?? ''] : [])
        .some((v) => v.toLowerCase().includes(q)),
    );
  }, [queue, text, townNames]);
  const [cursorId, setCursorId] = useState<number | null>(selectedId);
  useEffect(() => {
    if (selectedId !== null) setCursorId(selectedId);
  }, [selectedId]);

  // ---- paging: a new filter starts at the first page; an opened incident shows its page
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [filters, text]);
  const reveal = useRef<number | null>(selectedId);
  useEffect(() => {
    reveal.current = selectedId;
  }, [selectedId]);
  useEffect(() => {
    if (reveal.current === null) return;
    const index = rows.findIndex((r) => r.id === reveal.current);
    // not (yet) in the queue: a later load may bring it
    if (index < 0) return;
    reveal.current = null;
    setOffset(pageStart(index));
  }, [rows, selectedId]);
  // The queue may have shrunk under the page (filters, live changes): stay on its last page.
  const first = rows.length === 0 ? 0 : Math.min(offset, pageStart(rows.length - 1));
  const end = Math.min(rows.length, first + PAGE_SIZE);
  const pageRows = useMemo(() => rows.slice(first, end), [rows, first, end]);

  // The cursor is a row of this page; shortcuts do not act on rows out of sight.
  const found = rows.findIndex((r) => r.id === cursorId);
  const cursorIndex = found >= first && found < end ? found : -1;
  const cursor: Incident | null = rows[cursorIndex] ?? null;
  const [detailReload, setDetailReload] = useState(0);
  const [helpOpen, setHelpOpen] = useState(false);
  const [shortcutMessage, setShortcutMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [confirm, setConfirm] = useState<{ incident: Incident; candidate: Candidate } | null>(null);
  const rowRefs = useRef(new Map<number, HTMLTableRowElement>());

  useEffect(() => {
    if (cursorId !== null) rowRefs.current.get(cursorId)?.scrollIntoView({ block: 'nearest' });
  }, [cursorId]);

  const changedByShortcut = useCallback(() => {
    refresh();
    setDetailReload((n) => n + 1);
  }, [refresh]);

  const acceptCursor = useCallback(
    async (incident: Incident) => {
      if (!can('accept') || incident.status !== 'reported') {
        setShortcutMessage({ text: `#${incident.id}: ${t('shortcut.cannotAccept')}`, error: true });
        return;
      }
      try {
        await transitionIncident(incident.id, { action: 'accept' });
        setShortcutMessage({ text: `#${incident.id}: ${t('shortcut.accepted')}`, error: false });
        changedByShortcut();
      } catch (e: unknown) {
        setShortcutMessage({ text: `#${incident.id}: ${errorMessage(e)}`, error: true });
      }
    },
    [can, t, changedByShortcut],
  );

  const proposeDispatch = useCallback(
    async (incident: Incident) => {
      if (!can('dispatch') || incident.status !== 'accepted') {
        setShortcutMessage({ text: `#${incident.id}: ${t('shortcut.cannotDispatch')}`, error: true });
        return;
      }
      try {
        const c = await getCandidates(incident.id, 1);
        const top = c.candidates[0];
        if (!top) {
          setShortcutMessage({ text: `#${incident.id}: ${t('shortcut.noCandidate')}`, error: true });
          return;
        }
        setConfirm({ incident, candidate: top });
      } catch (e: unknown) {
        setShortcutMessage({ text: `#${incident.id}: ${errorMessage(e)}`, error: true });
      }
    },
    [can, t],
  );

  const confirmDispatch = useCallback(async () => {
    if (!confirm) return;
    const { incident, candidate } = confirm;
    setConfirm(null);
    try {
      await createDispatch({ incidentId: incident.id, teamId: candidate.teamId });
      setShortcutMessage({
        text: `#${incident.id}: ${t('shortcut.dispatched')} ${candidate.name}`,
        error: false,
      });
      changedByShortcut();
    } catch (e: unknown) {
      setShortcutMessage({ text: `#${incident.id}: ${errorMessage(e)}`, error: true });
    }
  }, [confirm, t, changedByShortcut]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (confirm) {
        if (e.key === 'Escape') {
          e.preventDefault();
          setConfirm(null);
        } else if (e.key === 'Enter') {
          e.preventDefault();
          void confirmDispatch();
        }
        return;
      }
      if (isTyping(e.target)) {
        if (e.key === 'Escape' && e.target instanceof HTMLElement) e.target.blur();
        return;
      }
      if (helpOpen && (e.key === 'Escape' || e.key === '?')) {
        e.preventDefault();
        setHelpOpen(false);
        return;
      }
      // Past the end of the page the cursor goes on to the next (or previous) page.
      const move = (delta: number) => {
        if (rows.length === 0) return;
        const from = cursorIndex < 0 ? (delta > 0 ? first - 1 : end) : cursorIndex;
        const index = Math.max(0, Math.min(rows.length - 1, from + delta));
        const next = rows[index];
        if (!next) return;
        setCursorId(next.id);
        setOffset(pageStart(index));
      };
      switch (e.key) {
        case 'ArrowDown':
        case 'j':
          e.preventDefault();
          move(1);
          break;
        case 'ArrowUp':
        case 'k':
          e.preventDefault();
          move(-1);
          break;
        case 'Enter':
          if (cursor) {
            e.preventDefault();
            navigate(`/incidents/${cursor.id}`);
          }
          break;
        case 'a':
          if (cursor) {
            e.preventDefault();
            void acceptCursor(cursor);
          }
          break;
        case 'd':
          if (cursor) {
            e.preventDefault();
            void proposeDispatch(cursor);
          }
          break;
        case '/':
          e.preventDefault();
          searchRef.current?.focus();
          break;
        case '?':
          e.preventDefault();
          setHelpOpen((o) => !o);
          break;
        case 'Escape':
          setShortcutMessage(null);
          break;
        default:
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [
    rows,
    first,
    end,
    cursor,
    cursorIndex,
    confirm,
    helpOpen,
    acceptCursor,
    proposeDispatch,
    confirmDispatch,
  ]);

  return (
    <div className="app">
      <Header page="incidents" />
      <main
        className={`incidents-page${selectedId !== null ? ' with-detail' : ''}`}
        data-testid="incidents-page"
      >
        <div className="incidents-main">
          <div className="incidents-head">
            <h2 className="admin-title">{t('incidents.title')}</h2>
            {queue && (
              <span className="queue-counts" data-testid="queue-counts">
                {t('incidents.total')}{' '}
                <strong data-testid="queue-total">
                  {queue.total}
                  {truncated ? '+' : ''}
                </strong>{' '}
                · {t('incidents.overdue')}{' '}
                <strong className={queue.overdue > 0 ? 'overdue' : ''} data-testid="queue-overdue">
                  {queue.overdue}
                </strong>
              </span>
            )}
            <span className="spacer" />
            <LiveIndicator />
            <button
              type="button"
              className="button"
              data-testid="shortcut-help-open"
              title={t('shortcut.help')}
              onClick={() => setHelpOpen((o) => !o)}
            >
              ? {t('shortcut.title')}
            </button>
            {can('report') && (
              <button
                type="button"
                className={`button${deskOpen ? '' : ' primary'}`}
                data-testid="desk-open"
                onClick={() => setDeskOpen((o) => !o)}
              >
                {deskOpen ? t('desk.cancel') : t('incidents.new')}
              </button>
            )}
          </div>

          {deskOpen && can('report') && (
            <DeskForm
              onCreated={(r) => {
                refresh();
                navigate(`/incidents/${r.id}`);
              }}
            />
          )}

          <div className="admin-form filters queue-filters">
            <label className="field">
              <span>{t('col.status')}</span>
              <select
                data-testid="queue-status"
                value={filters.status}
                onChange={(e) => setFilters((f) => ({ ...f, status: e.target.value }))}
              >
                <option value="">{t('filter.any')}</option>
                {INCIDENT_STATUS_LIST.map((s) => (
                  <option key={s} value={s}>
                    {statusName(t, s)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('col.category')}</span>
              <CategorySelect
                categories={categories}
                value={filters.category}
                onChange={(category) => setFilters((f) => ({ ...f, category }))}
                allowGroups
                emptyLabel={t('filter.any')}
                testId="queue-category"
              />
            </label>
            <label className="field checkbox">
              <input
                type="checkbox"
                data-testid="queue-overdue-only"
                checked={filters.overdueOnly}
                onChange={(e) => setFilters((f) => ({ ...f, overdueOnly: e.target.checked }))}
              />
              <span>{t('incidents.overdueOnly')}</span>
            </label>
            <label className="field">
              <span>{t('incidents.search')}</span>
              <input
                ref={searchRef}
                type="search"
                data-testid="queue-search"
                placeholder={t('incidents.searchPlaceholder')}
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
            </label>
            <div className="form-actions inline">
              <button type="button" className="button" onClick={refresh} disabled={loading}>
                {t('incidents.refresh')}
              </button>
            </div>
          </div>

          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          {shortcutMessage && (
            <p
              className={shortcutMessage.error ? 'form-error' : 'form-success'}
              role="status"
              data-testid="shortcut-message"
            >
              {shortcutMessage.text}
            </p>
          )}
          <div className="table-wrap">
            <table className="data-table incident-queue" data-testid="incident-queue" aria-busy={loading}>
              <thead>
                <tr>
                  <th>{t('col.id')}</th>
                  <th>{t('col.status')}</th>
                  <th>{t('col.category')}</th>
                  <th>{t('col.priority')}</th>
                  <th>{t('col.area')}</th>
                  <th>{t('col.deadline')}</th>
                  <th>{t('col.timeLeft')}</th>
                </tr>
              </thead>
              <tbody>
                {pageRows.map((i) => (
                  <tr
                    key={i.id}
                    ref={(el) => {
                      if (el) rowRefs.current.set(i.id, el);
                      else rowRefs.current.delete(i.id);
                    }}
                    data-testid="incident-row"
                    data-id={i.id}
                    data-status={i.status}
                    aria-current={i.id === cursorId ? 'true' : undefined}
                    className={`clickable${i.id === selectedId ? ' selected' : ''}${i.id === cursorId ? ' cursor' : ''}${i.overdue ? ' overdue-row' : ''}`}
                    tabIndex={0}
                    onFocus={() => setCursorId(i.id)}
                    onClick={() => {
                      setCursorId(i.id);
                      navigate(`/incidents/${i.id}`);
                    }}
                  >
                    <td className="mono">#{i.id}</td>
                    <td>
                      <span className={`status-badge status-${i.status}`}>{statusName(t, i.status)}</span>
                    </td>
                    <td>
                      {i.categoryName ?? i.category}
                      <div className="muted small">{label(t, 'channel', i.channel)}</div>
                    </td>
                    <td>
                      <span className={`priority-badge priority-${i.priority}`}>
                        {label(t, 'priority', i.priority)}
                      </span>
                    </td>
                    <td>
                      {i.townCode ? (townNames.get(i.townCode) ?? i.townCode) : '—'}
                      <div className="muted small mono">{i.gridCode ?? ''}</div>
                    </td>
                    <td className="nowrap">{formatTime(language, i.deadlineAt)}</td>
                    <td className={`nowrap time-left${i.overdue ? ' overdue' : ''}`}>
                      {timeLeft(t, i.minutesLeft)}
                    </td>
                  </tr>
                ))}
                {queue && rows.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      {t('incidents.empty')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <Pager
            offset={first}
            pageSize={PAGE_SIZE}
            total={rows.length}
            more={truncated}
            onChange={(o) => {
              setOffset(o);
              // the cursor stays behind: j / k start again from the top / bottom of the new page
              setCursorId(null);
            }}
            testId="queue"
          />
          {truncated && (
            <p className="muted small" data-testid="queue-truncated">
              {t('incidents.truncated').replace('{n}', String(QUEUE_LIMIT))}
            </p>
          )}
        </div>
        {selectedId !== null && (
          <aside className="incidents-side">
            <IncidentDetailPanel
              id={selectedId}
              townNames={townNames}
              onClose={close}
              onChanged={refresh}
              reloadKey={detailReload}
            />
          </aside>
        )}
        {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
        {confirm && (
          <div className="modal-backdrop" role="presentation" onClick={() => setConfirm(null)}>
            <div
              className="modal"
              role="dialog"
              aria-modal="true"
              aria-labelledby="shortcut-confirm-title"
              data-testid="shortcut-confirm"
              onClick={(e) => e.stopPropagation()}
            >
              <h2 className="modal-title" id="shortcut-confirm-title">
                {t('shortcut.confirmTitle')}
              </h2>
              <p>
                #{confirm.incident.id} {confirm.incident.categoryName ?? confirm.incident.category} →{' '}
                <strong>{confirm.candidate.name}</strong> ({t('dispatch.eta')}{' '}
                {etaMinutes(t, confirm.candidate.travelTimeS)})
              </p>
              <div className="form-actions">
                <button type="button" className="button" onClick={() => setConfirm(null)}>
                  {t('desk.cancel')}
                </button>
                <button
                  type="button"
                  className="button primary"
                  data-testid="shortcut-confirm-ok"
                  autoFocus
                  onClick={() => void confirmDispatch()}
                >
                  {t('dispatch.assign')}
                </button>
              </div>
            </div>
          </div>
        )}
      </main>
    </div>
  );
}

/** Whether a key press belongs to a text field, a select or an editable element (shortcuts stay out). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

/** The keyboard shortcuts of the queue. */
const SHORTCUTS: ReadonlyArray<{ keys: string[]; text: MessageKey }> = [
  { keys: ['↑', '↓', 'k', 'j'], text: 'shortcut.move' },
  { keys: ['Enter'], text: 'shortcut.open' },
  { keys: ['a'], text: 'shortcut.accept' },
  { keys: ['d'], text: 'shortcut.dispatch' },
  { keys: ['/'], text: 'shortcut.filter' },
  { keys: ['?'], text: 'shortcut.toggleHelp' },
  { keys: ['Esc'], text: 'shortcut.escape' },
];

/** The shortcut help (toggled by `?`). */
function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <div
        className="modal shortcut-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-help-title"
        data-testid="shortcut-help"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 className="modal-title" id="shortcut-help-title">
          {t('shortcut.title')}
        </h2>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.text}>
                <td className="nowrap">
                  {s.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{t(s.text)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">{t('shortcut.notInFields')}</p>
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('detail.close')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** The desk form: a dispatcher registers an incident (channel desk) from a call or a visit. */
function DeskForm({ onCreated }: { onCreated: (r: IntakeResult) => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const home = me?.homeAreaBBox;
  const homeBox: BBox | null =
    home && home.length === 4 ? [home[0] ?? 0, home[1] ?? 0, home[2] ?? 0, home[3] ?? 0] : null;
  const { categories } = useIncidentCategories();
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [lon, setLon] = useState('');
  const [lat, setLat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<IntakeResult | null>(null);
  const [clientKey, setClientKey] = useState<string | null>(null);

  const lonN = Number(lon);
  const latN = Number(lat);
  const point: [number, number] | null =
    lon.trim() && lat.trim() && Number.isFinite(lonN) && Number.isFinite(latN) ? [lonN, latN] : null;

  const edited = () => {
    setClientKey(null);
    setError(null);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!category || !description.trim()) {
      setError(t('report.missing'));
      return;
    }
    if (!point) {
      setError(t('report.noLocation'));
      return;
    }
    const key = clientKey ?? newClientKey('desk');
    setClientKey(key);
    setBusy(true);
    setError(null);
    try {
      const r = await createIncident({
        clientKey: key,
        category,
        lon: point[0],
        lat: point[1],
        description: description.trim(),
        channel: 'desk',
      });
      setResult(r);
      setClientKey(null);
      setDescription('');
      onCreated(r);
    } catch (e: unknown) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="admin-form desk-form"
      data-testid="desk-form"
      onSubmit={(e) => void onSubmit(e)}
      noValidate
    >
      <h3 className="form-title">{t('desk.title')}</h3>
      <div className="desk-grid">
        <div>
          <label className="field">
            <span>{t('report.category')}</span>
            <CategorySelect
              categories={categories}
              value={category}
              onChange={(c) => {
                edited();
                setCategory(c);
              }}
              emptyLabel={t('report.choose')}
              testId="desk-category"
            />
          </label>
          <label className="field">
            <span>{t('report.description')}</span>
            <textarea
              rows={3}
              maxLength={2000}
              data-testid="desk-description"
              value={description}
              onChange={(e) => {
                edited();
                setDescription(e.target.value);
              }}
            />
          </label>
          <div className="desk-coords">
            <label className="field">
              <span>{t('desk.lon')}</span>
              <input
                inputMode="decimal"
                data-testid="desk-lon"
                value={lon}
                onChange={(e) => {
                  edited();
                  setLon(e.target.value);
                }}
              />
            </label>
            <label className="field">
              <span>{t('desk.lat')}</span>
              <input
                inputMode="decimal"
                data-testid="desk-lat"
                value={lat}
                onChange={(e) => {
                  edited();
                  setLat(e.target.value);
                }}
              />
            </label>
          </div>
          {error && (
            <p className="form-error" role="alert" data-testid="desk-error">
              {error}
            </p>
          )}
          {result && (
            <div className="form-success" data-testid="desk-result">
              {result.created ? t('desk.created') : t('desk.existing')} #{result.id}
              {result.raisedBy.length > 0 && (
                <div>
                  {t('desk.raisedBy')}: {result.raisedBy.map((r) => r.name).join('、')}
                </div>
              )}
              {result.possibleDuplicates.length > 0 && (
                <div>
                  {t('detail.duplicates')}:{' '}
                  {result.possibleDuplicates
                    .map((d) => `#${d.id} (${Math.round(d.distanceM)} ${t('unit.m')})`)
                    .join(', ')}
                </div>
              )}
            </div>
          )}
          <div className="form-actions">
            <button type="submit" className="button primary" data-testid="desk-submit" disabled={busy}>
              {t('desk.submit')}
            </button>
          </div>
        </div>
        <div>
          <p className="muted small">{t('desk.pickHint')}</p>
          <PointMap
            point={point}
            onPick={([x, y]) => {
              edited();
              setLon(String(x));
              setLat(String(y));
            }}
            withAreas
            initialBounds={homeBox}
            zoom={15}
            ariaLabel={t('map.aria')}
            testId="desk-map"
          />
        </div>
      </div>
    </form>
  );
}
