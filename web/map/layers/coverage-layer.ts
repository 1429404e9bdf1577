import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import { COVERAGE_GAP_COLOR, COVERAGE_GAP_LINE_COLOR } from '../colors.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of the uncovered area (响应盲区). */
export const COVERAGE_LAYER_ID = 'coverage-gap';

/** The part of the city no available team reaches within the minutes, filled red. */
export function coverageLayer(state: Pick<MapLayerState, 'coverage'>) {
  const c = state.coverage;
  if (!c || c.uncovered.coordinates.length === 0) return null;
  const feature = { type: 'Feature', properties: {}, geometry: c.uncovered } as unknown as GeoJsonFeature<
    GeoJsonGeometry,
    object
  >;
  return new GeoJsonLayer({
    id: COVERAGE_LAYER_ID,
    data: [feature],
    filled: true,
    stroked: true,
    getFillColor: COVERAGE_GAP_COLOR,
    getLineColor: COVERAGE_GAP_LINE_COLOR,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: false,
  });
}
