import { useMemo, useReducer } from 'react';
import type { Candidate, CandidateList, Dispatch, DispatchStep, IncidentDetail } from '../api/client.ts';
import { useSession } from '../lib/session.tsx';
import type { RouteState } from '../map/layers/types.ts';
import {
  activeTeam,
  candidateRoutes,
  deskFor,
  deskKey,
  deskReducer,
  hasTeam,
  initialDesk,
  wantsCandidates,
  type DeskState,
} from './dispatch-desk-state.ts';
import { useCandidates, useDispatchChange, useOpenDispatch, type DispatchChange } from './queries.ts';

/** How many candidates the panel lists. */
const CANDIDATE_LIMIT = 5;

const NO_CANDIDATES: Candidate[] = [];

/** Everything the dispatch part of an incident's detail shows and does. */
export interface DispatchDesk {
  state: DeskState;
  /** Whether the candidates are shown (loading, failed or loaded). */
  showCandidates: boolean;
  candidates: CandidateList | null;
  candidatesError: Error | null;
  /** The incident's open dispatch, if it has a team. */
  dispatch: Dispatch | null;
  /** The refusal of the last action, or the open dispatch failing to load. */
  error: unknown;
  busy: boolean;
  activeTeamId: number | null;
  /** The candidates' routes for the incident's map (null: none). */
  routes: RouteState | null;
  hover: (teamId: number | null) => void;
  choose: (teamId: number) => void;
  toggleReassign: () => void;
  assign: (c: Candidate) => void;
  reassign: (c: Candidate) => void;
  step: (s: DispatchStep) => void;
}

/**
 * The dispatch of one incident: for an accepted incident the fastest suitable teams by road,
 * for one with a team its open dispatch; sending, reassigning and stepping it.
 */
export function useDispatchDesk(incident: IncidentDetail): DispatchDesk {
  const { can } = useSession();
  const key = deskKey(incident);
  const [stored, send] = useReducer(deskReducer, key, initialDesk);
  const state = deskFor(stored, key);
  const withTeam = hasTeam(incident.status);
  const showCandidates = wantsCandidates(incident, can('dispatch'), state.reassigning);
  const candidatesQuery = useCandidates(incident.id, CANDIDATE_LIMIT, showCandidates);
  const dispatchQuery = useOpenDispatch(incident.id, withTeam);
  const change = useDispatchChange();

  // A query switched off keeps its last answer: not shown once it no longer applies.
  const candidates = showCandidates ? (candidatesQuery.data ?? null) : null;
  const dispatch = withTeam ? (dispatchQuery.data ?? null) : null;
  const list = candidates?.candidates ?? NO_CANDIDATES;
  const activeTeamId = activeTeam(state, list);
  const { lon, lat } = incident;
  const routes = useMemo(
    () => candidateRoutes({ lon, lat }, list, activeTeamId),
    [lon, lat, list, activeTeamId],
  );

  const run = (c: DispatchChange) => {
    send({ key, type: 'sending' });
    change.mutate(c, {
      onSuccess: () => send({ key, type: 'done' }),
      onError: (error) => send({ key, type: 'failed', error }),
    });
  };

  return {
    state,
    showCandidates,
    candidates,
    candidatesError: showCandidates ? candidatesQuery.error : null,
    dispatch,
    error: state.error ?? (withTeam ? dispatchQuery.error : null),
    busy: change.isPending,
    activeTeamId,
    routes,
    hover: (teamId) => send({ key, type: 'hover', teamId }),
    choose: (teamId) => send({ key, type: 'choose', teamId }),
    toggleReassign: () => send({ key, type: 'toggleReassign' }),
    assign: (c) => run({ kind: 'assign', incidentId: incident.id, teamId: c.teamId }),
    reassign: (c) => {
      if (dispatch)
        run({ kind: 'reassign', incidentId: incident.id, dispatchId: dispatch.id, teamId: c.teamId });
    },
    step: (s) => {
      if (dispatch) run({ kind: 'step', incidentId: incident.id, dispatchId: dispatch.id, step: s });
    },
  };
}
