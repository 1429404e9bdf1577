import { HeatmapLayer, HexagonLayer } from '@deck.gl/aggregation-layers';
import type { MapLayerState } from './types.ts';

/** Layer id of the incident heatmap. */
export const HEATMAP_LAYER_ID = 'incidents-heatmap';

/** Layer id of the incident hexagons. */
export const HEXAGON_LAYER_ID = 'incidents-hexagon';

/** Magenta-purple ramp, apart from the risk colours. */
const RAMP: [number, number, number][] = [
  [254, 235, 226],
  [252, 197, 192],
  [250, 159, 181],
  [247, 104, 161],
  [197, 27, 138],
  [122, 1, 119],
];

/** Incidents of the chosen time window as a heatmap or as 500 m hexagons (CPU aggregation). */
export function densityLayer(state: MapLayerState) {
  const d = state.density;
  if (!d) return null;
  if (d.style === 'hexagon') {
    return new HexagonLayer<[number, number]>({
      id: HEXAGON_LAYER_ID,
      data: d.points,
      getPosition: (p) => p,
      radius: 500,
      coverage: 0.9,
      extruded: false,
      gpuAggregation: false,
      colorRange: RAMP,
      opacity: 0.75,
      pickable: false,
    });
  }
  return new HeatmapLayer<[number, number]>({
    id: HEATMAP_LAYER_ID,
    data: d.points,
    getPosition: (p) => p,
    getWeight: 1,
    radiusPixels: 36,
    intensity: 1.5,
    threshold: 0.05,
    colorRange: RAMP,
    pickable: false,
  });
}
