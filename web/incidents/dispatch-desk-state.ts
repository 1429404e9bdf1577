import type { Candidate, IncidentDetail } from '../api/client.ts';
import type { RouteState } from '../map/layers/types.ts';

/**
 * The dispatch part of an incident's detail as a pure state machine: the candidate hovered
 * and the one picked (their route is drawn highlighted), whether the dispatcher is choosing
 * another team for the current dispatch, and the last refusal. It starts over when the incident
 * or its status changes (`key`), whoever changed it.
 */

/** Incident statuses that have a team on the way or on the scene. */
const WITH_TEAM: ReadonlySet<string> = new Set(['dispatched', 'on_scene']);

/** Whether the incident has (or may get back) a team on the way. */
export function hasTeam(status: string): boolean {
  return WITH_TEAM.has(status);
}

export interface DeskState {
  /** The incident and status this state belongs to (`deskKey`). */
  key: string;
  hovered: number | null;
  chosen: number | null;
  reassigning: boolean;
  /** The last refusal of a dispatch action. */
  error: unknown;
}

export type DeskAction = { key: string } & (
  | { type: 'hover'; teamId: number | null }
  | { type: 'choose'; teamId: number }
  | { type: 'toggleReassign' }
  /** An action was sent: its previous refusal goes. */
  | { type: 'sending' }
  /** An action went through: back to the list as it comes. */
  | { type: 'done' }
  | { type: 'failed'; error: unknown }
);

/** The key the state belongs to: another incident or another status starts over. */
export function deskKey(incident: Pick<IncidentDetail, 'id' | 'status'>): string {
  return `${incident.id}:${incident.status}`;
}

export function initialDesk(key: string): DeskState {
  return { key, hovered: null, chosen: null, reassigning: false, error: null };
}

/** The state for `key`: the stored one if it belongs to it, else a fresh one. */
export function deskFor(state: DeskState, key: string): DeskState {
  return state.key === key ? state : initialDesk(key);
}

export function deskReducer(stored: DeskState, action: DeskAction): DeskState {
  const state = deskFor(stored, action.key);
  switch (action.type) {
    case 'hover':
      return { ...state, hovered: action.teamId };
    case 'choose':
      return { ...state, chosen: action.teamId };
    case 'toggleReassign':
      return { ...state, reassigning: !state.reassigning };
    case 'sending':
      return { ...state, error: null };
    case 'done':
      return initialDesk(state.key);
    case 'failed':
      return { ...state, error: action.error };
  }
}

/**
 * Whether the candidates are wanted: by a dispatcher, for an incident that needs a team, when it
 * is accepted (to send one) or has one and another is being chosen.
 */
export function wantsCandidates(
  incident: Pick<IncidentDetail, 'status' | 'teamCapability'>,
  canDispatch: boolean,
  reassigning: boolean,
): boolean {
  if (!canDispatch || incident.teamCapability === null) return false;
  return incident.status === 'accepted' || (hasTeam(incident.status) && reassigning);
}

/** The team whose route is highlighted: the hovered one, else the picked one, else the fastest. */
export function activeTeam(state: DeskState, candidates: readonly Candidate[]): number | null {
  return state.hovered ?? state.chosen ?? candidates[0]?.teamId ?? null;
}

/** The candidates' routes to draw on the incident's map, or null for none. */
export function candidateRoutes(
  incident: Pick<IncidentDetail, 'lon' | 'lat'>,
  candidates: readonly Candidate[],
  activeTeamId: number | null,
): RouteState | null {
  if (candidates.length === 0) return null;
  return {
    incident: [incident.lon, incident.lat],
    lines: candidates.map((c) => ({ teamId: c.teamId, team: [c.lon, c.lat], path: c.route.coordinates })),
    activeTeamId,
  };
}
