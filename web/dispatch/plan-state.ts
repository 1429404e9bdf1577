import type { BBox, Candidate, Dispatch, Plan, PlanConflict, PlannedDispatch } from '../api/client.ts';

/**
 * The batch plan being edited, as a pure state machine: the plan as the API made it, its lines
 * as the dispatcher edits them (a line removed, another team picked from the incident's
 * candidates), the conflicts of a refused apply per line, and what an apply dispatched.
 */

/** One editable line of the plan. */
export interface EditedLine extends PlannedDispatch {
  /** The team was changed by the dispatcher. */
  changed: boolean;
}

export interface PlanEditState {
  /** The plan as generated (null: none yet, or applied). */
  plan: Plan | null;
  lines: readonly EditedLine[];
  /** Why the last apply was refused, per line. */
  conflicts: readonly PlanConflict[];
  /** What the last apply dispatched. */
  applied: readonly Dispatch[] | null;
  /** The line whose team is being changed. */
  editing: number | null;
  /** The last refusal (of generating or applying). */
  error: unknown;
}

export type PlanAction =
  /** A new plan was asked for: the old one stays shown until it arrives. */
  | { type: 'generating' }
  | { type: 'planned'; plan: Plan }
  | { type: 'generateFailed'; error: unknown }
  | { type: 'remove'; incidentId: number }
  /** Opens (or closes again) the team picker of a line. */
  | { type: 'edit'; incidentId: number }
  /** Another team for a line, one of its incident's candidates. */
  | { type: 'swap'; incidentId: number; candidate: Candidate }
  | { type: 'applying' }
  | { type: 'applied'; dispatches: readonly Dispatch[] }
  /** Refused as a whole: the error, and the lines that no longer hold (none for other errors). */
  | { type: 'applyFailed'; error: unknown; conflicts: readonly PlanConflict[] };

export const INITIAL_PLAN: PlanEditState = {
  plan: null,
  lines: [],
  conflicts: [],
  applied: null,
  editing: null,
  error: null,
};

const withoutLine = (conflicts: readonly PlanConflict[], incidentId: number) =>
  conflicts.filter((c) => c.incidentId !== incidentId);

export function planReducer(state: PlanEditState, action: PlanAction): PlanEditState {
  switch (action.type) {
    case 'generating':
      return { ...state, error: null, conflicts: [], applied: null, editing: null };
    case 'planned':
      return {
        ...state,
        plan: action.plan,
        lines: action.plan.assignments.map((a) => ({ ...a, changed: false })),
      };
    case 'generateFailed':
      return { ...state, error: action.error };
    case 'remove':
      return {
        ...state,
        lines: state.lines.filter((l) => l.incidentId !== action.incidentId),
        conflicts: withoutLine(state.conflicts, action.incidentId),
        editing: state.editing === action.incidentId ? null : state.editing,
      };
    case 'edit':
      return { ...state, editing: state.editing === action.incidentId ? null : action.incidentId };
    case 'swap': {
      const c = action.candidate;
      return {
        ...state,
        lines: state.lines.map((l) =>
          l.incidentId === action.incidentId
            ? {
                ...l,
                teamId: c.teamId,
                teamName: c.name,
                teamLon: c.lon,
                teamLat: c.lat,
                travelTimeS: c.travelTimeS,
                distanceM: c.distanceM,
                changed: true,
              }
            : l,
        ),
        conflicts: withoutLine(state.conflicts, action.incidentId),
        editing: null,
      };
    }
    case 'applying':
      return { ...state, error: null, conflicts: [] };
    case 'applied':
      return { ...state, applied: action.dispatches, plan: null, lines: [] };
    case 'applyFailed':
      return { ...state, error: action.error, conflicts: action.conflicts };
  }
}

/** What apply sends: incident → team of each line. */
export function assignmentsOf(lines: readonly EditedLine[]): { incidentId: number; teamId: number }[] {
  return lines.map((l) => ({ incidentId: l.incidentId, teamId: l.teamId }));
}

/** Σ priority weight (2^(4 − priority)) × travel time, as the API weighs a plan. */
export function weightedTime(lines: readonly Pick<PlannedDispatch, 'priority' | 'travelTimeS'>[]): number {
  return lines.reduce((sum, l) => sum + 2 ** (4 - l.priority) * l.travelTimeS, 0);
}

/** How many lines use each team (a team chosen twice would be refused: said on the line before sending). */
export function teamUses(lines: readonly Pick<PlannedDispatch, 'teamId'>[]): ReadonlyMap<number, number> {
  const uses = new Map<number, number>();
  for (const l of lines) uses.set(l.teamId, (uses.get(l.teamId) ?? 0) + 1);
  return uses;
}

/** The conflicts by incident. */
export function conflictsByIncident(conflicts: readonly PlanConflict[]): ReadonlyMap<number, PlanConflict[]> {
  const by = new Map<number, PlanConflict[]>();
  for (const c of conflicts) by.set(c.incidentId, [...(by.get(c.incidentId) ?? []), c]);
  return by;
}

/** The box around every incident and team of a plan, or null for an empty plan. */
export function planBounds(assignments: readonly PlannedDispatch[]): BBox | null {
  if (assignments.length === 0) return null;
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const a of assignments) {
    for (const [x, y] of [
      [a.incidentLon, a.incidentLat],
      [a.teamLon, a.teamLat],
    ] as const) {
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    }
  }
  return [w, s, e, n];
}
