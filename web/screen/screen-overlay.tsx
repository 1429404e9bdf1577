import type { Map as MapLibreMap } from 'maplibre-gl';
import { useMemo } from 'react';
import { useI18n } from '../i18n.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import { buildLayers, type MapLayerState, type ScreenMapState, type ToggleId } from '../map/layers/index.ts';

/** The screen shows none of the map page's switchable layers: only its own (state.screen). */
const NONE_SWITCHED_ON: Record<ToggleId, boolean> = {
  towns: false,
  villages: false,
  grids: false,
  sites: false,
  components: false,
  risk_sources: false,
  cameras: false,
  teams: false,
  incidents: false,
};

const NO_OTHER_LAYERS: Omit<MapLayerState, 'language' | 'screen'> = {
  zoom: 0,
  visible: NONE_SWITCHED_ON,
  areas: { town: [], village: [], grid: [] },
  tiles: {},
};

/** The screen's deck.gl layers over the map, built by the layer registry from `screen`. */
export function ScreenOverlay({ map, screen }: { map: MapLibreMap; screen: ScreenMapState }) {
  const { language } = useI18n();
  const layers = useMemo(() => buildLayers({ ...NO_OTHER_LAYERS, language, screen }), [language, screen]);
  return <DeckOverlay map={map} layers={layers} />;
}
