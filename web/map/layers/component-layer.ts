import { ScatterplotLayer } from '@deck.gl/layers';
import type { Feature } from '../../api/client.ts';
import type { Rgba } from '../colors.ts';
import { getFeaturePosition } from './geometry.ts';
import { pointScale, type MapLayerState } from './types.ts';

/** Layer id of city components (城市部件, GB/T 30428.2); equal to the API layer id. */
export const COMPONENT_LAYER_ID = 'components';

/** Component status colours: intact slate, damaged/missing dark red-brown so they stand out. */
const STATUS_COLOR: Record<string, Rgba> = {
  normal: [71, 85, 105, 200],
  damaged: [153, 27, 27, 240],
  missing: [120, 53, 15, 240],
  removed: [160, 160, 160, 140],
};

/** City components as small dots (the densest layer: only fetched from z11 on). */
export function componentLayer(state: MapLayerState): ScatterplotLayer<Feature> | null {
  const data = state.features.components;
  if (!state.visible.components || !data) return null;
  return new ScatterplotLayer<Feature>({
    id: COMPONENT_LAYER_ID,
    data,
    getPosition: getFeaturePosition,
    getFillColor: (f) =>
      STATUS_COLOR[String(f.properties.status)] ?? STATUS_COLOR.normal ?? [71, 85, 105, 200],
    radiusUnits: 'pixels',
    radiusScale: pointScale(state.zoom),
    getRadius: 2.5,
    pickable: true,
    autoHighlight: true,
  });
}
