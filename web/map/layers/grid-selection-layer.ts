import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import { GRID_EDITOR_COLOR, type EditorGeometry } from './grid-editor-state.ts';
import type { MapLayerState } from './types.ts';

/** Id of the selected grids' layer; a past version of one is `grid-history`. */
export const GRID_SELECTION_LAYER_ID = 'grid-selection';

type Outline = GeoJsonFeature<GeoJsonGeometry, object>;

const historyFeatures = new WeakMap<EditorGeometry, Outline[]>();

/** One past version's outline as a feature list, the same list for the same geometry. */
function historyData(geometry: EditorGeometry): Outline[] {
  let out = historyFeatures.get(geometry);
  if (!out) {
    out = [{ type: 'Feature', properties: {}, geometry } as unknown as Outline];
    historyFeatures.set(geometry, out);
  }
  return out;
}

/** The selected grids (purple) and the past version picked from a grid's history (teal line). */
export function gridSelectionLayers(state: Pick<MapLayerState, 'gridEditor'>): GeoJsonLayer[] {
  const g = state.gridEditor;
  if (!g) return [];
  const layers: GeoJsonLayer[] = [];
  if (g.selected.length > 0)
    layers.push(
      new GeoJsonLayer({
        id: GRID_SELECTION_LAYER_ID,
        data: g.selected as unknown as Outline[],
        filled: true,
        stroked: true,
        getFillColor: GRID_EDITOR_COLOR.selectedFill,
        getLineColor: GRID_EDITOR_COLOR.selected,
        lineWidthUnits: 'pixels',
        getLineWidth: 2.5,
        lineJointRounded: true,
        pickable: false,
      }),
    );
  if (g.history)
    layers.push(
      new GeoJsonLayer({
        id: 'grid-history',
        data: historyData(g.history),
        filled: false,
        stroked: true,
        getLineColor: GRID_EDITOR_COLOR.history,
        lineWidthUnits: 'pixels',
        getLineWidth: 2.5,
        lineJointRounded: true,
        pickable: false,
      }),
    );
  return layers;
}
