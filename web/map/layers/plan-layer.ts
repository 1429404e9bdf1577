import { LineLayer, ScatterplotLayer } from '@deck.gl/layers';
import { INCIDENT_PRIORITY_COLOR, TEAM_STATUS_COLOR, type Rgba } from '../colors.ts';
import type { MapLayerState, PlanLine } from './types.ts';

/** Layer id of the plan lines incident → team; the incidents are `plan-incidents`, the teams `plan-teams`. */
export const PLAN_LAYER_ID = 'plan';

function priorityColor(priority: number, alpha?: number): Rgba {
  const c = INCIDENT_PRIORITY_COLOR[priority] ?? INCIDENT_PRIORITY_COLOR[4] ?? [129, 140, 248, 220];
  return [c[0], c[1], c[2], alpha ?? c[3]];
}

/**
 * A batch plan: a straight line from each incident to its planned team, coloured by the
 * incident's priority (the row under the pointer drawn bold); incidents as dots of the same
 * colour, teams as green dots.
 */
export function planLayers(state: Pick<MapLayerState, 'plan'>) {
  const plan = state.plan;
  if (!plan || plan.lines.length === 0) return [];
  const activeKey = plan.lines.find((l) => l.active)?.incidentId ?? null;
  return [
    new LineLayer<PlanLine>({
      id: PLAN_LAYER_ID,
      data: plan.lines,
      getSourcePosition: (l) => l.incident,
      getTargetPosition: (l) => l.team,
      getColor: (l) => priorityColor(l.priority, l.active ? 255 : 200),
      getWidth: (l) => (l.active ? 6 : 3),
      widthUnits: 'pixels',
      pickable: true,
      updateTriggers: { getColor: activeKey, getWidth: activeKey },
    }),
    new ScatterplotLayer<PlanLine>({
      id: `${PLAN_LAYER_ID}-teams`,
      data: plan.lines,
      getPosition: (l) => l.team,
      getFillColor: TEAM_STATUS_COLOR.available!,
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 5,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      pickable: false,
    }),
    new ScatterplotLayer<PlanLine>({
      id: `${PLAN_LAYER_ID}-incidents`,
      data: plan.lines,
      getPosition: (l) => l.incident,
      getFillColor: (l) => priorityColor(l.priority, 255),
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: (l) => (l.active ? 9 : 7),
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      pickable: true,
      updateTriggers: { getRadius: activeKey },
    }),
  ];
}
