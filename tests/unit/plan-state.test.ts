import { describe, expect, it } from 'vitest';
import type { Candidate, Dispatch, Plan, PlanConflict, PlannedDispatch } from '../../web/api/client.ts';
import {
  assignmentsOf,
  conflictsByIncident,
  INITIAL_PLAN,
  planBounds,
  planReducer,
  teamUses,
  weightedTime,
  type PlanAction,
  type PlanEditState,
} from '../../web/dispatch/plan-state.ts';

function line(incidentId: number, teamId: number, priority: number, travelTimeS: number): PlannedDispatch {
  return {
    incidentId,
    priority,
    incidentLon: 114 + incidentId / 1000,
    incidentLat: 22.9,
    teamId,
    teamName: `队 ${teamId}`,
    teamLon: 113.9,
    teamLat: 22.9 + teamId / 1000,
    travelTimeS,
    distanceM: travelTimeS * 10,
  };
}

const PLAN: Plan = {
  plannedAt: '2026-05-04T02:00:00Z',
  exact: true,
  nearestPerIncident: null,
  incidents: 3,
  teams: 5,
  assignments: [line(1, 11, 1, 300), line(2, 12, 3, 600), line(3, 13, 4, 120)],
  unassigned: [],
  weightedTimeS: 8 * 300 + 2 * 600 + 1 * 120,
};

const OTHER_TEAM = {
  teamId: 21,
  name: '城管执法二队',
  kind: 'urban_management',
  lon: 113.95,
  lat: 22.95,
  travelTimeS: 480,
  distanceM: 3900,
} as Candidate;

function conflict(incidentId: number, teamId: number): PlanConflict {
  return { incidentId, teamId, reason: `team ${teamId} is taken`, code: 'conflict', params: { teamId } };
}

function run(state: PlanEditState, ...actions: PlanAction[]): PlanEditState {
  return actions.reduce(planReducer, state);
}

const planned = () => run(INITIAL_PLAN, { type: 'generating' }, { type: 'planned', plan: PLAN });

