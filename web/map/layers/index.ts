/**
 * The registry of map layers: every factory, in drawing order (first drawn lowest).
 * The app calls buildLayers() on each render; deck.gl diffs layers by id.
 */
import type { Layer } from '@deck.gl/core';
import { analysisLayers, selectionLayer } from './analysis-layer.ts';
import { choroplethLayer } from './choropleth-layer.ts';
import { densityLayer } from './density-layer.ts';
import { areaLabelLayers } from './area-label-layer.ts';
import { areaOutlineLayers } from './area-outline-layer.ts';
import { cameraLayer } from './camera-layer.ts';
import { componentLayer } from './component-layer.ts';
import { coverageLayer } from './coverage-layer.ts';
import { isochroneLayer } from './isochrone-layer.ts';
import { planLayers } from './plan-layer.ts';
import { routeLayers } from './route-layer.ts';
import { homeAreaLayers } from './home-area-layer.ts';
import { incidentLayer } from './incident-layer.ts';
import { riskSourceLayers } from './risk-source-layer.ts';
import { siteLayer } from './site-layer.ts';
import { teamLayer } from './team-layer.ts';
import type { LayerFactory, MapLayerState } from './types.ts';

export { AREA_OUTLINE_LAYER_ID, areaOutlineLayerId, areaOutlineLayers } from './area-outline-layer.ts';
export { AREA_LABEL_LAYER_ID, areaLabelLayerId, areaLabelLayers } from './area-label-layer.ts';
export { HOME_AREA_LAYER_ID, homeAreaLayers } from './home-area-layer.ts';
export { SITE_LAYER_ID, siteLayer } from './site-layer.ts';
export { COMPONENT_LAYER_ID, componentLayer } from './component-layer.ts';
export { RISK_SOURCE_LAYER_ID, RISK_SOURCE_IMPACT_LAYER_ID, riskSourceLayers } from './risk-source-layer.ts';
export { CAMERA_LAYER_ID, cameraLayer } from './camera-layer.ts';
export { TEAM_LAYER_ID, TEAM_STALE_LAYER_ID, teamLayer } from './team-layer.ts';
export { ROUTE_LAYER_ID, routeLayers } from './route-layer.ts';
export { PLAN_LAYER_ID, planLayers } from './plan-layer.ts';
export { ISOCHRONE_LAYER_ID, isochroneColor, isochroneLayer } from './isochrone-layer.ts';
export { COVERAGE_LAYER_ID, coverageLayer } from './coverage-layer.ts';
export { INCIDENT_LAYER_ID, incidentLayer, incidentColor } from './incident-layer.ts';
export {
  AROUND_CIRCLE_LAYER_ID,
  AROUND_HIGHLIGHT_LAYER_ID,
  SELECTION_LAYER_ID,
  analysisLayers,
  selectionLayer,
} from './analysis-layer.ts';
export {
  CHOROPLETH_LAYER_ID,
  CHOROPLETH_COLORS_HEX,
  choroplethLayer,
  classColorHex,
  metricValue,
  quantileBreaks,
} from './choropleth-layer.ts';
export { HEATMAP_LAYER_ID, HEXAGON_LAYER_ID, densityLayer } from './density-layer.ts';
export * from './types.ts';

/**
 * All factories in drawing order (first drawn lowest): thematic fills, area outlines and the
 * user's home area (the uncovered area and isochrones below them), then the densest points up to the risk sources (the theme of the map) on
 * top, then dispatch overlays (routes, plan lines), the analysis overlays, and the area names last so the overview stays readable (their halo
 * keeps points visible).
 */
export const LAYER_FACTORIES: readonly LayerFactory[] = [
  choroplethLayer,
  densityLayer,
  coverageLayer,
  isochroneLayer,
  areaOutlineLayers,
  homeAreaLayers,
  componentLayer,
  cameraLayer,
  teamLayer,
  siteLayer,
  incidentLayer,
  riskSourceLayers,
  routeLayers,
  planLayers,
  analysisLayers,
  selectionLayer,
  areaLabelLayers,
];

/** Suffix of the cluster count label layers (`sites-count`, …). */
const COUNT_SUFFIX = '-count';

/**
 * The deck.gl layers for a state, nulls dropped. Cluster counts are drawn after all the point
 * layers (before the analysis overlays), so no layer's dots cover another's numbers.
 */
export function buildLayers(state: MapLayerState): Layer[] {
  const out: Layer[] = [];
  const counts: Layer[] = [];
  for (const factory of LAYER_FACTORIES) {
    const result = factory(state);
    const list = Array.isArray(result) ? result : [result];
    for (const layer of list) {
      if (!layer) continue;
      if (layer.id.endsWith(COUNT_SUFFIX)) counts.push(layer as Layer);
      else out.push(layer as Layer);
    }
  }
  let at = out.findIndex(
    (l) => l.id.startsWith('around-') || l.id === 'selection' || l.id.startsWith('area-label'),
  );
  if (at < 0) at = out.length;
  out.splice(at, 0, ...counts);
  return out;
}

/** Number of data items each visible layer draws, by layer id (for the test hook and the panel). */
export function countLayerItems(layers: readonly Layer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const layer of layers) {
    if (layer.props.visible === false) continue;
    const data: unknown = layer.props.data;
    counts[layer.id] = Array.isArray(data) ? data.length : 0;
  }
  return counts;
}
