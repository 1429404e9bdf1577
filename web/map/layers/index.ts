/**
 * The registry of map layers: every factory, in drawing order (first drawn lowest).
 * The app calls buildLayers() on each render; deck.gl diffs layers by id.
 */
import type { Layer } from '@deck.gl/core';
import { analysisLayers, selectionLayer } from './analysis-layer.ts';
import { choroplethLayer } from './choropleth-layer.ts';
import { densityLayer } from './density-layer.ts';
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
import { alarmLayer } from './alarm-layer.ts';
import { playbackLayers } from './playback-layer.ts';
import { screenIncidentLayer } from './screen-incident-layer.ts';
import { screenRiskLayer } from './screen-risk-layer.ts';
import { screenTeamLayer } from './screen-team-layer.ts';
import { screenTownLayer } from './screen-town-layer.ts';
import { gridDraftLayers } from './grid-draft-layer.ts';
import { gridGapLayer } from './grid-gap-layer.ts';
import { gridLayers } from './grid-layer.ts';
import { gridProblemLayer } from './grid-problem-layer.ts';
import { gridSelectionLayers } from './grid-selection-layer.ts';
import { townAggregateLayers } from './town-aggregate-layer.ts';
import type { LayerFactory, MapLayerState } from './types.ts';

export { AREA_OUTLINE_LAYER_ID, areaOutlineLayerId, areaOutlineLayers } from './area-outline-layer.ts';
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
export { SCREEN_TOWN_LAYER_ID, screenTownLayer } from './screen-town-layer.ts';
export { SCREEN_RISK_LAYER_ID, screenRiskLayer } from './screen-risk-layer.ts';
export { SCREEN_TEAM_LAYER_ID, screenTeamLayer } from './screen-team-layer.ts';
export { SCREEN_INCIDENT_LAYER_ID, screenIncidentLayer } from './screen-incident-layer.ts';
export { PLAYBACK_LAYER_ID, playbackLayers } from './playback-layer.ts';
export { ALARM_LAYER_ID, alarmLayer } from './alarm-layer.ts';
export { GRID_LAYER_ID, gridLayers } from './grid-layer.ts';
export { GRID_GAP_LAYER_ID, gridGapLayer } from './grid-gap-layer.ts';
export { GRID_SELECTION_LAYER_ID, gridSelectionLayers } from './grid-selection-layer.ts';
export { GRID_PROBLEM_LAYER_ID, gridProblemLayer } from './grid-problem-layer.ts';
export { GRID_DRAFT_LAYER_ID, gridDraftLayers } from './grid-draft-layer.ts';
export {
  TOWN_AGGREGATE_COLORS_HEX,
  TOWN_AGGREGATE_LAYER_ID,
  TOWN_AGGREGATE_NUMBER_LAYER_ID,
  riskIndexBreaks,
  riskIndexClass,
  townAggregateLayers,
  townBubbleRadius,
} from './town-aggregate-layer.ts';
export * from './grid-editor-state.ts';
export * from './screen-state.ts';
export * from './types.ts';

/**
 * All factories in drawing order (first drawn lowest): thematic fills, area outlines and the
 * user's home area (the uncovered area and isochrones below them), then the densest points up to the risk sources (the theme of the map) on
 * top, then dispatch overlays (routes, plan lines), the analysis overlays, and the area names last so the overview stays readable (their halo
 * keeps points visible). The big screen's kinds sit in the same order: its town outlines with the
 * outlines, its risk zones, teams, incidents, playback and alarm ring with the points. The grid
 * editor's kinds come after the outlines: gaps, grids, the selection, the problems, the draft on top.
 * The town bubbles of the city overview sit under the points (which are not drawn at their zoom).
 */
export const LAYER_FACTORIES: readonly LayerFactory[] = [
  choroplethLayer,
  densityLayer,
  coverageLayer,
  isochroneLayer,
  areaOutlineLayers,
  screenTownLayer,
  homeAreaLayers,
  gridGapLayer,
  gridLayers,
  gridSelectionLayers,
  gridProblemLayer,
  gridDraftLayers,
  townAggregateLayers,
  componentLayer,
  cameraLayer,
  teamLayer,
  siteLayer,
  incidentLayer,
  riskSourceLayers,
  screenRiskLayer,
  screenTeamLayer,
  screenIncidentLayer,
  playbackLayers,
  alarmLayer,
  routeLayers,
  planLayers,
  analysisLayers,
  selectionLayer,
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
  let at = out.findIndex((l) => l.id.startsWith('around-') || l.id === 'selection');
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
