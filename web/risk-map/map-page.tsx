import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { FEATURE_LAYER_IDS, type LayerId, type Me } from '../api/client.ts';
import { useLiveRefresh } from '../api/use-live.ts';
import { AroundPanel } from '../components/around-panel.tsx';
import { DetailPanel } from '../components/detail-panel.tsx';
import { Header } from '../components/header.tsx';
import { LayerPanel } from '../components/layer-panel.tsx';
import { Legend } from '../components/legend.tsx';
import { LiveIndicator } from '../components/live-indicator.tsx';
import { SearchBox } from '../components/search-box.tsx';
import { ThematicPanel, type ThematicSettings } from '../components/thematic-panel.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { useI18n } from '../i18n.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import {
  areaOutlineLayerId,
  buildLayers,
  countLayerItems,
  type DrawnAreaLevel,
  type MapLayerState,
  POINT_MIN_ZOOM,
  type ToggleId,
} from '../map/layers/index.ts';
import { INITIAL_VIEW, MapView } from '../map/map-view.tsx';
import { useAreas } from '../map/use-areas.ts';
import { useTeamFreshness } from '../map/use-team-freshness.ts';
import { usePointTiles, type LayerFilter } from '../map/use-point-tiles.ts';
import { publishTestState, readTestState } from '../test-hooks.ts';
import { FeaturesInView } from './features-in-view.tsx';
import {
  basemapFromUrl,
  HOME_PADDING,
  homeBounds,
  INITIAL_VISIBLE,
  kindsSeen,
  quantiseZoom,
  targetLayerName,
} from './map-setup.ts';
import { useAreaStats, useHomeArea } from './queries.ts';
import { TownAggregateLegend } from './town-aggregate-legend.tsx';
import { townAggregateState } from './town-aggregates.ts';
import { useAnalysis } from './use-analysis.ts';
import { useMapPicking } from './use-map-picking.ts';
import { useThematic } from './use-thematic.ts';

/** Every point layer switched off, for the tiles of the city overview. */
const NO_POINT_LAYERS = Object.fromEntries(FEATURE_LAYER_IDS.map((id) => [id, false])) as Record<
  LayerId,
  false
>;

/** No point tiles: the city overview draws the towns instead. */
const NO_TILES: ReturnType<typeof usePointTiles>['data'] = {};

/** The map's zoom, in half levels (every threshold is one), followed while the map lives. */
function useZoom(map: MapLibreMap | null): number {
  const [zoom, setZoom] = useState(quantiseZoom(INITIAL_VIEW.zoom));
  useEffect(() => {
    if (!map) return;
    const onZoom = () => setZoom(quantiseZoom(map.getZoom()));
    onZoom();
    map.on('zoom', onZoom);
    return () => {
      map.off('zoom', onZoom);
    };
  }, [map]);
  return zoom;
}

/**
 * The risk map (风险一张图): header with search and "what is around", the map with its deck.gl
 * overlay, layer panel with filters, thematic maps, legend, the features in view as a list (the
 * map's text alternative), detail and analysis panels.
 */
