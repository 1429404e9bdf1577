import { ScatterplotLayer } from '@deck.gl/layers';
import { riskColor } from '../colors.ts';
import type { ScreenRisk } from './screen-state.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of the big screen's risk zones. */
export const SCREEN_RISK_LAYER_ID = 'screen-risk-zones';

/** Risk sources on the big screen as their impact zones (metres), coloured by risk level. */
export function screenRiskLayer(state: Pick<MapLayerState, 'screen'>) {
  const live = state.screen?.live;
  if (!live) return null;
  const scale = state.screen?.scale ?? 1;
  return new ScatterplotLayer<ScreenRisk>({
    id: SCREEN_RISK_LAYER_ID,
    data: live.risks,
    getPosition: (r) => r.position,
    getRadius: (r) => Math.max(r.radiusM, 60),
    radiusUnits: 'meters',
    radiusMinPixels: 2 * scale,
    getFillColor: (r) => riskColor(r.level, r.level === 1 ? 70 : 40),
    getLineColor: (r) => riskColor(r.level, 200),
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: scale,
  });
}
