import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import { GRID_EDITOR_COLOR } from './grid-editor-state.ts';
import type { MapLayerState } from './types.ts';

/** Id of the grid editor's gaps layer. */
export const GRID_GAP_LAYER_ID = 'grid-gaps';

/** The parts of the villages in no grid, filled orange (below the grids' outlines). */
export function gridGapLayer(state: Pick<MapLayerState, 'gridEditor'>): GeoJsonLayer | null {
  const gaps = state.gridEditor?.gaps;
  if (!gaps || gaps.length === 0) return null;
  return new GeoJsonLayer({
    id: GRID_GAP_LAYER_ID,
    data: gaps as unknown as GeoJsonFeature<GeoJsonGeometry, object>[],
    filled: true,
    stroked: false,
    getFillColor: GRID_EDITOR_COLOR.gap,
    pickable: false,
  });
}
