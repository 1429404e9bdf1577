import type { PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AdminPage } from './admin/admin-page.tsx';
import {
  FEATURE_LAYER_IDS,
  getArea,
  type AreaDetail,
  type BBox,
  type LayerId,
  type Me,
} from './api/client.ts';
import { useSession } from './auth/session.tsx';
import { DetailPanel, type SelectedFeature } from './components/detail-panel.tsx';
import { Header } from './components/header.tsx';
import { LayerPanel } from './components/layer-panel.tsx';
import { Legend } from './components/legend.tsx';
import { LoginPage } from './components/login-page.tsx';
import { useI18n, type MessageKey } from './i18n.ts';
import type { BasemapVariant } from './map/basemap-style.ts';
import { DeckOverlay } from './map/deck-overlay.tsx';
import {
  AREA_OUTLINE_LAYER_ID,
  RISK_SOURCE_IMPACT_LAYER_ID,
  areaOutlineLayerId,
  buildLayers,
  countLayerItems,
  type DrawnAreaLevel,
  type MapLayerState,
  type ToggleId,
} from './map/layers/index.ts';
import { INITIAL_VIEW, MapView } from './map/map-view.tsx';
import { useAreas } from './map/use-areas.ts';
import { useViewportFeatures } from './map/use-viewport-features.ts';
import { usePath } from './router.ts';
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

const ALL_ON: Record<ToggleId, boolean> = {
  towns: true,
  villages: true,
  grids: true,
  ...(Object.fromEntries(FEATURE_LAYER_IDS.map((id) => [id, true])) as Record<LayerId, boolean>),
};

/** Zoom rounded down to half levels: every threshold is a multiple of 0.5, and fewer renders. */
function quantiseZoom(zoom: number): number {
  return Math.floor(zoom * 2) / 2;
}

/** `?basemap=dark` picks the dark basemap; anything else the light one. */
function basemapFromUrl(): BasemapVariant {
  return new URLSearchParams(window.location.search).get('basemap') === 'dark' ? 'dark' : 'light';
}

/** The i18n key naming the layer a deck.gl layer id belongs to. */
function layerNameKey(layerId: string): MessageKey {
  if (layerId.startsWith(`${AREA_OUTLINE_LAYER_ID}-`)) {
    return `area.${layerId.slice(AREA_OUTLINE_LAYER_ID.length + 1)}` as MessageKey;
  }
  return `layer.${layerId === RISK_SOURCE_IMPACT_LAYER_ID ? 'risk_sources' : layerId}` as MessageKey;
}

/** A picked deck.gl object → what the detail panel shows (GeoJSON-like features only). */
function toSelected(info: PickingInfo): SelectedFeature | null {
  const object: unknown = info.object;
  if (!info.layer || typeof object !== 'object' || object === null) return null;
  const { id, properties } = object as { id?: unknown; properties?: unknown };
  if (typeof properties !== 'object' || properties === null) return null;
  return {
    layerId: info.layer.id,
    id: typeof id === 'string' || typeof id === 'number' ? id : null,
    properties: properties as Record<string, unknown>,
  };
}

/**
 * The application: the sign-in page until a session exists, then the map (at /) or the
 * administration page (at /admin). Signing in as someone else builds a fresh map.
 */
export function App() {
  const { t } = useI18n();
  const { status, me } = useSession();
  const path = usePath();
  if (status === 'loading') {
    return (
      <div className="splash" role="status">
        {t('session.loading')}
      </div>
    );
  }
  if (!me) return <LoginPage />;
  if (path === '/admin') return <AdminPage />;
  return <MapPage key={`${me.kind}:${me.id}`} me={me} />;
}

/** The map page: header, map with its deck.gl overlay, layer panel, legend and detail panel. */
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
  const [visible, setVisible] = useState(ALL_ON);
  const [selected, setSelected] = useState<SelectedFeature | null>(null);

  useEffect(() => {
    if (!map) return;
    const onZoom = () => setZoom(quantiseZoom(map.getZoom()));
    onZoom();
    map.on('zoom', onZoom);
    return () => {
      map.off('zoom', onZoom);
    };
  }, [map]);

  const wantedAreas = useMemo<Record<DrawnAreaLevel, boolean>>(
    () => ({ town: visible.towns, village: visible.villages, grid: visible.grids }),
    [visible.towns, visible.villages, visible.grids],
  );
  const { areas, errors: areaErrors } = useAreas(zoom, wantedAreas);
  const { features, status } = useViewportFeatures(map, visible);

  const layers = useMemo(() => {
    const state: MapLayerState = { zoom, language, visible, areas, features, homeArea };
    return buildLayers(state);
  }, [zoom, language, visible, areas, features, homeArea]);

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

  const onClick = useCallback((info: PickingInfo) => setSelected(toSelected(info)), []);
  const onToggle = useCallback((id: ToggleId, on: boolean) => setVisible((v) => ({ ...v, [id]: on })), []);

  return (
    <div className="app">
      <Header />
      <main className="map-area">
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
            status={status}
          />
          <Legend />
        </div>
        {areaErrors.town && (
          <div className="banner" role="alert">
            {t('status.apiDown')}: {areaErrors.town}
          </div>
        )}
        {selected && (
          <DetailPanel
            selected={selected}
            layerName={t(layerNameKey(selected.layerId))}
            onClose={() => setSelected(null)}
          />
        )}
      </main>
    </div>
  );
}
