import { ScatterplotLayer } from '@deck.gl/layers';
import { TEAM_STATUS_COLOR } from '../colors.ts';
import type { ScreenTeam } from './screen-state.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of the big screen's teams. */
export const SCREEN_TEAM_LAYER_ID = 'screen-teams';

/** Teams on the big screen at their last position, coloured by status. */
export function screenTeamLayer(state: Pick<MapLayerState, 'screen'>) {
  const live = state.screen?.live;
  if (!live) return null;
  const scale = state.screen?.scale ?? 1;
  return new ScatterplotLayer<ScreenTeam>({
    id: SCREEN_TEAM_LAYER_ID,
    data: live.teams,
    getPosition: (t) => t.position,
    getFillColor: (t) => TEAM_STATUS_COLOR[t.status] ?? [120, 120, 120, 200],
    getLineColor: [15, 23, 42, 255],
    stroked: true,
    radiusUnits: 'pixels',
    getRadius: 3 * scale,
    lineWidthUnits: 'pixels',
    getLineWidth: scale,
  });
}
