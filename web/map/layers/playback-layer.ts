import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { TEAM_STATUS_COLOR } from '../colors.ts';
import type { LonLat } from './geometry.ts';
import { screenIncidentColor, type PlaybackIncident, type PlaybackTrack } from './screen-state.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of a playback's team tracks; its incidents are `playback-incidents`, its teams `playback-teams`. */
export const PLAYBACK_LAYER_ID = 'playback-tracks';

/**
 * A playback on the big screen: the teams' whole tracks faint, the incidents reported so far
 * (coloured by their status then, the newest larger), and the teams where they were then.
 */
export function playbackLayers(state: Pick<MapLayerState, 'screen'>) {
  const frame = state.screen?.playback;
  if (!frame) return [];
  const scale = state.screen?.scale ?? 1;
  return [
    new PathLayer<PlaybackTrack>({
      id: PLAYBACK_LAYER_ID,
      data: frame.tracks,
      getPath: (tr) => tr.positions as LonLat[],
      getColor: [34, 197, 94, 70],
      widthUnits: 'pixels',
      getWidth: 1.5 * scale,
    }),
    new ScatterplotLayer<PlaybackIncident>({
      id: 'playback-incidents',
      data: frame.incidents,
      getPosition: (i) => i.position,
      getFillColor: (i) => screenIncidentColor(i.status, i.priority),
      getLineColor: [255, 255, 255, 200],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: (i) => (i.fresh ? 9 - i.priority : 7 - i.priority) * scale,
      lineWidthUnits: 'pixels',
      getLineWidth: scale,
      updateTriggers: { getRadius: scale },
    }),
    new ScatterplotLayer<LonLat>({
      id: 'playback-teams',
      data: frame.teams,
      getPosition: (p) => p,
      getFillColor: TEAM_STATUS_COLOR.available ?? [22, 163, 74, 240],
      getLineColor: [15, 23, 42, 255],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 5 * scale,
      lineWidthUnits: 'pixels',
      getLineWidth: scale,
    }),
  ];
}
