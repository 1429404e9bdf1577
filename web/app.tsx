import type { PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AdminPage } from './admin/admin-page.tsx';
import { DispatchPage } from './dispatch/dispatch-page.tsx';
import {
  FEATURE_LAYER_IDS,
  getArea,
  getAreaStats,
  getAround,
  getExposedSites,
  getLayerFeatures,
  type AreaDetail,
  type AreaStat,
  type BBox,
  type LayerId,
  type Me,
  type SearchHit,
} from './api/client.ts';
import { useSession } from './auth/session.tsx';
import { AroundPanel } from './components/around-panel.tsx';
import { DetailPanel, type DetailTarget } from './components/detail-panel.tsx';
import { Header } from './components/header.tsx';
import { LayerPanel } from './components/layer-panel.tsx';
import { Legend } from './components/legend.tsx';
import { LoginPage } from './components/login-page.tsx';
import { SearchBox } from './components/search-box.tsx';
import { ThematicPanel, type DensityWindow, type ThematicSettings } from './components/thematic-panel.tsx';
import { useI18n, type MessageKey } from './i18n.ts';
import { GridsPage } from './grids/grids-page.tsx';
import { ImportPage } from './import/import-page.tsx';
import { IncidentsPage } from './incidents/incidents-page.tsx';
import { ReportPage } from './incidents/report-page.tsx';
import { LiveIndicator } from './live/live-indicator.tsx';
import { useLiveRefresh } from './live/use-live.ts';
import type { BasemapVariant } from './map/basemap-style.ts';
import { DeckOverlay } from './map/deck-overlay.tsx';
import {
  AREA_OUTLINE_LAYER_ID,
  areaOutlineLayerId,
  buildLayers,
  countLayerItems,
  metricValue,
  quantileBreaks,
  type Analysis,
  type ChoroplethState,
  type DensityState,
  type DrawnAreaLevel,
  type MapLayerState,
  type ToggleId,
} from './map/layers/index.ts';
import { INITIAL_VIEW, MapView } from './map/map-view.tsx';
import { useAreas } from './map/use-areas.ts';
import { useTeamFreshness } from './map/use-team-freshness.ts';
import { RAW_ZOOM, usePointTiles, type LayerFilter, type TilePoint } from './map/use-point-tiles.ts';
import { usePath } from './router.ts';
import { ScreenPage } from './screen/screen-page.tsx';
import { TeamsPage } from './teams/teams-page.tsx';
import { publishTestState } from './test-hooks.ts';

/** Code of the whole city (Dongguan): users homed there get the city overview. */
const CITY_CODE = '441900';

/** Room around the home area when the map opens on it: the layer panel floats on the left. */
const HOME_PADDING = { top: 40, bottom: 40, left: 260, right: 40 };

/** The box to open the map on: the home area's, unless it is the whole city (or unknown). */
function homeBounds(me: Me): BBox | null {
  const b = me.homeAreaBBox;
  if (me.homeAreaCode === CITY_CODE || !b || b.length !== 4) return null;
  const [minLon, minLat, maxLon, maxLat] = b as [number, number, number, number];
  return [minLon, minLat, maxLon, maxLat];
}

/** The switches at start: everything but the two densest layers (components, cameras). */
const INITIAL_VISIBLE: Record<ToggleId, boolean> = {
  towns: true,
  villages: true,
  grids: true,
  ...(Object.fromEntries(FEATURE_LAYER_IDS.map((id) => [id, true])) as Record<LayerId, boolean>),
  components: false,
  cameras: false,
};

/** Zoom rounded down to half levels: every threshold is a multiple of 0.5, and fewer renders. */
function quantiseZoom(zoom: number): number {
  return Math.floor(zoom * 2) / 2;
}

/** `?basemap=dark` picks the dark basemap; anything else the light one. */
function basemapFromUrl(): BasemapVariant {
  return new URLSearchParams(window.location.search).get('basemap') === 'dark' ? 'dark' : 'light';
}

