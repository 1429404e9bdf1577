import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { ROUTE_ACTIVE_COLOR, ROUTE_OTHER_COLOR, TEAM_STATUS_COLOR } from '../colors.ts';
import type { MapLayerState, RouteLine } from './types.ts';

/** Layer id of the candidate routes; the teams' positions are `routes-teams`, the incident `routes-incident`. */
export const ROUTE_LAYER_ID = 'routes';

/**
 * The road routes of an incident's candidate teams: the others thin and grey, the hovered or
 * chosen one bold and blue on top; each team a dot at its start, the incident a ringed dot.
 */
export function routeLayers(state: Pick<MapLayerState, 'routes'>) {
  const r = state.routes;
  if (!r || r.lines.length === 0) return [];
  const active = r.activeTeamId;
  // The active route last, so it is drawn over the others.
  const lines = [...r.lines].sort((a, b) => Number(a.teamId === active) - Number(b.teamId === active));
  return [
    new PathLayer<RouteLine>({
      id: ROUTE_LAYER_ID,
      data: lines,
      getPath: (l) => l.path as [number, number][],
      getColor: (l) => (l.teamId === active ? ROUTE_ACTIVE_COLOR : ROUTE_OTHER_COLOR),
      getWidth: (l) => (l.teamId === active ? 6 : 3),
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      pickable: false,
      updateTriggers: { getColor: active, getWidth: active },
    }),
    new ScatterplotLayer<RouteLine>({
      id: `${ROUTE_LAYER_ID}-teams`,
      data: lines,
      getPosition: (l) => l.team,
      getFillColor: (l) => (l.teamId === active ? ROUTE_ACTIVE_COLOR : TEAM_STATUS_COLOR.available!),
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: (l) => (l.teamId === active ? 8 : 6),
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      pickable: false,
      updateTriggers: { getFillColor: active, getRadius: active },
    }),
    new ScatterplotLayer<{ position: [number, number] }>({
      id: `${ROUTE_LAYER_ID}-incident`,
      data: [{ position: r.incident }],
      getPosition: (d) => d.position,
      getFillColor: [198, 40, 40, 255],
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 8,
      lineWidthUnits: 'pixels',
      getLineWidth: 3,
      pickable: false,
    }),
  ];
}
