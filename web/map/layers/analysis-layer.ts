import { ScatterplotLayer } from '@deck.gl/layers';
import { riskColor, TEAM_STATUS_COLOR, type Rgba } from '../colors.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of the analysis ring (the around radius, or a risk source's impact zone). */
export const AROUND_CIRCLE_LAYER_ID = 'around-circle';

/** Layer id of the highlighted points of the analysis. */
export const AROUND_HIGHLIGHT_LAYER_ID = 'around-highlight';

/** Layer id of the ring around the picked item. */
export const SELECTION_LAYER_ID = 'selection';

/** One highlighted point of an analysis answer. */
export interface HighlightPoint {
  position: [number, number];
  color: Rgba;
}

const SITE_HIGHLIGHT: Rgba = [31, 119, 180, 255];
const RING_COLOR: Rgba = [84, 48, 140, 230];

/** The points of an analysis answer with the colour of their ring. */
function highlightPoints(state: MapLayerState): HighlightPoint[] {
  const a = state.analysis;
  if (!a?.result) return [];
  if (a.kind === 'exposure') {
    return a.result.sites.map((s) => ({ position: [s.lon, s.lat], color: SITE_HIGHLIGHT }));
  }
  return [
    ...a.result.sites.map((s) => ({ position: [s.lon, s.lat] as [number, number], color: SITE_HIGHLIGHT })),
    ...a.result.teams.map((t) => ({
      position: [t.lon, t.lat] as [number, number],
      color: TEAM_STATUS_COLOR[t.status] ?? ([120, 120, 120, 255] as Rgba),
    })),
    ...a.result.riskSources.map((r) => ({
      position: [r.lon, r.lat] as [number, number],
      color: riskColor(r.level),
    })),
  ];
}

const highlightCache = new WeakMap<object, HighlightPoint[]>();

/**
 * "What is around": a translucent disc of the radius (metres on the ground) round the point,
 * or a risk source's impact zone, with a ring round each item of the answer.
 */
export function analysisLayers(state: MapLayerState) {
  const a = state.analysis;
  if (!a) return [];
  const circle =
    a.kind === 'around'
      ? { position: a.center, radius: a.radius, color: RING_COLOR }
      : a.result
        ? {
            position: [a.result.source.lon, a.result.source.lat] as [number, number],
            radius: a.result.source.impactRadiusM,
            color: riskColor(a.result.source.level),
          }
        : null;
  let points = a.result ? highlightCache.get(a.result) : undefined;
  if (a.result && !points) {
    points = highlightPoints(state);
    highlightCache.set(a.result, points);
  }
  return [
    circle &&
      new ScatterplotLayer<typeof circle>({
        id: AROUND_CIRCLE_LAYER_ID,
        data: [circle],
        getPosition: (c) => c.position,
        radiusUnits: 'meters',
        getRadius: (c) => c.radius,
        getFillColor: (c) => [c.color[0], c.color[1], c.color[2], 35],
        getLineColor: (c) => c.color,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        pickable: false,
      }),
    !points
      ? null
      : new ScatterplotLayer<HighlightPoint>({
          id: AROUND_HIGHLIGHT_LAYER_ID,
          data: points,
          getPosition: (p) => p.position,
          radiusUnits: 'pixels',
          getRadius: 9,
          filled: false,
          stroked: true,
          getLineColor: (p) => p.color,
          lineWidthUnits: 'pixels',
          getLineWidth: 3,
          pickable: false,
        }),
  ];
}

/** A ring round the picked item. */
export function selectionLayer(state: MapLayerState) {
  const s = state.selection;
  if (!s) return null;
  return new ScatterplotLayer<{ position: [number, number] }>({
    id: SELECTION_LAYER_ID,
    data: [s],
    getPosition: (d) => d.position,
    radiusUnits: 'pixels',
    getRadius: 12,
    filled: false,
    stroked: true,
    getLineColor: [20, 20, 30, 230],
    lineWidthUnits: 'pixels',
    getLineWidth: 2.5,
    pickable: false,
  });
}
