import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  applyPlan,
  getArea,
  getAreas,
  getCandidates,
  planConflicts,
  planDispatches,
  type AreaDetail,
  type BBox,
  type Candidate,
  type Dispatch,
  type Plan,
  type PlanConflict,
  type PlannedDispatch,
} from '../api/client.ts';
import { errorMessage, formatTime } from '../admin/format.ts';
import { useSession } from '../auth/session.tsx';
import { Header } from '../components/header.tsx';
import { ALL_LAYERS_OFF, NO_AREAS } from '../components/layer-visibility.ts';
import { label } from '../incidents/format.ts';
import { useI18n } from '../i18n.ts';
import { INCIDENT_PRIORITY_COLOR, TEAM_STATUS_COLOR } from '../map/colors.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import { buildLayers, type MapLayerState, type PlanLine } from '../map/layers/index.ts';
import { MapView } from '../map/map-view.tsx';
import { navigate } from '../router.ts';
import { distance, etaMinutes, teamKindName } from './format.ts';

/** Code of the whole city: no outline is drawn for it. */
const CITY_CODE = '441900';

/** One editable line of the plan. */
interface Line extends PlannedDispatch {
  /** The team was changed by the dispatcher. */
  changed: boolean;
}

/** Σ priority weight (2^(4 − priority)) × travel time, as the API weighs a plan. */
function weightedTime(lines: readonly Line[]): number {
  return lines.reduce((sum, l) => sum + 2 ** (4 - l.priority) * l.travelTimeS, 0);
}

/** Seconds as "1 小时 5 分钟" / "12 分钟". */
function duration(t: ReturnType<typeof useI18n>['t'], seconds: number): string {
  const m = Math.round(seconds / 60);
  return m >= 60
    ? `${Math.floor(m / 60)} ${t('time.h')} ${m % 60} ${t('unit.minutes')}`
    : `${m} ${t('unit.minutes')}`;
}

/**
 * /dispatch: the batch plan. The dispatcher picks an area (their home area by default), the API
 * plans teams for its accepted incidents (least priority-weighted road time; nothing changes),
 * the lines incident → team appear on the map and in a table, the dispatcher removes lines or
 * picks another team from the incident's candidates, and 确认派遣 applies it all or nothing;
 * what changed since planning is listed per line.
 */