/** The feature layer of each kind of search hit. */
const SEARCH_LAYER: Record<Exclude<SearchHit['kind'], 'area'>, LayerId> = {
  site: 'sites',
  risk_source: 'risk_sources',
  team: 'teams',
  incident: 'incidents',
};

/** How far back each density window reaches, in hours (null: all time). */
const WINDOW_HOURS: Record<Exclude<DensityWindow, 'off'>, number | null> = {
  '24h': 24,
  '7d': 24 * 7,
  '30d': 24 * 30,
  all: null,
};

/** Default radius of "what is around", in metres. */
const DEFAULT_AROUND_RADIUS = 500;

/** Zoom a search hit or list item flies to. */
const POINT_ZOOM = 16;

/** Room around fitted boxes: the panels float left and right. */
const FIT_PADDING = { top: 60, bottom: 60, left: 280, right: 360 };

function isTilePoint(value: unknown): value is TilePoint {
  return (
    typeof value === 'object' &&
    value !== null &&
    'layer' in value &&
    'position' in value &&
    'count' in value &&
    'properties' in value
  );
}

/** The title of the layer an item belongs to. */
function targetLayerName(target: DetailTarget, t: (key: MessageKey) => string): string {
  if (target.kind === 'feature') return t(`layer.${target.layer}` as MessageKey);
  const level = target.properties.level;
  return typeof level === 'string' && ['town', 'village', 'grid', 'city'].includes(level)
    ? t(`area.${level}` as MessageKey)
    : t('detail.title');
}

/** A key naming an analysis request (not its answer). */
function analysisKey(a: Analysis | null): string {
  if (!a) return '';
  return a.kind === 'around' ? `around:${a.center.join(',')}:${a.radius}` : `exposure:${a.sourceId}`;
}

/**
 * The application: the public citizen report page at /report; elsewhere the sign-in page until a
 * session exists, then the map (at /), the incident queue (at /incidents, /incidents/:id), the batch
 * dispatch plan (at /dispatch), the team list (at /teams), the command-centre big screen (at /screen), the grid editor (at /grids) or the administration page (at /admin). Signing in as someone else builds a fresh map.
 */
export function App() {
  const { t } = useI18n();
  const { status, me } = useSession();
  const path = usePath();
  // The citizen report page is public: no sign-in, whatever the session.
  if (path === '/report') return <ReportPage />;
  if (status === 'loading') {
    return (
      <div className="splash" role="status">
        {t('session.loading')}
      </div>
    );
  }
  if (!me) return <LoginPage />;
  if (path === '/admin') return <AdminPage />;
  if (path === '/grids') return <GridsPage />;
  if (path === '/import') return <ImportPage />;
  if (path === '/dispatch') return <DispatchPage />;
  if (path === '/teams') return <TeamsPage />;
  if (path === '/screen') return <ScreenPage />;
  const incident = /^\/incidents(?:\/([0-9]{1,10}))?$/.exec(path);
  if (incident) return <IncidentsPage selectedId={incident[1] ? Number(incident[1]) : null} />;
  return <MapPage key={`${me.kind}:${me.id}`} me={me} />;
}

/**
 * The map page: header with search and "what is around", the map with its deck.gl overlay,
 * layer panel with filters, thematic maps, legend, detail and analysis panels.
 */
