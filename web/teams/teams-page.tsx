import type { PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  getCoverage,
  getTeamIsochrones,
  getTeams,
  setTeamDuty,
  type BBox,
  type Coverage,
  type Isochrones,
  type Team,
  type TeamList,
} from '../api/client.ts';
import { errorMessage, formatTime } from '../admin/format.ts';
import { useSession } from '../auth/session.tsx';
import { Header } from '../components/header.tsx';
import { statusName } from '../components/labels.ts';
import { NO_AREAS, onlyLayers } from '../components/layer-visibility.ts';
import { Pager } from '../components/pager.tsx';
import { useI18n } from '../i18n.ts';
import { COVERAGE_GAP_LINE_COLOR, TEAM_STALE_RING_COLOR, TEAM_STATUS_COLOR } from '../map/colors.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import { buildLayers, isochroneColor, type MapLayerState } from '../map/layers/index.ts';
import { MapView } from '../map/map-view.tsx';
import { usePointTiles, type LayerFilters, type TilePoint } from '../map/use-point-tiles.ts';
import { useTeamFreshness } from '../map/use-team-freshness.ts';
import { navigate } from '../router.ts';
import { age, CAPABILITIES, capabilityName, TEAM_KINDS, teamKindName } from '../dispatch/format.ts';

const PAGE_SIZE = 50;
const TEAM_STATUSES = ['available', 'dispatched', 'on_scene', 'off_duty'] as const;
const CITY_CODE = '441900';
const ISOCHRONE_MINUTES = [5, 10, 15] as const;
const COVERAGE_MINUTES = 10;

/** Only the teams of the ordinary layers are drawn on this page's map. */
const TEAMS_VISIBLE = onlyLayers('teams');

function rgb(c: readonly number[]): string {
  return `rgb(${c.slice(0, 3).join(',')})`;
}

/** Zoom quantised to half levels, as the main map does. */
function quantiseZoom(zoom: number): number {
  return Math.floor(zoom * 2) / 2;
}

/** The box around every ring of a set of MultiPolygons. */
function isochroneBounds(iso: Isochrones): BBox | null {
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const f of iso.features)
    for (const polygon of f.geometry.coordinates)
      for (const ring of polygon)
        for (const p of ring) {
          const [x, y] = [p[0] ?? 0, p[1] ?? 0];
          w = Math.min(w, x);
          e = Math.max(e, x);
          s = Math.min(s, y);
          n = Math.max(n, y);
        }
  return w <= e ? [w, s, e, n] : null;
}

/**
 * /teams: the response teams of the user's area with status, kind, last fix and its age (stale
 * past the freshness limit), on/off duty (permission report), filters and paging. A team picked
 * in the list is shown on the map with its 5/10/15-minute isochrones; the 10-minute uncovered
 * area (响应盲区), optionally for one capability, can be switched on.
 */
