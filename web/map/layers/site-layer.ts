import type { Rgba } from '../colors.ts';
import { categoryColor } from '../colors.ts';
import { pointLayers, thematicShown } from './point-common.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of key sites (重点场所); equal to the API layer id. */
export const SITE_LAYER_ID = 'sites';

const CLUSTER_COLOR: Rgba = [31, 119, 180, 170];

/** Key sites as dots coloured by site kind; clusters (blue) below the raw zoom. */
export function siteLayer(state: MapLayerState) {
  const data = state.tiles.sites;
  if (!state.visible.sites || !data) return null;
  return pointLayers({
    id: SITE_LAYER_ID,
    points: data.points,
    zoom: state.zoom,
    dimmed: thematicShown(state),
    getFillColor: (p) => (p.count !== null ? CLUSTER_COLOR : categoryColor(p.properties.kind)),
    getRadius: 5,
  });
}
