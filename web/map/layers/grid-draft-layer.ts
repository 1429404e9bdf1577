import { PathLayer, PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { memoByArray } from './geometry.ts';
import { GRID_EDITOR_COLOR, type EditorDraft } from './grid-editor-state.ts';
import type { MapLayerState } from './types.ts';

/** Id of the draft outline's layer; its corners are `grid-draft-corners`, edge midpoints `grid-draft-midpoints`. */
export const GRID_DRAFT_LAYER_ID = 'grid-draft';

type LonLat = readonly [number, number];

/** What one draft draws: a finished outline, an open path (outline under way, split line), handles. */
interface DraftShapes {
  polygon: { rings: (readonly LonLat[])[] }[];
  path: { path: readonly LonLat[] }[];
  corners: readonly LonLat[];
  midpoints: LonLat[];
}

/** Midpoints of a closed ring's edges, the closing edge included: where a click adds a corner. */
function midpointsOf(ring: readonly LonLat[]): LonLat[] {
  return ring.map((a, i) => {
    const b = ring[(i + 1) % ring.length]!;
    return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] as const;
  });
}

const shapesOf = memoByArray((d: EditorDraft): DraftShapes => {
  if (d.mode === 'split')
    return { polygon: [], path: d.line.length > 1 ? [{ path: d.line }] : [], corners: d.line, midpoints: [] };
  if (d.mode === 'view' || d.ring.length === 0) return { polygon: [], path: [], corners: [], midpoints: [] };
  if (d.closed && d.ring.length >= 3)
    return {
      polygon: [{ rings: [d.ring, ...d.holes] }],
      path: [],
      corners: d.ring,
      midpoints: midpointsOf(d.ring),
    };
  return { polygon: [], path: d.ring.length > 1 ? [{ path: d.ring }] : [], corners: d.ring, midpoints: [] };
});

/**
 * The outline being drawn or reshaped (green, with its holes) or the split line, with its corners
 * as green dots and, on a finished outline, the midpoints of its edges as white dots (a click
 * there adds a corner). Drawn from the draft as it is, on every edit.
 */
export function gridDraftLayers(state: Pick<MapLayerState, 'gridEditor'>) {
  const draft = state.gridEditor?.draft;
  if (!draft) return [];
  const s = shapesOf(draft);
  const handle = {
    stroked: true,
    radiusUnits: 'pixels' as const,
    lineWidthUnits: 'pixels' as const,
    getLineWidth: 1.5,
    pickable: false,
  };
  return [
    s.polygon.length > 0
      ? new PolygonLayer<DraftShapes['polygon'][number]>({
          id: GRID_DRAFT_LAYER_ID,
          data: s.polygon,
          getPolygon: (p) => p.rings as unknown as number[][][],
          filled: true,
          stroked: true,
          getFillColor: GRID_EDITOR_COLOR.draftFill,
          getLineColor: GRID_EDITOR_COLOR.draft,
          lineWidthUnits: 'pixels',
          getLineWidth: 2,
          pickable: false,
        })
      : null,
    s.path.length > 0
      ? new PathLayer<DraftShapes['path'][number]>({
          id: `${GRID_DRAFT_LAYER_ID}-path`,
          data: s.path,
          getPath: (p) => p.path as [number, number][],
          getColor: GRID_EDITOR_COLOR.draft,
          widthUnits: 'pixels',
          getWidth: 2,
          pickable: false,
        })
      : null,
    s.midpoints.length > 0
      ? new ScatterplotLayer<LonLat>({
          ...handle,
          id: `${GRID_DRAFT_LAYER_ID}-midpoints`,
          data: s.midpoints,
          getPosition: (p) => [p[0], p[1]],
          getRadius: 4,
          getFillColor: GRID_EDITOR_COLOR.white,
          getLineColor: GRID_EDITOR_COLOR.draft,
        })
      : null,
    s.corners.length > 0
      ? new ScatterplotLayer<LonLat>({
          ...handle,
          id: `${GRID_DRAFT_LAYER_ID}-corners`,
          data: s.corners,
          getPosition: (p) => [p[0], p[1]],
          getRadius: 5,
          getFillColor: GRID_EDITOR_COLOR.draft,
          getLineColor: GRID_EDITOR_COLOR.white,
        })
      : null,
  ];
}