export function DispatchPage() {
  const { t, language } = useI18n();
  const { me, can } = useSession();
  const home = me?.homeAreaCode ?? CITY_CODE;
  const [areas, setAreas] = useState<{ code: string; name: string }[]>([]);
  const [area, setArea] = useState(home);
  const [maxIncidents, setMaxIncidents] = useState('200');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflicts, setConflicts] = useState<PlanConflict[]>([]);
  const [applied, setApplied] = useState<Dispatch[] | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [options, setOptions] = useState<Record<number, Candidate[] | string>>({});
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [homeArea, setHomeArea] = useState<AreaDetail | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    getAreas({ parent: home, geometry: false }, controller.signal).then(
      (c) =>
        setAreas(
          c.features
            .map((f) => ({ code: f.properties.code, name: f.properties.name }))
            .sort((a, b) => a.code.localeCompare(b.code)),
        ),
      () => {
        // the home area alone is still a choice
      },
    );
    if (home !== CITY_CODE)
      getArea(home, controller.signal).then(setHomeArea, () => {
        // cosmetic
      });
    return () => controller.abort();
  }, [home]);

  const generate = useCallback(async () => {
    setBusy(true);
    setError(null);
    setConflicts([]);
    setApplied(null);
    setEditing(null);
    setOptions({});
    try {
      const n = Number(maxIncidents);
      const p = await planDispatches({
        ...(area ? { area } : {}),
        ...(Number.isInteger(n) && n >= 1 && n <= 500 ? { maxIncidents: n } : {}),
      });
      setPlan(p);
      setLines(p.assignments.map((a) => ({ ...a, changed: false })));
    } catch (e: unknown) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }, [area, maxIncidents]);

  const remove = (incidentId: number) => {
    setLines((ls) => ls.filter((l) => l.incidentId !== incidentId));
    setConflicts((cs) => cs.filter((c) => c.incidentId !== incidentId));
    if (editing === incidentId) setEditing(null);
  };

  const edit = (incidentId: number) => {
    if (editing === incidentId) {
      setEditing(null);
      return;
    }
    setEditing(incidentId);
    if (Array.isArray(options[incidentId])) return;
    getCandidates(incidentId, 10).then(
      (c) => setOptions((o) => ({ ...o, [incidentId]: c.candidates })),
      (e: unknown) => setOptions((o) => ({ ...o, [incidentId]: errorMessage(e) })),
    );
  };

  const choose = (incidentId: number, teamId: number) => {
    const list = options[incidentId];
    const c = Array.isArray(list) ? list.find((x) => x.teamId === teamId) : undefined;
    if (!c) return;
    setLines((ls) =>
      ls.map((l) =>
        l.incidentId === incidentId
          ? {
              ...l,
              teamId: c.teamId,
              teamName: c.name,
              teamLon: c.lon,
              teamLat: c.lat,
              travelTimeS: c.travelTimeS,
              distanceM: c.distanceM,
              changed: true,
            }
          : l,
      ),
    );
    setConflicts((cs) => cs.filter((x) => x.incidentId !== incidentId));
    setEditing(null);
  };

  const apply = useCallback(async () => {
    if (lines.length === 0) return;
    setBusy(true);
    setError(null);
    setConflicts([]);
    try {
      const done = await applyPlan(lines.map((l) => ({ incidentId: l.incidentId, teamId: l.teamId })));
      setApplied(done);
      setPlan(null);
      setLines([]);
    } catch (e: unknown) {
      setError(errorMessage(e));
      setConflicts(planConflicts(e) ?? []);
    } finally {
      setBusy(false);
    }
  }, [lines]);

  // A team chosen twice would be refused: say so on the line before sending.
  const teamUses = useMemo(() => {
    const uses = new Map<number, number>();
    for (const l of lines) uses.set(l.teamId, (uses.get(l.teamId) ?? 0) + 1);
    return uses;
  }, [lines]);
  const conflictsBy = useMemo(() => {
    const by = new Map<number, PlanConflict[]>();
    for (const c of conflicts) by.set(c.incidentId, [...(by.get(c.incidentId) ?? []), c]);
    return by;
  }, [conflicts]);

  // ---- the map
  const planLines = useMemo<PlanLine[]>(
    () =>
      lines.map((l) => ({
        incidentId: l.incidentId,
        priority: l.priority,
        incident: [l.incidentLon, l.incidentLat],
        team: [l.teamLon, l.teamLat],
        active: l.incidentId === hover || l.incidentId === editing,
      })),
    [lines, hover, editing],
  );
  const layers = useMemo(() => {
    const state: MapLayerState = {
      zoom: 12,
      language,
      // nothing of the ordinary layers: the plan lines alone
      visible: ALL_LAYERS_OFF,
      areas: NO_AREAS,
      tiles: {},
      homeArea,
      plan: { lines: planLines },
    };
    return buildLayers(state);
  }, [language, homeArea, planLines]);

  // Show the whole plan when a new one arrives.
  useEffect(() => {
    if (!map || !plan || plan.assignments.length === 0) return;
    let [w, s, e, n] = [180, 90, -180, -90];
    for (const a of plan.assignments) {
      for (const [x, y] of [
        [a.incidentLon, a.incidentLat],
        [a.teamLon, a.teamLat],
      ] as const) {
        w = Math.min(w, x);
        e = Math.max(e, x);
        s = Math.min(s, y);
        n = Math.max(n, y);
      }
    }
    map.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding: 50, maxZoom: 15, duration: 0 },
    );
  }, [map, plan]);

  const bounds = me?.homeAreaBBox;
  const initialBounds: BBox | null =
    home !== CITY_CODE && bounds && bounds.length === 4
      ? [bounds[0] ?? 0, bounds[1] ?? 0, bounds[2] ?? 0, bounds[3] ?? 0]
      : null;

  if (!can('dispatch')) {
    return (
      <div className="app">
        <Header page="dispatch" />
        <main className="split-page">
          <p className="form-error" role="alert">
            {t('plan.noPermission')}
          </p>
        </main>
      </div>
    );
  }

  const originalWeighted = plan?.weightedTimeS ?? 0;
  const editedWeighted = weightedTime(lines);

  return (
    <div className="app">
      <Header page="dispatch" />
      <main className="split-page" data-testid="dispatch-page">
        <div className="split-main">
          <h2 className="admin-title">{t('plan.title')}</h2>
          <p className="muted small">{t('plan.intro')}</p>
          <div className="admin-form filters">
            <label className="field">
              <span>{t('plan.area')}</span>
              <select data-testid="plan-area" value={area} onChange={(e) => setArea(e.target.value)}>
                <option value={home}>
                  {me?.homeAreaName ?? home} ({t('plan.homeArea')})
                </option>
                {areas.map((a) => (
                  <option key={a.code} value={a.code}>
                    {a.name} {a.code}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('plan.maxIncidents')}</span>
              <input
                type="number"
                min={1}
                max={500}
                data-testid="plan-max"
                value={maxIncidents}
                onChange={(e) => setMaxIncidents(e.target.value)}
              />
            </label>
            <div className="form-actions inline">
              <button
                type="button"
                className="button primary"
                data-testid="plan-generate"
                disabled={busy}
                onClick={() => void generate()}
              >
                {t('plan.generate')}
              </button>
            </div>
          </div>

          {error && (
            <div className="form-error" role="alert" data-testid="plan-error">
              {error}
            </div>
          )}
          {applied && (
            <div className="form-success" role="status" data-testid="plan-applied">
              {t('plan.applied').replace('{n}', String(applied.length))}{' '}
              {applied.map((d) => (
                <a
                  key={d.id}
                  href={`/incidents/${d.incidentId}`}
                  className="plan-applied-link"
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/incidents/${d.incidentId}`);
                  }}
                >
                  #{d.incidentId} → {d.teamName}
                </a>
              ))}
            </div>
          )}

          {plan && (
            <>
              <div className="plan-summary" data-testid="plan-summary">
                <span>
                  {t('plan.plannedAt')} {formatTime(language, plan.plannedAt)}
                </span>
                <span data-testid="plan-exact">
                  {plan.exact
                    ? t('plan.exact')
                    : t('plan.nearest').replace('{n}', String(plan.nearestPerIncident ?? '—'))}
                </span>
                <span>
                  {t('plan.counts')
                    .replace('{incidents}', String(plan.incidents))
                    .replace('{teams}', String(plan.teams))}
                </span>
                <span data-testid="plan-weighted">
                  {t('plan.weighted')} {duration(t, originalWeighted)}
                  {Math.abs(editedWeighted - originalWeighted) > 0.5 && (
                    <>
                      {' '}
                      → {duration(t, editedWeighted)} ({t('plan.edited')})
                    </>
                  )}
                </span>
              </div>
              {plan.unassigned.length > 0 && (
                <p className="muted small" data-testid="plan-unassigned">
                  {t('plan.unassigned')}: {plan.unassigned.map((id) => `#${id}`).join(', ')}
                </p>
              )}
              {lines.length === 0 ? (
                <p className="muted" data-testid="plan-empty">
                  {t('plan.empty')}
                </p>
              ) : (
                <div className="table-wrap">
                  <table className="data-table" data-testid="plan-table">
                    <thead>
                      <tr>
                        <th>{t('col.id')}</th>
                        <th>{t('col.priority')}</th>
                        <th>{t('plan.team')}</th>
                        <th>{t('dispatch.eta')}</th>
                        <th>{t('dispatch.road')}</th>
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      {lines.map((l) => {
                        const list = options[l.incidentId];
                        const lineConflicts = conflictsBy.get(l.incidentId) ?? [];
                        const twice = (teamUses.get(l.teamId) ?? 0) > 1;
                        return (
                          <tr
                            key={l.incidentId}
                            data-testid="plan-row"
                            data-incident-id={l.incidentId}
                            data-team-id={l.teamId}
                            className={`${l.incidentId === hover ? 'selected' : ''}${lineConflicts.length > 0 ? ' conflict-row' : ''}`}
                            onMouseEnter={() => setHover(l.incidentId)}
                            onMouseLeave={() => setHover(null)}
                          >
                            <td className="mono">
                              <a
                                href={`/incidents/${l.incidentId}`}
                                onClick={(e) => {
                                  e.preventDefault();
                                  navigate(`/incidents/${l.incidentId}`);
                                }}
                              >
                                #{l.incidentId}
                              </a>
                            </td>
                            <td>
                              <span className={`priority-badge priority-${l.priority}`}>
                                {label(t, 'priority', l.priority)}
                              </span>
                            </td>
                            <td>
                              <span data-testid="plan-team">{l.teamName}</span>
                              {l.changed && <span className="badge"> {t('plan.changed')}</span>}
                              {twice && (
                                <div className="form-error small" data-testid={`plan-twice-${l.incidentId}`}>
                                  {t('plan.teamTwice')}
                                </div>
                              )}
                              {editing === l.incidentId && (
                                <div className="plan-edit">
                                  {list === undefined && (
                                    <span className="muted small">{t('incidents.loading')}</span>
                                  )}
                                  {typeof list === 'string' && (
                                    <span className="form-error small">{list}</span>
                                  )}
                                  {Array.isArray(list) && list.length === 0 && (
                                    <span className="muted small">{t('plan.noOtherTeams')}</span>
                                  )}
                                  {Array.isArray(list) && list.length > 0 && (
                                    <select
                                      data-testid={`plan-team-select-${l.incidentId}`}
                                      value={l.teamId}
                                      onChange={(e) => choose(l.incidentId, Number(e.target.value))}
                                    >
                                      {!list.some((c) => c.teamId === l.teamId) && (
                                        <option value={l.teamId}>{l.teamName}</option>
                                      )}
                                      {list.map((c) => (
                                        <option key={c.teamId} value={c.teamId}>
                                          {c.name} · {teamKindName(t, c.kind)} ·{' '}
                                          {etaMinutes(t, c.travelTimeS)} · {distance(t, c.distanceM)}
                                        </option>
                                      ))}
                                    </select>
                                  )}
                                </div>
                              )}
                              {lineConflicts.map((c) => (
                                <div
                                  key={`${c.incidentId}-${c.teamId}`}
                                  className="form-error small"
                                  data-testid={`plan-conflict-${l.incidentId}`}
                                >
                                  {c.reason}
                                </div>
                              ))}
                            </td>
                            <td className="nowrap">{etaMinutes(t, l.travelTimeS)}</td>
                            <td className="nowrap">{distance(t, l.distanceM)}</td>
                            <td className="nowrap">
                              <button
                                type="button"
                                className="button small"
                                data-testid={`plan-change-${l.incidentId}`}
                                onClick={() => edit(l.incidentId)}
                              >
                                {editing === l.incidentId ? t('desk.cancel') : t('plan.change')}
                              </button>{' '}
                              <button
                                type="button"
                                className="button small danger"
                                data-testid={`plan-remove-${l.incidentId}`}
                                onClick={() => remove(l.incidentId)}
                              >
                                {t('plan.remove')}
                              </button>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
              <div className="form-actions">
                <button
                  type="button"
                  className="button primary"
                  data-testid="plan-apply"
                  disabled={busy || lines.length === 0}
                  onClick={() => void apply()}
                >
                  {t('plan.apply').replace('{n}', String(lines.length))}
                </button>
              </div>
            </>
          )}
        </div>
        <div className="split-map">
          <MapView
            basemap="light"
            ariaLabel={t('map.aria')}
            initialBounds={initialBounds}
            initialPadding={{ top: 30, bottom: 30, left: 30, right: 30 }}
            onLoad={setMap}
          />
          {map && <DeckOverlay map={map} layers={layers} />}
          <div className="map-legend-float panel" data-testid="plan-legend">
            <div className="legend-inline">
              {[1, 2, 3, 4].map((p) => (
                <span key={p} className="legend-item">
                  <span
                    className="line-sample"
                    style={{
                      background: `rgb(${(INCIDENT_PRIORITY_COLOR[p] ?? [0, 0, 0]).slice(0, 3).join(',')})`,
                    }}
                    aria-hidden="true"
                  />
                  P{p}
                </span>
              ))}
              <span className="legend-item">
                <span
                  className="dot"
                  style={{
                    background: `rgb(${(TEAM_STATUS_COLOR.available ?? [0, 0, 0]).slice(0, 3).join(',')})`,
                  }}
                  aria-hidden="true"
                />
                {t('plan.legendTeam')}
              </span>
            </div>
          </div>
        </div>
      </main>
    </div>
  );
}
