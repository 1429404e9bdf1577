import { ScatterplotLayer } from '@deck.gl/layers';
import type { Feature } from '../../api/client.ts';
import { categoryColor } from '../colors.ts';
import { getFeaturePosition } from './geometry.ts';
import { pointScale, type MapLayerState } from './types.ts';

/** Layer id of key sites (重点场所); equal to the API layer id. */
export const SITE_LAYER_ID = 'sites';

/** Key sites as dots coloured by site kind (a stable colour per category code). */
export function siteLayer(state: MapLayerState): ScatterplotLayer<Feature> | null {
  const data = state.features.sites;
  if (!state.visible.sites || !data) return null;
  return new ScatterplotLayer<Feature>({
    id: SITE_LAYER_ID,
    data,
    getPosition: getFeaturePosition,
    getFillColor: (f) => categoryColor(f.properties.kind),
    getLineColor: [255, 255, 255, 230],
    radiusUnits: 'pixels',
    radiusScale: pointScale(state.zoom),
    getRadius: 5,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: true,
    autoHighlight: true,
  });
}
