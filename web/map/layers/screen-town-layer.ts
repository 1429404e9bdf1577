import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import type { AreaFeature } from '../../api/client.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of the big screen's town outlines. */
export const SCREEN_TOWN_LAYER_ID = 'screen-towns';

/** The big screen's town outlines on the dark basemap; the town in view filled and outlined bold. */
export function screenTownLayer(state: Pick<MapLayerState, 'screen'>) {
  const screen = state.screen;
  if (!screen) return null;
  const highlight = screen.highlightTown;
  return new GeoJsonLayer<AreaFeature['properties']>({
    id: SCREEN_TOWN_LAYER_ID,
    // deck.gl's GeoJSON typings want its own Feature type; ours is the same shape.
    data: screen.towns as unknown as GeoJsonFeature<GeoJsonGeometry, AreaFeature['properties']>[],
    stroked: true,
    filled: true,
    getFillColor: (f) => (f.properties.code === highlight ? [56, 189, 248, 40] : [56, 189, 248, 6]),
    getLineColor: (f) => (f.properties.code === highlight ? [125, 211, 252, 255] : [125, 211, 252, 120]),
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => (f.properties.code === highlight ? 3 : 1.2),
    pickable: false,
    updateTriggers: { getFillColor: highlight, getLineColor: highlight, getLineWidth: highlight },
  });
}
