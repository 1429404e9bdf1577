import { ScatterplotLayer } from '@deck.gl/layers';
import type { Feature } from '../../api/client.ts';
import { TEAM_STATUS_COLOR } from '../colors.ts';
import { getFeaturePosition } from './geometry.ts';
import { pointScale, type MapLayerState } from './types.ts';

/** Layer id of response teams (治理力量); equal to the API layer id. */
export const TEAM_LAYER_ID = 'teams';

/** Teams at their last position, coloured by status (available, dispatched, on scene, off duty). */
export function teamLayer(state: MapLayerState): ScatterplotLayer<Feature> | null {
  const data = state.features.teams;
  if (!state.visible.teams || !data) return null;
  return new ScatterplotLayer<Feature>({
    id: TEAM_LAYER_ID,
    data,
    getPosition: getFeaturePosition,
    getFillColor: (f) => TEAM_STATUS_COLOR[String(f.properties.status)] ?? [120, 120, 120, 200],
    getLineColor: [255, 255, 255, 255],
    stroked: true,
    radiusUnits: 'pixels',
    radiusScale: pointScale(state.zoom),
    getRadius: 6,
    lineWidthUnits: 'pixels',
    getLineWidth: 2,
    pickable: true,
    autoHighlight: true,
  });
}