describe('editing a batch plan', () => {
  it('a new plan gives one unchanged line per assignment', () => {
    const s = planned();
    expect(s.plan).toBe(PLAN);
    expect(s.lines.map((l) => [l.incidentId, l.teamId, l.changed])).toEqual([
      [1, 11, false],
      [2, 12, false],
      [3, 13, false],
    ]);
    expect(assignmentsOf(s.lines)).toEqual([
      { incidentId: 1, teamId: 11 },
      { incidentId: 2, teamId: 12 },
      { incidentId: 3, teamId: 13 },
    ]);
  });

  it('removes a line, its conflicts and its open picker', () => {
    let s = run(planned(), { type: 'applyFailed', error: new Error('409'), conflicts: [conflict(2, 12)] });
    s = run(s, { type: 'edit', incidentId: 2 }, { type: 'remove', incidentId: 2 });
    expect(s.lines.map((l) => l.incidentId)).toEqual([1, 3]);
    expect(s.conflicts).toEqual([]);
    expect(s.editing).toBeNull();
    // another line's picker stays open
    s = run(s, { type: 'edit', incidentId: 1 }, { type: 'remove', incidentId: 3 });
    expect(s.editing).toBe(1);
  });

  it('the picker of a line opens and closes again', () => {
    let s = run(planned(), { type: 'edit', incidentId: 2 });
    expect(s.editing).toBe(2);
    s = run(s, { type: 'edit', incidentId: 3 });
    expect(s.editing).toBe(3);
    s = run(s, { type: 'edit', incidentId: 3 });
    expect(s.editing).toBeNull();
  });

  it('swaps a team: the line takes the candidate, is marked changed, loses its conflict, the picker closes', () => {
    let s = run(planned(), {
      type: 'applyFailed',
      error: new Error('409'),
      conflicts: [conflict(2, 12), conflict(3, 13)],
    });
    s = run(s, { type: 'edit', incidentId: 2 }, { type: 'swap', incidentId: 2, candidate: OTHER_TEAM });
    expect(s.lines[1]).toEqual({
      ...line(2, 12, 3, 600),
      teamId: 21,
      teamName: '城管执法二队',
      teamLon: 113.95,
      teamLat: 22.95,
      travelTimeS: 480,
      distanceM: 3900,
      changed: true,
    });
    expect(s.lines[0]?.changed).toBe(false);
    expect(s.conflicts.map((c) => c.incidentId)).toEqual([3]);
    expect(s.editing).toBeNull();
    expect(assignmentsOf(s.lines)).toContainEqual({ incidentId: 2, teamId: 21 });
  });

  it('apply with conflicts keeps the plan to be edited; removing the line in conflict lets the rest go', () => {
    const error = new Error('plan refused');
    let s = run(
      planned(),
      { type: 'applying' },
      { type: 'applyFailed', error, conflicts: [conflict(1, 11)] },
    );
    expect(s.error).toBe(error);
    expect(s.plan).toBe(PLAN);
    expect(s.lines).toHaveLength(3);
    expect(conflictsByIncident(s.conflicts).get(1)).toEqual([conflict(1, 11)]);
    s = run(s, { type: 'remove', incidentId: 1 }, { type: 'applying' });
    expect(s.error).toBeNull();
    expect(s.conflicts).toEqual([]);
    const sent = [
      { id: 90, incidentId: 2 },
      { id: 91, incidentId: 3 },
    ] as Dispatch[];
    s = run(s, { type: 'applied', dispatches: sent });
    expect(s).toMatchObject({ applied: sent, plan: null, lines: [] });
  });

  it('a refusal without conflicts (another error) lists none', () => {
    const s = run(planned(), { type: 'applyFailed', error: new Error('offline'), conflicts: [] });
    expect(s.conflicts).toEqual([]);
    expect(s.lines).toHaveLength(3);
  });

  it('generating again clears the notices and keeps the old plan until the new one arrives', () => {
    const sent = [{ id: 90, incidentId: 2 }] as Dispatch[];
    let s = run(planned(), { type: 'applied', dispatches: sent });
    s = run(s, { type: 'planned', plan: PLAN }, { type: 'edit', incidentId: 1 });
    s = run(
      s,
      { type: 'applyFailed', error: new Error('x'), conflicts: [conflict(1, 11)] },
      { type: 'generating' },
    );
    expect(s).toMatchObject({ applied: null, conflicts: [], editing: null, error: null, plan: PLAN });
    expect(s.lines).toHaveLength(3);
    const failed = run(s, { type: 'generateFailed', error: new Error('offline') });
    expect(failed.plan).toBe(PLAN);
    expect(failed.error).toEqual(new Error('offline'));
  });
});

describe('plan figures', () => {
  it('weighs travel time by 2^(4 − priority)', () => {
    expect(weightedTime([])).toBe(0);
    // 8 × 300 + 2 × 600 + 1 × 120
    expect(weightedTime(PLAN.assignments)).toBe(3720);
    expect(weightedTime([{ priority: 2, travelTimeS: 90 }])).toBe(360);
  });

  it('counts the lines per team (a team twice is flagged)', () => {
    const uses = teamUses([{ teamId: 5 }, { teamId: 6 }, { teamId: 5 }]);
    expect(uses.get(5)).toBe(2);
    expect(uses.get(6)).toBe(1);
    expect(uses.get(7)).toBeUndefined();
  });

  it('groups conflicts by incident, in order', () => {
    const by = conflictsByIncident([conflict(1, 11), conflict(2, 12), conflict(1, 14)]);
    expect(by.get(1)?.map((c) => c.teamId)).toEqual([11, 14]);
    expect(by.get(2)?.map((c) => c.teamId)).toEqual([12]);
  });

  it('bounds every incident and team of the plan', () => {
    expect(planBounds([])).toBeNull();
    expect(planBounds([line(1, 11, 1, 300), line(3, 13, 4, 120)])).toEqual([113.9, 22.9, 114.003, 22.913]);
  });
});
