import type { Team, TeamQuery } from '../api/client.ts';

/**
 * The team list's filters, paging and picked team as a pure state machine: a filter (or a
 * settled name search) goes back to the first page; the picked team stays picked across pages
 * and is kept up to date with what the list shows of it.
 */

/** Rows per page of the team list. */
export const TEAMS_PAGE_SIZE = 50;

export interface TeamsState {
  status: string;
  kind: string;
  /** The name search as typed. */
  search: string;
  /** The name search the list is asked with (the typed one after a pause). */
  q: string;
  offset: number;
  /** The team picked in the list or on the map (its isochrones are shown). */
  selected: Team | null;
}

export type TeamsAction =
  | { type: 'status'; status: string }
  | { type: 'kind'; kind: string }
  | { type: 'search'; search: string }
  /** The typing paused: the search as typed is asked for. */
  | { type: 'settle' }
  | { type: 'page'; offset: number }
  | { type: 'select'; team: Team | null };

export const INITIAL_TEAMS: TeamsState = {
  status: '',
  kind: '',
  search: '',
  q: '',
  offset: 0,
  selected: null,
};

export function teamsReducer(state: TeamsState, action: TeamsAction): TeamsState {
  switch (action.type) {
    case 'status':
      return { ...state, status: action.status, offset: 0 };
    case 'kind':
      return { ...state, kind: action.kind, offset: 0 };
    case 'search':
      return { ...state, search: action.search };
    case 'settle': {
      const q = state.search.trim();
      return q === state.q ? state : { ...state, q, offset: 0 };
    }
    case 'page':
      return { ...state, offset: action.offset };
    case 'select':
      return { ...state, selected: action.team };
  }
}

/** What the list asks the API for. */
export function teamQuery(state: TeamsState, pageSize = TEAMS_PAGE_SIZE): TeamQuery {
  return {
    status: state.status || undefined,
    kind: state.kind || undefined,
    q: state.q || undefined,
    limit: pageSize,
    offset: state.offset,
  };
}

/**
 * The picked team as the list shows it now (live changes, duty), or as it was picked when it is
 * not on this page.
 */
export function currentTeam(selected: Team | null, shown: readonly Team[] | undefined): Team | null {
  if (!selected) return null;
  return shown?.find((t) => t.id === selected.id) ?? selected;
}

/** A team list with one team's record replaced. */
export function withTeam<L extends { teams: Team[] }>(list: L, team: Team): L {
  return { ...list, teams: list.teams.map((t) => (t.id === team.id ? team : t)) };
}
