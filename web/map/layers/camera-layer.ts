import { ScatterplotLayer } from '@deck.gl/layers';
import type { Feature } from '../../api/client.ts';
import { getFeaturePosition } from './geometry.ts';
import { pointScale, type MapLayerState } from './types.ts';

/** Layer id of video cameras (视频监控); equal to the API layer id. */
export const CAMERA_LAYER_ID = 'cameras';

/** Cameras as small dark-teal dots (dense: only fetched from z11 on). */
export function cameraLayer(state: MapLayerState): ScatterplotLayer<Feature> | null {
  const data = state.features.cameras;
  if (!state.visible.cameras || !data) return null;
  return new ScatterplotLayer<Feature>({
    id: CAMERA_LAYER_ID,
    data,
    getPosition: getFeaturePosition,
    getFillColor: [15, 118, 110, 220],
    getLineColor: [255, 255, 255, 200],
    stroked: true,
    radiusUnits: 'pixels',
    radiusScale: pointScale(state.zoom),
    getRadius: 3.5,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: true,
    autoHighlight: true,
  });
}
