import type { MapLayerState } from './types.ts';
import { pointLayers, thematicShown } from './point-common.ts';

/** Layer id of video cameras (视频监控); equal to the API layer id. */
export const CAMERA_LAYER_ID = 'cameras';

/** Cameras as small dark-teal dots; clusters below the raw zoom. */
export function cameraLayer(state: MapLayerState) {
  const data = state.tiles.cameras;
  if (!state.visible.cameras || !data) return null;
  return pointLayers({
    id: CAMERA_LAYER_ID,
    points: data.points,
    zoom: state.zoom,
    dimmed: thematicShown(state),
    getFillColor: (p) => (p.count !== null ? [15, 118, 110, 150] : [15, 118, 110, 220]),
    getRadius: 3.5,
    labelFrom: 20,
  });
}
