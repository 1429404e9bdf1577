import { ScatterplotLayer } from '@deck.gl/layers';
import type { Feature } from '../../api/client.ts';
import { riskColor } from '../colors.ts';
import { getFeaturePosition, numberProp } from './geometry.ts';
import { pointScale, type MapLayerState } from './types.ts';

/** Layer id of the risk source markers (风险源); equal to the API layer id. */
export const RISK_SOURCE_LAYER_ID = 'risk_sources';

/** Layer id of the impact circles drawn under the markers. */
export const RISK_SOURCE_IMPACT_LAYER_ID = 'risk_sources-impact';

/**
 * Risk sources in the national risk colours (1 red, 2 orange, 3 yellow, 4 blue): a translucent
 * circle of the impact radius (`impactRadiusM`, metres on the ground) and a marker on top.
 * Polygon risk sources are drawn at their representative point.
 */
export function riskSourceLayers(state: MapLayerState): ScatterplotLayer<Feature>[] {
  const data = state.features.risk_sources;
  if (!state.visible.risk_sources || !data) return [];
  return [
    new ScatterplotLayer<Feature>({
      id: RISK_SOURCE_IMPACT_LAYER_ID,
      data,
      getPosition: getFeaturePosition,
      radiusUnits: 'meters',
      getRadius: (f) => numberProp(f, 'impactRadiusM', 100),
      getFillColor: (f) => riskColor(f.properties.level, 40),
      getLineColor: (f) => riskColor(f.properties.level, 150),
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1,
      pickable: false,
    }),
    new ScatterplotLayer<Feature>({
      id: RISK_SOURCE_LAYER_ID,
      data,
      getPosition: getFeaturePosition,
      radiusUnits: 'pixels',
      radiusScale: pointScale(state.zoom),
      getRadius: 6,
      getFillColor: (f) => riskColor(f.properties.level),
      getLineColor: [40, 40, 40, 220],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1,
      pickable: true,
      autoHighlight: true,
    }),
  ];
}
