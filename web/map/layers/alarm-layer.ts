import { ScatterplotLayer } from '@deck.gl/layers';
import type { LonLat } from './geometry.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of the ring around the incident of the big screen's alarm. */
export const ALARM_LAYER_ID = 'screen-alarm';

/** A red ring around the incident that raised the alarm shown now. */
export function alarmLayer(state: Pick<MapLayerState, 'screen'>) {
  const alarm = state.screen?.live?.alarm;
  if (!alarm) return null;
  const scale = state.screen?.scale ?? 1;
  return new ScatterplotLayer<LonLat>({
    id: ALARM_LAYER_ID,
    data: [alarm],
    getPosition: (p) => p,
    filled: false,
    stroked: true,
    radiusUnits: 'pixels',
    getRadius: 22 * scale,
    lineWidthUnits: 'pixels',
    getLineWidth: 4 * scale,
    getLineColor: [239, 68, 68, 255],
  });
}
