import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import { memoByArray } from './geometry.ts';
import { GRID_EDITOR_COLOR, type EditorGeometry } from './grid-editor-state.ts';
import type { MapLayerState } from './types.ts';

/** Id of the grid editor's grids layer; the village outlines are `grid-villages`, the parent `grid-parent`. */
export const GRID_LAYER_ID = 'grid-grids';

type Outline = GeoJsonFeature<GeoJsonGeometry, object>;

const asFeatures = memoByArray((geometries: readonly EditorGeometry[]): Outline[] =>
  geometries.map((geometry) => ({ type: 'Feature', properties: {}, geometry }) as unknown as Outline),
);

const parentFeatures = new WeakMap<EditorGeometry, Outline[]>();
function parentOf(geometry: EditorGeometry): Outline[] {
  let out = parentFeatures.get(geometry);
  if (!out) {
    out = asFeatures([geometry]);
    parentFeatures.set(geometry, out);
  }
  return out;
}

/**
 * The grid editor's listing: the grids (faint fill, blue outline), the villages of a town (grey)
 * and the parent's outline (bold purple) above them. Nothing is pickable: the editor finds the
 * grid under a click itself (edit-geometry's `contains`), in every mode alike.
 */
export function gridLayers(state: Pick<MapLayerState, 'gridEditor'>): GeoJsonLayer[] {
  const g = state.gridEditor;
  if (!g) return [];
  const line = { stroked: true, lineWidthUnits: 'pixels' as const, lineJointRounded: true, pickable: false };
  const layers: GeoJsonLayer[] = [
    new GeoJsonLayer({
      ...line,
      id: GRID_LAYER_ID,
      // deck.gl's GeoJSON typings want its own Feature type; the API's is the same shape.
      data: g.grids as unknown as Outline[],
      filled: true,
      getFillColor: GRID_EDITOR_COLOR.gridFill,
      getLineColor: GRID_EDITOR_COLOR.grid,
      getLineWidth: 1.5,
    }),
    new GeoJsonLayer({
      ...line,
      id: 'grid-villages',
      data: asFeatures(g.villages),
      filled: false,
      getLineColor: GRID_EDITOR_COLOR.village,
      getLineWidth: 1.5,
    }),
  ];
  if (g.parent)
    layers.push(
      new GeoJsonLayer({
        ...line,
        id: 'grid-parent',
        data: parentOf(g.parent),
        filled: false,
        getLineColor: GRID_EDITOR_COLOR.parent,
        getLineWidth: 3,
      }),
    );
  return layers;
}