export function MapPage({ me }: { me: Me }) {
  const { language, t } = useI18n();
  const [basemap] = useState(basemapFromUrl);
  const [initialBounds] = useState(() => homeBounds(me));
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const zoom = useZoom(map);
  const [visible, setVisible] = useState(INITIAL_VISIBLE);
  const [filters, setFilters] = useState<Partial<Record<LayerId, LayerFilter>>>({});
  const homeArea = useHomeArea(me.homeAreaCode).data ?? null;

  // A new map is not ready until it draws again (sign-out, or another page, unmounts this one).
  useEffect(() => () => publishTestState({ mapReady: false, layers: {} }), []);

  const thematic = useThematic();
  const wantedAreas = useMemo<Record<DrawnAreaLevel, boolean>>(
    () => ({ town: visible.towns, village: visible.villages, grid: visible.grids }),
    [visible.towns, visible.villages, visible.grids],
  );
  const eagerAreas = useMemo<Partial<Record<DrawnAreaLevel, boolean>>>(
    () => ({ village: thematic.choroplethOn && thematic.settings.choroplethLevel === 'village' }),
    [thematic.choroplethOn, thematic.settings.choroplethLevel],
  );
  const { areas, errors: areaErrors } = useAreas(zoom, wantedAreas, eagerAreas);
  // Live: incident, dispatch and team changes reload those layers' tiles (throttled).
  const [liveVersion, setLiveVersion] = useState(0);
  const bumpLive = useCallback(() => setLiveVersion((v) => v + 1), []);
  useLiveRefresh(['incident', 'dispatch', 'team'], bumpLive, 2000);
  // Below POINT_MIN_ZOOM one bubble per town stands for the points: their tiles are not loaded.
  const pointsShown = zoom >= POINT_MIN_ZOOM;
  const tileVisible = useMemo(
    () => (pointsShown ? visible : { ...visible, ...NO_POINT_LAYERS }),
    [pointsShown, visible],
  );
  const tiles = usePointTiles(map, tileVisible, filters, liveVersion);
  const townStats = useAreaStats('town', true).data;
  const townAggregates = useMemo(() => townAggregateState(areas.town, townStats), [areas.town, townStats]);
  const teamFreshness = useTeamFreshness();

  const around = useAnalysis(map);
  const picking = useMapPicking({
    map,
    zoom,
    aroundArmed: around.armed,
    startAround: around.startAround,
    setVisible,
  });

  const layers = useMemo(() => {
    const state: MapLayerState = {
      zoom,
      language,
      visible,
      areas,
      tiles: pointsShown ? tiles.data : NO_TILES,
      homeArea,
      selection: picking.selectionPos ? { position: picking.selectionPos } : null,
      analysis: around.analysis,
      choropleth: thematic.choropleth,
      density: thematic.density,
      teamFreshness,
      townAggregates,
    };
    return buildLayers(state);
  }, [
    zoom,
    language,
    visible,
    areas,
    pointsShown,
    tiles.data,
    homeArea,
    picking.selectionPos,
    around.analysis,
    thematic.choropleth,
    thematic.density,
    teamFreshness,
    townAggregates,
  ]);

  // Test hook: what is drawn, and when the first town outlines reach the screen.
  const townsDrawnPending = useRef(false);
  useEffect(() => {
    const counts = countLayerItems(layers);
    publishTestState({ layers: counts });
    townsDrawnPending.current = map !== null && (counts[areaOutlineLayerId('town')] ?? 0) > 0;
  }, [layers, map]);
  useEffect(() => publishTestState({ language }), [language]);
  const onAfterRender = useCallback(() => {
    if (townsDrawnPending.current && !readTestState()?.mapReady) publishTestState({ mapReady: true });
  }, []);

  const onToggle = useCallback((id: ToggleId, on: boolean) => setVisible((v) => ({ ...v, [id]: on })), []);
  const onFilter = useCallback(
    (layer: LayerId, filter: LayerFilter) => setFilters((f) => ({ ...f, [layer]: filter })),
    [],
  );
  const { setSettings } = thematic;
  const onThematic = useCallback(
    (patch: Partial<ThematicSettings>) => setSettings((s) => ({ ...s, ...patch })),
    [setSettings],
  );
  const towns = useMemo(
    () => areas.town.map((a) => ({ code: a.properties.code, name: a.properties.name })),
    [areas.town],
  );
  const kinds = useMemo(() => kindsSeen(tiles.data), [tiles.data]);

  const headerTools = (
    <>
      <SearchBox onPick={picking.onSearchPick} />
      <LiveIndicator />
      <button
        type="button"
        className={`header-button${around.armed ? ' active' : ''}`}
        data-testid="around-button"
        aria-pressed={around.armed}
        onClick={around.toggleArmed}
      >
        {t('around.button')}
      </button>
    </>
  );

  return (
    <div className="app">
      <Header tools={headerTools} />
      <main className={`map-area${around.armed ? ' around-armed' : ''}`}>
        <MapView
          basemap={basemap}
          ariaLabel={t('map.aria')}
          initialBounds={initialBounds}
          initialPadding={HOME_PADDING}
          onLoad={setMap}
        />
        {map && (
          <DeckOverlay map={map} layers={layers} onClick={picking.onClick} onAfterRender={onAfterRender} />
        )}
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
            kindsSeen={kinds}
          />
          <FeaturesInView
            map={map}
            visible={visible}
            filters={filters}
            inView={tiles.inView}
            onPick={picking.onPickItem}
          />
          <ThematicPanel
            settings={thematic.settings}
            onChange={onThematic}
            densityCount={thematic.densityCount}
            error={thematic.error}
          />
          <Legend
            choropleth={thematic.choropleth}
            density={thematic.density !== null}
            fixMaxAgeS={teamFreshness.maxAgeS}
          />
          {!pointsShown && townAggregates && <TownAggregateLegend state={townAggregates} />}
        </div>
        {around.armed && (
          <div className="mode-banner" role="status" data-testid="around-hint">
            {t('around.hint')}
            <button type="button" className="button small" onClick={around.disarm}>
              {t('around.cancel')}
            </button>
          </div>
        )}
        {areaErrors.town && (
          <div className="banner" role="alert">
            {t('status.apiDown')}: {errorMessage(areaErrors.town, t)}
          </div>
        )}
        {(picking.selected || around.analysis) && (
          <div className="side-right">
            {picking.selected && (
              <DetailPanel
                target={picking.selected}
                layerName={targetLayerName(picking.selected, t)}
                onClose={picking.closeDetail}
                onAround={around.startAround}
                onExposed={around.startExposure}
                focusOnOpen={picking.fromList}
              />
            )}
            {around.analysis && (
              <AroundPanel
                analysis={around.analysis}
                loading={around.loading}
                error={around.error}
                onRadius={around.setRadius}
                onPickItem={picking.onPickItem}
                onClose={around.close}
              />
            )}
          </div>
        )}
      </main>
    </div>
  );
}
