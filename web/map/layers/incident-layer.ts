import { ScatterplotLayer } from '@deck.gl/layers';
import type { Feature } from '../../api/client.ts';
import {
  INCIDENT_DONE_COLOR,
  INCIDENT_DONE_STATUSES,
  INCIDENT_PRIORITY_COLOR,
  type Rgba,
} from '../colors.ts';
import { getFeaturePosition, numberProp } from './geometry.ts';
import { pointScale, type MapLayerState } from './types.ts';

/** Layer id of incidents (事件); equal to the API layer id. */
export const INCIDENT_LAYER_ID = 'incidents';

/** Colour of an incident: grey once handled, otherwise by priority (1 most urgent). */
export function incidentColor(feature: Feature): Rgba {
  if (INCIDENT_DONE_STATUSES.has(String(feature.properties.status))) return INCIDENT_DONE_COLOR;
  return INCIDENT_PRIORITY_COLOR[numberProp(feature, 'priority', 4)] ?? INCIDENT_DONE_COLOR;
}

/** Incidents as dots coloured by status and priority; open urgent ones drawn larger. */
export function incidentLayer(state: MapLayerState): ScatterplotLayer<Feature> | null {
  const data = state.features.incidents;
  if (!state.visible.incidents || !data) return null;
  return new ScatterplotLayer<Feature>({
    id: INCIDENT_LAYER_ID,
    data,
    getPosition: getFeaturePosition,
    getFillColor: incidentColor,
    getLineColor: [255, 255, 255, 230],
    stroked: true,
    radiusUnits: 'pixels',
    radiusScale: pointScale(state.zoom),
    getRadius: (f) =>
      INCIDENT_DONE_STATUSES.has(String(f.properties.status)) ? 3.5 : 7 - numberProp(f, 'priority', 4),
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: true,
    autoHighlight: true,
  });
}
