import {
  INCIDENT_DONE_COLOR,
  INCIDENT_DONE_STATUSES,
  INCIDENT_PRIORITY_COLOR,
  type Rgba,
} from '../colors.ts';
import type { TilePoint } from '../use-point-tiles.ts';
import { numProp, pointLayers, thematicShown } from './point-common.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of incidents (事件); equal to the API layer id. */
export const INCIDENT_LAYER_ID = 'incidents';

/** Colour of an incident: grey once handled, otherwise by priority (1 most urgent); clusters by their most urgent. */
export function incidentColor(p: TilePoint): Rgba {
  if (p.count === null && INCIDENT_DONE_STATUSES.has(String(p.properties.status))) return INCIDENT_DONE_COLOR;
  const c = INCIDENT_PRIORITY_COLOR[numProp(p, 'priority', 4)] ?? INCIDENT_DONE_COLOR;
  return p.count === null ? c : [c[0], c[1], c[2], 190];
}

/** Incidents as dots coloured by status and priority; open urgent ones drawn larger. */
export function incidentLayer(state: MapLayerState) {
  const data = state.tiles.incidents;
  if (!state.visible.incidents || !data) return null;
  return pointLayers({
    id: INCIDENT_LAYER_ID,
    points: data.points,
    zoom: state.zoom,
    dimmed: thematicShown(state),
    getFillColor: incidentColor,
    getRadius: (p) =>
      INCIDENT_DONE_STATUSES.has(String(p.properties.status)) ? 3.5 : 7 - numProp(p, 'priority', 4),
  });
}