function MapPage({ me }: { me: Me }) {
  const { language, t } = useI18n();
  const [basemap] = useState(basemapFromUrl);
  const [initialBounds] = useState(() => homeBounds(me));
  const [homeArea, setHomeArea] = useState<AreaDetail | null>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [zoom, setZoom] = useState(quantiseZoom(INITIAL_VIEW.zoom));

  // The home area's outline, drawn emphasised (not for the whole city, which has no outline drawn).
  useEffect(() => {
    if (me.homeAreaCode === CITY_CODE) return;
    const controller = new AbortController();
    getArea(me.homeAreaCode, controller.signal).then(setHomeArea, () => {
      // cosmetic only: without it the map still works
    });
    return () => controller.abort();
  }, [me.homeAreaCode]);

  // A new map is not ready until it draws again (sign-out, or the admin page, unmounts this one).
  useEffect(() => () => publishTestState({ mapReady: false, layers: {} }), []);
  const [visible, setVisible] = useState(INITIAL_VISIBLE);
  const [filters, setFilters] = useState<Partial<Record<LayerId, LayerFilter>>>({});
  const [selected, setSelected] = useState<DetailTarget | null>(null);
  const [selectionPos, setSelectionPos] = useState<[number, number] | null>(null);

  useEffect(() => {
    if (!map) return;
    const onZoom = () => setZoom(quantiseZoom(map.getZoom()));
    onZoom();
    map.on('zoom', onZoom);
    return () => {
      map.off('zoom', onZoom);
    };
  }, [map]);

  // ---- thematic maps: choropleth and incident density
  const [thematic, setThematic] = useState<ThematicSettings>({
    choroplethMetric: 'off',
    choroplethLevel: 'town',
    densityWindow: 'off',
    densityStyle: 'heatmap',
  });
  const [thematicError, setThematicError] = useState<string | null>(null);
  const choroplethOn = thematic.choroplethMetric !== 'off';

  const wantedAreas = useMemo<Record<DrawnAreaLevel, boolean>>(
    () => ({ town: visible.towns, village: visible.villages, grid: visible.grids }),
    [visible.towns, visible.villages, visible.grids],
  );
  const eagerAreas = useMemo<Partial<Record<DrawnAreaLevel, boolean>>>(
    () => ({ village: choroplethOn && thematic.choroplethLevel === 'village' }),
    [choroplethOn, thematic.choroplethLevel],
  );
  const { areas, errors: areaErrors } = useAreas(zoom, wantedAreas, eagerAreas);
  // Live: incident, dispatch and team changes reload those layers' tiles (throttled).
  const [liveVersion, setLiveVersion] = useState(0);
  const bumpLive = useCallback(() => setLiveVersion((v) => v + 1), []);
  useLiveRefresh(['incident', 'dispatch', 'team'], bumpLive, 2000);
  const tiles = usePointTiles(map, visible, filters, liveVersion);
  const teamFreshness = useTeamFreshness();

  const [stats, setStats] = useState<{ level: 'town' | 'village'; byCode: Map<string, AreaStat> } | null>(
    null,
  );
  useEffect(() => {
    if (!choroplethOn) return;
    const level = thematic.choroplethLevel;
    const controller = new AbortController();
    getAreaStats(level, controller.signal).then(
      (rows) => {
        setStats({ level, byCode: new Map(rows.map((r) => [r.code, r])) });
        setThematicError(null);
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setThematicError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => controller.abort();
  }, [choroplethOn, thematic.choroplethLevel]);

  const choropleth = useMemo<ChoroplethState | null>(() => {
    const metric = thematic.choroplethMetric;
    if (metric === 'off' || !stats || stats.level !== thematic.choroplethLevel) return null;
    const values: number[] = [];
    for (const s of stats.byCode.values()) {
      const v = metricValue(s, metric);
      if (v !== null) values.push(v);
    }
    return { level: stats.level, metric, stats: stats.byCode, breaks: quantileBreaks(values) };
  }, [thematic.choroplethMetric, thematic.choroplethLevel, stats]);

  const [density, setDensity] = useState<DensityState | null>(null);
  const [densityCount, setDensityCount] = useState<number | null>(null);
  const densityPoints = useRef<readonly [number, number][] | null>(null);
  useEffect(() => {
    const window = thematic.densityWindow;
    setDensity(null);
    setDensityCount(null);
    densityPoints.current = null;
    if (window === 'off') return;
    const hours = WINDOW_HOURS[window];
    const from = hours === null ? undefined : new Date(Date.now() - hours * 3_600_000).toISOString();
    const controller = new AbortController();
    getLayerFeatures('incidents', { from, limit: 20000 }, controller.signal).then(
      (collection) => {
        const points: [number, number][] = [];
        for (const f of collection.features) {
          const c = f.geometry.type === 'Point' ? (f.geometry.coordinates as unknown[]) : null;
          if (c && typeof c[0] === 'number' && typeof c[1] === 'number') points.push([c[0], c[1]]);
        }
        densityPoints.current = points;
        setDensityCount(points.length);
        setThematicError(null);
        setDensity((d) => ({ style: d?.style ?? 'heatmap', points }));
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setThematicError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => controller.abort();
  }, [thematic.densityWindow]);
  const densityShown = useMemo<DensityState | null>(
    () => (density ? { style: thematic.densityStyle, points: density.points } : null),
    [density, thematic.densityStyle],
  );

  // ---- "what is around" and impact zones
  const [aroundArmed, setAroundArmed] = useState(false);
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [analysisStatus, setAnalysisStatus] = useState<{ loading: boolean; error: string | null }>({
    loading: false,
    error: null,
  });
  const lastRadius = useRef(DEFAULT_AROUND_RADIUS);
  const currentKey = analysisKey(analysis);
  useEffect(() => {
    if (!analysis) return;
    const controller = new AbortController();
    const key = currentKey;
    setAnalysisStatus({ loading: true, error: null });
    const request =
      analysis.kind === 'around'
        ? getAround(analysis.center[0], analysis.center[1], analysis.radius, controller.signal)
        : getExposedSites(analysis.sourceId, controller.signal);
    request.then(
      (result) => {
        setAnalysis((a) => (a && analysisKey(a) === key ? ({ ...a, result } as Analysis) : a));
        setAnalysisStatus({ loading: false, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setAnalysisStatus({ loading: false, error: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
    // currentKey names the request; the answer arriving must not refetch.
  }, [currentKey]);

  const startAround = useCallback((center: [number, number]) => {
    setAroundArmed(false);
    setAnalysis({ kind: 'around', center, radius: lastRadius.current, result: null });
  }, []);
  const startExposure = useCallback((id: number) => {
    setAroundArmed(false);
    setAnalysis({ kind: 'exposure', sourceId: id, result: null });
  }, []);
  const setRadius = useCallback((radius: number) => {
    lastRadius.current = radius;
    setAnalysis((a) => (a?.kind === 'around' ? { ...a, radius } : a));
  }, []);

  // Escape leaves the pick-a-point mode.
  useEffect(() => {
    if (!aroundArmed) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setAroundArmed(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [aroundArmed]);

  const layers = useMemo(() => {
    const state: MapLayerState = {
      zoom,
      language,
      visible,
      areas,
      tiles: tiles.data,
      homeArea,
      selection: selectionPos ? { position: selectionPos } : null,
      analysis,
      choropleth,
      density: densityShown,
      teamFreshness,
    };
    return buildLayers(state);
  }, [
    zoom,
    language,
    visible,
    areas,
    tiles.data,
    homeArea,
    selectionPos,
    analysis,
    choropleth,
    densityShown,
    teamFreshness,
  ]);

  // Test hook: what is drawn, and when the first town outlines reach the screen.
  const townsDrawnPending = useRef(false);
  useEffect(() => {
    const counts = countLayerItems(layers);
    publishTestState({ layers: counts });
    townsDrawnPending.current = map !== null && (counts[areaOutlineLayerId('town')] ?? 0) > 0;
  }, [layers, map]);
  useEffect(() => {
    publishTestState({ language });
  }, [language]);
  const onAfterRender = useCallback(() => {
    if (townsDrawnPending.current && !window.__riskmap?.mapReady) publishTestState({ mapReady: true });
  }, []);

  // ---- selection, clicks, search
  const select = useCallback((target: DetailTarget | null, position: [number, number] | null) => {
    setSelected(target);
    setSelectionPos(position);
  }, []);

  const flyToPoint = useCallback(
    (position: [number, number], zoomTo = POINT_ZOOM) => {
      map?.flyTo({ center: position, zoom: zoomTo, essential: true });
    },
    [map],
  );

  const armedRef = useRef(aroundArmed);
  armedRef.current = aroundArmed;
  const onClick = useCallback(
    (info: PickingInfo) => {
      if (armedRef.current) {
        const c = info.coordinate;
        if (c && typeof c[0] === 'number' && typeof c[1] === 'number') startAround([c[0], c[1]]);
        return;
      }
      const object: unknown = info.object;
      if (isTilePoint(object)) {
        if (object.count !== null) {
          // A cluster: zoom in towards it (up to the zoom where its points appear).
          const current = map?.getZoom() ?? zoom;
          const target = Math.max(current + 1, Math.min(current + 2, RAW_ZOOM[object.layer]));
          flyToPoint(object.position, target);
          return;
        }
        if (object.id !== null) {
          select(
            {
              kind: 'feature',
              layer: object.layer,
              id: object.id,
              position: object.position,
              properties: { ...object.properties },
            },
            object.position,
          );
          return;
        }
      }
      if (info.layer?.id.startsWith(`${AREA_OUTLINE_LAYER_ID}-`) && typeof object === 'object' && object) {
        const properties = (object as { properties?: Record<string, unknown> }).properties;
        const code = properties?.code;
        if (typeof code === 'string') {
          select({ kind: 'area', code, properties: { ...properties } }, null);
          return;
        }
      }
      select(null, null);
    },
    [map, zoom, flyToPoint, select, startAround],
  );

  const onSearchPick = useCallback(
    (hit: SearchHit) => {
      const position: [number, number] | null =
        hit.lon !== null && hit.lat !== null ? [hit.lon, hit.lat] : null;
      if (hit.kind === 'area') {
        const b = hit.bbox;
        if (map && b && b.length === 4) {
          // The zoom that fits the area; centred on its label point, which lies inside it.
          const camera = map.cameraForBounds(
            [
              [b[0] ?? 0, b[1] ?? 0],
              [b[2] ?? 0, b[3] ?? 0],
            ],
            { padding: FIT_PADDING, maxZoom: 16 },
          );
          map.flyTo({
            center: position ?? camera?.center ?? map.getCenter(),
            zoom: camera?.zoom ?? 13,
            essential: true,
          });
        } else if (position) flyToPoint(position, 13);
        select({ kind: 'area', code: hit.id, properties: { name: hit.label } }, null);
        return;
      }
      const layer = SEARCH_LAYER[hit.kind];
      setVisible((v) => (v[layer] ? v : { ...v, [layer]: true }));
      if (position) flyToPoint(position);
      select(
        { kind: 'feature', layer, id: Number(hit.id), position, properties: { name: hit.label } },
        position,
      );
    },
    [map, flyToPoint, select],
  );

  const onPickItem = useCallback(
    (layer: LayerId, id: number, position: [number, number]) => {
      flyToPoint(position, Math.max(map?.getZoom() ?? 0, POINT_ZOOM));
      select({ kind: 'feature', layer, id, position, properties: {} }, position);
    },
    [map, flyToPoint, select],
  );

  // An impact zone: show all of it.
  const exposure = analysis?.kind === 'exposure' ? analysis.result : null;
  useEffect(() => {
    if (!map || !exposure) return;
    const { lon, lat, impactRadiusM } = exposure.source;
    const dLat = impactRadiusM / 111_320;
    const dLon = dLat / Math.cos((lat * Math.PI) / 180);
    map.fitBounds(
      [
        [lon - dLon, lat - dLat],
        [lon + dLon, lat + dLat],
      ],
      { padding: FIT_PADDING, maxZoom: 16 },
    );
  }, [map, exposure]);

  const onToggle = useCallback((id: ToggleId, on: boolean) => setVisible((v) => ({ ...v, [id]: on })), []);
  const onFilter = useCallback(
    (layer: LayerId, filter: LayerFilter) => setFilters((f) => ({ ...f, [layer]: filter })),
    [],
  );
  const onThematic = useCallback(
    (patch: Partial<ThematicSettings>) => setThematic((s) => ({ ...s, ...patch })),
    [],
  );

  const towns = useMemo(
    () => areas.town.map((a) => ({ code: a.properties.code, name: a.properties.name })),
    [areas.town],
  );
  const kindsSeen = useMemo(() => {
    const out: Partial<Record<LayerId, string[]>> = {};
    for (const layer of FEATURE_LAYER_IDS) {
      const key = layer === 'incidents' ? 'category' : 'kind';
      const seen = new Set<string>();
      for (const p of tiles.data[layer]?.points ?? []) {
        const v = p.properties[key];
        if (typeof v === 'string') seen.add(v);
      }
      out[layer] = [...seen].sort();
    }
    return out;
  }, [tiles.data]);

  const headerTools = (
    <>
      <SearchBox onPick={onSearchPick} />
      <LiveIndicator />
      <button
        type="button"
        className={`header-button${aroundArmed ? ' active' : ''}`}
        data-testid="around-button"
        aria-pressed={aroundArmed}
        onClick={() => setAroundArmed((a) => !a)}
      >
        {t('around.button')}
      </button>
    </>
  );

  return (
    <div className="app">
      <Header tools={headerTools} />
      <main className={`map-area${aroundArmed ? ' around-armed' : ''}`}>
        <MapView
          basemap={basemap}
          ariaLabel={t('map.aria')}
          initialBounds={initialBounds}
          initialPadding={HOME_PADDING}
          onLoad={setMap}
        />
        {map && <DeckOverlay map={map} layers={layers} onClick={onClick} onAfterRender={onAfterRender} />}
        <div className="side">
          <LayerPanel
            visible={visible}
            onToggle={onToggle}
            areaCounts={{
              towns: areas.town.length,
              villages: areas.village.length,
              grids: areas.grid.length,
            }}
            status={tiles.data}
            inView={tiles.inView}
            filters={filters}
            onFilter={onFilter}
            towns={towns}
            kindsSeen={kindsSeen}
          />
          <ThematicPanel
            settings={thematic}
            onChange={onThematic}
            densityCount={densityCount}
            error={thematicError}
          />
          <Legend
            choropleth={choropleth}
            density={densityShown !== null}
            fixMaxAgeS={teamFreshness.maxAgeS}
          />
        </div>
        {aroundArmed && (
          <div className="mode-banner" role="status" data-testid="around-hint">
            {t('around.hint')}
            <button type="button" className="button small" onClick={() => setAroundArmed(false)}>
              {t('around.cancel')}
            </button>
          </div>
        )}
        {areaErrors.town && (
          <div className="banner" role="alert">
            {t('status.apiDown')}: {areaErrors.town}
          </div>
        )}
        {(selected || analysis) && (
          <div className="side-right">
            {selected && (
              <DetailPanel
                target={selected}
                layerName={targetLayerName(selected, t)}
                onClose={() => select(null, null)}
                onAround={startAround}
                onExposed={startExposure}
              />
            )}
            {analysis && (
              <AroundPanel
                analysis={analysis}
                loading={analysisStatus.loading}
                error={analysisStatus.error}
                onRadius={setRadius}
                onPickItem={onPickItem}
                onClose={() => setAnalysis(null)}
              />
            )}
          </div>
        )}
      </main>
    </div>
  );
}
