import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import type { GridProblem } from '../../api/client.ts';
import { memoByArray } from './geometry.ts';
import { GRID_EDITOR_COLOR } from './grid-editor-state.ts';
import type { MapLayerState } from './types.ts';

/** Id of the layer of an outline's problems. */
export const GRID_PROBLEM_LAYER_ID = 'grid-problems';

type Part = GeoJsonFeature<GeoJsonGeometry, { kind: string }>;

/** The offending parts of the problems that have one, as features. */
const problemParts = memoByArray((problems: readonly GridProblem[]): Part[] =>
  problems.flatMap((p) =>
    p.geometry
      ? [{ type: 'Feature', properties: { kind: p.kind }, geometry: p.geometry } as unknown as Part]
      : [],
  ),
);

const isPoint = (f: Part) => f.geometry.type === 'Point';

/**
 * What is wrong with the outline, drawn red: the overlaps and the parts outside the village
 * filled, a self-intersection as a ringed dot, a split line that misses as a line.
 */
export function gridProblemLayer(
  state: Pick<MapLayerState, 'gridEditor'>,
): GeoJsonLayer<{ kind: string }> | null {
  const problems = state.gridEditor?.problems;
  if (!problems || problems.length === 0) return null;
  const data = problemParts(problems);
  if (data.length === 0) return null;
  return new GeoJsonLayer<{ kind: string }>({
    id: GRID_PROBLEM_LAYER_ID,
    data,
    filled: true,
    stroked: true,
    // a point is a red dot ringed white; areas are filled translucent red with a red edge
    getFillColor: (f) => (isPoint(f) ? GRID_EDITOR_COLOR.problem : GRID_EDITOR_COLOR.problemFill),
    getLineColor: (f) => (isPoint(f) ? GRID_EDITOR_COLOR.white : GRID_EDITOR_COLOR.problem),
    lineWidthUnits: 'pixels',
    getLineWidth: 2,
    pointType: 'circle',
    pointRadiusUnits: 'pixels',
    getPointRadius: 7,
    pickable: false,
  });
}
