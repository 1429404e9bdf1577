import { ScatterplotLayer } from '@deck.gl/layers';
import { INCIDENT_DONE_STATUSES } from '../colors.ts';
import { screenIncidentColor, type ScreenIncident } from './screen-state.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of the big screen's incidents. */
export const SCREEN_INCIDENT_LAYER_ID = 'screen-incidents';

const sortCache = new WeakMap<readonly ScreenIncident[], ScreenIncident[]>();

/** The incidents, most urgent last (drawn on top); memoised per array. */
function urgentLast(incidents: readonly ScreenIncident[]): ScreenIncident[] {
  let out = sortCache.get(incidents);
  if (!out) {
    out = [...incidents].sort((a, b) => b.priority - a.priority);
    sortCache.set(incidents, out);
  }
  return out;
}

/** Incidents on the big screen: open ones by priority (urgent larger), handled ones small and grey. */
export function screenIncidentLayer(state: Pick<MapLayerState, 'screen'>) {
  const live = state.screen?.live;
  if (!live) return null;
  const scale = state.screen?.scale ?? 1;
  return new ScatterplotLayer<ScreenIncident>({
    id: SCREEN_INCIDENT_LAYER_ID,
    data: urgentLast(live.incidents),
    getPosition: (i) => i.position,
    getFillColor: (i) => screenIncidentColor(i.status, i.priority),
    getLineColor: [255, 255, 255, 220],
    stroked: true,
    radiusUnits: 'pixels',
    getRadius: (i) => (INCIDENT_DONE_STATUSES.has(i.status) ? 3 : 8 - i.priority) * scale,
    lineWidthUnits: 'pixels',
    getLineWidth: scale,
    updateTriggers: { getRadius: scale },
  });
}
