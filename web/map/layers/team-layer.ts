import type { Rgba } from '../colors.ts';
import { TEAM_STATUS_COLOR } from '../colors.ts';
import { pointLayers, thematicShown } from './point-common.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of response teams (治理力量); equal to the API layer id. */
export const TEAM_LAYER_ID = 'teams';

const CLUSTER_COLOR: Rgba = [22, 163, 74, 150];

/** Teams at their last position, coloured by status (available, dispatched, on scene, off duty). */
export function teamLayer(state: MapLayerState) {
  const data = state.tiles.teams;
  if (!state.visible.teams || !data) return null;
  return pointLayers({
    id: TEAM_LAYER_ID,
    points: data.points,
    zoom: state.zoom,
    dimmed: thematicShown(state),
    getFillColor: (p) =>
      p.count !== null
        ? CLUSTER_COLOR
        : (TEAM_STATUS_COLOR[String(p.properties.status)] ?? [120, 120, 120, 200]),
    getRadius: 6,
    lineColor: [255, 255, 255, 255],
  });
}
