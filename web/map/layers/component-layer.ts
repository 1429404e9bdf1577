import type { Rgba } from '../colors.ts';
import { pointLayers, thematicShown } from './point-common.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of city components (城市部件, GB/T 30428.2); equal to the API layer id. */
export const COMPONENT_LAYER_ID = 'components';

/** Component status colours: intact slate, damaged/missing dark red-brown so they stand out. */
const STATUS_COLOR: Record<string, Rgba> = {
  normal: [71, 85, 105, 200],
  damaged: [153, 27, 27, 240],
  missing: [120, 53, 15, 240],
  removed: [160, 160, 160, 140],
};

const CLUSTER_COLOR: Rgba = [71, 85, 105, 130];

/** City components as small dots by status; clusters below the raw zoom. */
export function componentLayer(state: MapLayerState) {
  const data = state.tiles.components;
  if (!state.visible.components || !data) return null;
  return pointLayers({
    id: COMPONENT_LAYER_ID,
    points: data.points,
    zoom: state.zoom,
    dimmed: thematicShown(state),
    getFillColor: (p) =>
      p.count !== null
        ? CLUSTER_COLOR
        : (STATUS_COLOR[String(p.properties.status)] ?? STATUS_COLOR.normal ?? CLUSTER_COLOR),
    getRadius: 2.5,
    labelFrom: 20,
  });
}
