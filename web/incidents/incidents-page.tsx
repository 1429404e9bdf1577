import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  INCIDENT_STATUS_LIST,
  createIncident,
  getAreas,
  getQueue,
  type BBox,
  type IntakeResult,
  type Queue,
} from '../api/client.ts';
import { errorMessage, formatTime } from '../admin/format.ts';
import { useSession } from '../auth/session.tsx';
import { Header } from '../components/header.tsx';
import { statusName } from '../components/labels.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { CategorySelect, newClientKey, useIncidentCategories } from './categories.tsx';
import { label, timeLeft } from './format.ts';
import { IncidentDetailPanel } from './incident-detail.tsx';
import { PointMap } from './point-map.tsx';

const QUEUE_LIMIT = 200;

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
  const close = useCallback(() => navigate('/incidents'), []);

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
                {t('incidents.total')} <strong data-testid="queue-total">{queue.total}</strong> ·{' '}
                {t('incidents.overdue')}{' '}
                <strong className={queue.overdue > 0 ? 'overdue' : ''} data-testid="queue-overdue">
                  {queue.overdue}
                </strong>
              </span>
            )}
            <span className="spacer" />
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
                {queue?.incidents.map((i) => (
                  <tr
                    key={i.id}
                    data-testid="incident-row"
                    data-id={i.id}
                    className={`clickable${i.id === selectedId ? ' selected' : ''}${i.overdue ? ' overdue-row' : ''}`}
                    tabIndex={0}
                    onClick={() => navigate(`/incidents/${i.id}`)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') navigate(`/incidents/${i.id}`);
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
                {queue && queue.incidents.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      {t('incidents.empty')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {queue && queue.total >= QUEUE_LIMIT && <p className="muted small">{t('incidents.truncated')}</p>}
        </div>
        {selectedId !== null && (
          <aside className="incidents-side">
            <IncidentDetailPanel id={selectedId} townNames={townNames} onClose={close} onChanged={refresh} />
          </aside>
        )}
      </main>
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
