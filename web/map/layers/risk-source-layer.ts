import { ScatterplotLayer } from '@deck.gl/layers';
import { riskColor } from '../colors.ts';
import type { TilePoint } from '../use-point-tiles.ts';
import { memoByArray } from './geometry.ts';
import { numProp, pointLayers, thematicShown } from './point-common.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of the risk source markers (风险源); equal to the API layer id. */
export const RISK_SOURCE_LAYER_ID = 'risk_sources';

/** Layer id of the impact circles drawn under the markers. */
export const RISK_SOURCE_IMPACT_LAYER_ID = 'risk_sources-impact';

/** The single risk sources (not clusters) that have an impact radius. */
const withRadius = memoByArray((points: readonly TilePoint[]) =>
  points.filter((p) => p.count === null && numProp(p, 'radius', 0) > 0),
);

/**
 * Risk sources in the national risk colours (1 red, 2 orange, 3 yellow, 4 blue): from the raw
 * zoom on a translucent circle of the impact radius (`radius`, metres on the ground) under each
 * marker; below it clusters coloured by their most severe level.
 */
export function riskSourceLayers(state: MapLayerState) {
  const data = state.tiles.risk_sources;
  if (!state.visible.risk_sources || !data) return [];
  const zones = withRadius(data.points);
  return [
    zones.length === 0
      ? null
      : new ScatterplotLayer<TilePoint>({
          id: RISK_SOURCE_IMPACT_LAYER_ID,
          data: zones,
          getPosition: (p) => p.position,
          radiusUnits: 'meters',
          getRadius: (p) => numProp(p, 'radius', 100),
          getFillColor: (p) => riskColor(p.properties.level, 40),
          getLineColor: (p) => riskColor(p.properties.level, 150),
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 1,
          pickable: false,
        }),
    ...pointLayers({
      id: RISK_SOURCE_LAYER_ID,
      points: data.points,
      zoom: state.zoom,
      dimmed: thematicShown(state),
      getFillColor: (p) => riskColor(p.properties.level, p.count !== null ? 210 : 255),
      getRadius: 6,
      lineColor: [40, 40, 40, 220],
      labelFrom: 2,
    }),
  ];
}