export function TeamsPage() {
  const { t, language } = useI18n();
  const { me, can } = useSession();
  const [status, setStatus] = useState('');
  const [kind, setKind] = useState('');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<TeamList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [selected, setSelected] = useState<Team | null>(null);
  const [isochrones, setIsochrones] = useState<Isochrones | null>(null);
  const [isoError, setIsoError] = useState<string | null>(null);
  const [coverageOn, setCoverageOn] = useState(false);
  const [capability, setCapability] = useState('');
  const [coverage, setCoverage] = useState<Coverage | null>(null);
  const [coverageError, setCoverageError] = useState<string | null>(null);
  const [coverageLoading, setCoverageLoading] = useState(false);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [zoom, setZoom] = useState(12);
  const freshness = useTeamFreshness();

  // The name search waits for a pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);
  useEffect(() => setOffset(0), [status, kind, q]);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    getTeams(
      {
        status: status || undefined,
        kind: kind || undefined,
        q: q || undefined,
        limit: PAGE_SIZE,
        offset,
      },
      controller.signal,
    ).then(
      (r) => {
        setList(r);
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
  }, [status, kind, q, offset, reload]);

  const toggleDuty = useCallback(
    async (team: Team, onDuty: boolean) => {
      setRowErrors(({ [team.id]: _, ...rest }) => rest);
      try {
        const updated = await setTeamDuty(team.id, onDuty);
        setList((l) => l && { ...l, teams: l.teams.map((x) => (x.id === updated.id ? updated : x)) });
        setSelected((s) => (s?.id === updated.id ? updated : s));
        if (coverageOn) setReload((n) => n + 1);
      } catch (e: unknown) {
        setRowErrors((r) => ({ ...r, [team.id]: errorMessage(e) }));
      }
    },
    [coverageOn],
  );

  // ---- the picked team: its isochrones, and the map goes there
  const selectedId = selected?.id ?? null;
  useEffect(() => {
    setIsochrones(null);
    setIsoError(null);
    if (selectedId === null) return;
    const controller = new AbortController();
    getTeamIsochrones(selectedId, ISOCHRONE_MINUTES, controller.signal).then(setIsochrones, (e: unknown) => {
      if (!controller.signal.aborted) setIsoError(errorMessage(e));
    });
    return () => controller.abort();
  }, [selectedId]);
  useEffect(() => {
    if (!map || !selected || selected.lon === null || selected.lat === null) return;
    const box = isochrones ? isochroneBounds(isochrones) : null;
    if (box)
      map.fitBounds(
        [
          [box[0], box[1]],
          [box[2], box[3]],
        ],
        { padding: 30, maxZoom: 15, duration: 0 },
      );
    else map.jumpTo({ center: [selected.lon, selected.lat], zoom: Math.max(map.getZoom(), 13) });
  }, [map, selected, isochrones]);

  // ---- the uncovered area
  useEffect(() => {
    if (!coverageOn) {
      setCoverage(null);
      setCoverageError(null);
      return;
    }
    const controller = new AbortController();
    setCoverageLoading(true);
    getCoverage({ minutes: COVERAGE_MINUTES, ...(capability ? { capability } : {}) }, controller.signal).then(
      (c) => {
        setCoverage(c);
        setCoverageError(null);
        setCoverageLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setCoverageError(errorMessage(e));
        setCoverageLoading(false);
      },
    );
    return () => controller.abort();
  }, [coverageOn, capability, reload]);

  // ---- the map
  useEffect(() => {
    if (!map) return;
    const onZoom = () => setZoom(quantiseZoom(map.getZoom()));
    onZoom();
    map.on('zoom', onZoom);
    return () => {
      map.off('zoom', onZoom);
    };
  }, [map]);
  const tileFilters = useMemo<LayerFilters>(
    () => ({ teams: { ...(status ? { status } : {}), ...(kind ? { kind } : {}) } }),
    [status, kind],
  );
  const tiles = usePointTiles(map, TEAMS_VISIBLE, tileFilters);
  const selection = useMemo(
    () =>
      selected && selected.lon !== null && selected.lat !== null
        ? { position: [selected.lon, selected.lat] as [number, number] }
        : null,
    [selected],
  );
  const layers = useMemo(() => {
    const state: MapLayerState = {
      zoom,
      language,
      visible: TEAMS_VISIBLE,
      areas: NO_AREAS,
      tiles: tiles.data,
      teamFreshness: freshness,
      selection,
      isochrones,
      coverage: coverageOn ? coverage : null,
    };
    return buildLayers(state);
  }, [zoom, language, tiles.data, freshness, selection, isochrones, coverageOn, coverage]);

  // A team dot on the map picks that team (when it is on this page of the list).
  const onMapClick = useCallback(
    (info: PickingInfo) => {
      const p = info.object as TilePoint | undefined;
      if (!p || p.layer !== 'teams' || p.id === null) return;
      const team = list?.teams.find((x) => x.id === p.id);
      if (team) setSelected(team);
    },
    [list],
  );

  const bounds = me?.homeAreaBBox;
  const initialBounds: BBox | null =
    me?.homeAreaCode !== CITY_CODE && bounds && bounds.length === 4
      ? [bounds[0] ?? 0, bounds[1] ?? 0, bounds[2] ?? 0, bounds[3] ?? 0]
      : null;
  const nowMs = freshness.nowS * 1000;
  const total = list?.total ?? 0;

  return (
    <div className="app">
      <Header page="teams" />
      <main className="split-page" data-testid="teams-page">
        <div className="split-main">
          <div className="incidents-head">
            <h2 className="admin-title">{t('teams.title')}</h2>
            {list && (
              <span className="queue-counts">
                {t('incidents.total')} <strong data-testid="teams-total">{list.total}</strong> ·{' '}
                {t('teams.staleLimit').replace('{n}', String(Math.round(list.fixMaxAgeS / 60)))}
              </span>
            )}
          </div>
          <div className="admin-form filters queue-filters">
            <label className="field">
              <span>{t('col.status')}</span>
              <select data-testid="teams-status" value={status} onChange={(e) => setStatus(e.target.value)}>
                <option value="">{t('filter.any')}</option>
                {TEAM_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {statusName(t, s)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('teams.kind')}</span>
              <select data-testid="teams-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
                <option value="">{t('filter.any')}</option>
                {TEAM_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {teamKindName(t, k)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('teams.search')}</span>
              <input
                type="search"
                data-testid="teams-search"
                maxLength={50}
                value={search}
                onChange={(e) => setSearch(e.target.value)}
              />
            </label>
            <div className="form-actions inline">
              <button
                type="button"
                className="button"
                onClick={() => setReload((n) => n + 1)}
                disabled={loading}
              >
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
            <table className="data-table" data-testid="teams-table" aria-busy={loading}>
              <thead>
                <tr>
                  <th>{t('teams.name')}</th>
                  <th>{t('teams.kind')}</th>
                  <th>{t('col.status')}</th>
                  <th>{t('teams.onDuty')}</th>
                  <th>{t('teams.lastFix')}</th>
                  <th>{t('teams.incident')}</th>
                </tr>
              </thead>
              <tbody>
                {list?.teams.map((team) => (
                  <tr
                    key={team.id}
                    data-testid="team-row"
                    data-id={team.id}
                    data-status={team.status}
                    className={`clickable${team.id === selectedId ? ' selected' : ''}${team.stale ? ' stale-row' : ''}`}
                    tabIndex={0}
                    onClick={() => setSelected(team)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && e.target === e.currentTarget) setSelected(team);
                    }}
                  >
                    <td>
                      <span data-testid="team-name">{team.name}</span>
                      <div className="muted small mono">{team.homeAreaCode ?? ''}</div>
                    </td>
                    <td>
                      {teamKindName(t, team.kind)}
                      {team.capabilities.length > 0 && (
                        <div className="muted small" data-testid="team-capabilities">
                          {team.capabilities.map((c) => capabilityName(t, c)).join('、')}
                        </div>
                      )}
                    </td>
                    <td>
                      <span className={`status-badge team-status-${team.status}`} data-testid="team-status">
                        <span
                          className="dot"
                          style={{ background: rgb(TEAM_STATUS_COLOR[team.status] ?? [120, 120, 120]) }}
                          aria-hidden="true"
                        />{' '}
                        {statusName(t, team.status)}
                      </span>
                    </td>
                    <td onClick={(e) => e.stopPropagation()}>
                      {can('report') ? (
                        <label className="checkbox">
                          <input
                            type="checkbox"
                            data-testid={`team-duty-${team.id}`}
                            checked={team.onDuty}
                            onChange={(e) => void toggleDuty(team, e.target.checked)}
                          />
                          <span>{team.onDuty ? t('teams.onDutyYes') : t('teams.onDutyNo')}</span>
                        </label>
                      ) : team.onDuty ? (
                        t('teams.onDutyYes')
                      ) : (
                        t('teams.onDutyNo')
                      )}
                      {rowErrors[team.id] && (
                        <div className="form-error small" role="alert" data-testid={`team-error-${team.id}`}>
                          {rowErrors[team.id]}
                        </div>
                      )}
                    </td>
                    <td className="nowrap">
                      <div>{formatTime(language, team.positionAt)}</div>
                      <div className="muted small">
                        {age(t, team.positionAt, nowMs)}
                        {team.stale && (
                          <>
                            {' '}
                            <span className="badge stale" data-testid="team-stale">
                              {t('teams.stale')}
                            </span>
                          </>
                        )}
                      </div>
                    </td>
                    <td>
                      {team.incidentId !== null ? (
                        <a
                          href={`/incidents/${team.incidentId}`}
                          data-testid="team-incident"
                          onClick={(e) => {
                            e.preventDefault();
                            e.stopPropagation();
                            navigate(`/incidents/${team.incidentId}`);
                          }}
                        >
                          #{team.incidentId}
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
                {list && list.teams.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">
                      {t('teams.empty')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <Pager
            offset={offset}
            pageSize={PAGE_SIZE}
            total={total}
            disabled={loading}
            onChange={setOffset}
            testId="teams"
          />
        </div>
        <div className="split-map">
          <MapView
            basemap="light"
            ariaLabel={t('map.aria')}
            initialBounds={initialBounds}
            initialPadding={{ top: 30, bottom: 30, left: 30, right: 30 }}
            onLoad={setMap}
          />
          {map && <DeckOverlay map={map} layers={layers} onClick={onMapClick} />}
          <div className="map-legend-float panel teams-map-panel">
            {selected ? (
              <div data-testid="team-isochrones" data-team-id={selected.id}>
                <div className="detail-head">
                  <strong>{selected.name}</strong>
                  <button
                    type="button"
                    className="close-button"
                    aria-label={t('detail.close')}
                    onClick={() => setSelected(null)}
                  >
                    ×
                  </button>
                </div>
                {selected.lon === null && <p className="muted small">{t('teams.noPosition')}</p>}
                {isoError && <p className="form-error small">{isoError}</p>}
                {!isochrones && !isoError && selected.lon !== null && (
                  <p className="muted small">{t('incidents.loading')}</p>
                )}
                {isochrones && (
                  <ul className="legend-list">
                    {[...isochrones.features]
                      .sort((a, b) => a.properties.minutes - b.properties.minutes)
                      .map((f) => (
                        <li key={f.properties.minutes} className="legend-item" data-testid="isochrone-item">
                          <span
                            className="swatch"
                            style={{ background: rgb(isochroneColor(f.properties.minutes)) }}
                            aria-hidden="true"
                          />
                          {t('teams.isochrone')
                            .replace('{m}', String(f.properties.minutes))
                            .replace('{a}', f.properties.areaKm2.toFixed(1))}
                        </li>
                      ))}
                  </ul>
                )}
              </div>
            ) : (
              <p className="muted small">{t('teams.pickHint')}</p>
            )}
            <div className="coverage-controls">
              <label className="checkbox">
                <input
                  type="checkbox"
                  data-testid="coverage-toggle"
                  checked={coverageOn}
                  onChange={(e) => setCoverageOn(e.target.checked)}
                />
                <span>{t('coverage.toggle').replace('{m}', String(COVERAGE_MINUTES))}</span>
              </label>
              {coverageOn && (
                <label className="filter-field">
                  <span>{t('coverage.capability')}</span>
                  <select
                    data-testid="coverage-capability"
                    value={capability}
                    onChange={(e) => setCapability(e.target.value)}
                  >
                    <option value="">{t('filter.any')}</option>
                    {CAPABILITIES.map((c) => (
                      <option key={c} value={c}>
                        {capabilityName(t, c)}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              {coverageOn && coverageLoading && <p className="muted small">{t('incidents.loading')}</p>}
              {coverageOn && coverageError && <p className="form-error small">{coverageError}</p>}
              {coverageOn && coverage && !coverageLoading && (
                <p className="small" data-testid="coverage-summary">
                  <span
                    className="swatch"
                    style={{ background: rgb(COVERAGE_GAP_LINE_COLOR) }}
                    aria-hidden="true"
                  />{' '}
                  {t('coverage.summary')
                    .replace('{u}', coverage.uncoveredKm2.toFixed(1))
                    .replace('{c}', coverage.cityKm2.toFixed(0))
                    .replace(
                      '{p}',
                      ((100 * coverage.uncoveredKm2) / Math.max(1, coverage.cityKm2)).toFixed(1),
                    )
                    .replace('{n}', String(coverage.teams))}
                </p>
              )}
            </div>
            <div className="legend-inline small">
              {TEAM_STATUSES.map((s) => (
                <span key={s} className="legend-item">
                  <span
                    className="dot"
                    style={{ background: rgb(TEAM_STATUS_COLOR[s] ?? [0, 0, 0]) }}
                    aria-hidden="true"
                  />
                  {statusName(t, s)}
                </span>
              ))}
              <span className="legend-item">
                <span
                  className="dot stale-sample"
                  style={{ borderColor: rgb(TEAM_STALE_RING_COLOR) }}
                  aria-hidden="true"
                />
                {t('legend.stale').replace('{n}', String(Math.round(freshness.maxAgeS / 60)))}
              </span>
            </div>
          </div>
        </div>
      </main>
    </div>
  );
}
