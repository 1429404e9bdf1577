import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  getCoverage,
  getTeamIsochrones,
  getTeams,
  setTeamDuty,
  type TeamList,
  type TeamQuery,
} from '../api/client.ts';
import { invalidateKinds, queryKey } from '../api/query.ts';
import { withTeam } from './teams-state.ts';

/** The minutes of a team's isochrones. */
export const ISOCHRONE_MINUTES = [5, 10, 15] as const;
/** The minutes of the uncovered area (响应盲区). */
export const COVERAGE_MINUTES = 10;

const teamKeys = {
  list: (query: TeamQuery) => queryKey('teams', 'list', query),
  // under teams: a team that moved or changed duty reaches elsewhere
  isochrones: (id: number) => queryKey('teams', 'isochrones', id, ISOCHRONE_MINUTES),
  coverage: (capability: string) => queryKey('coverage', COVERAGE_MINUTES, capability),
};

/** A page of the teams of the user's area; the previous page stays shown while the next loads. */
export function useTeams(query: TeamQuery) {
  return useQuery({
    queryKey: teamKeys.list(query),
    queryFn: ({ signal }) => getTeams(query, signal),
    placeholderData: keepPreviousData,
  });
}

/** Where a team can be within 5, 10 and 15 minutes by road (none without a picked team). */
export function useIsochrones(id: number | null) {
  return useQuery({
    queryKey: teamKeys.isochrones(id ?? 0),
    queryFn: ({ signal }) => getTeamIsochrones(id ?? 0, ISOCHRONE_MINUTES, signal),
    enabled: id !== null,
  });
}

/** The part of the city no available team (of a capability, '' for any) reaches in 10 minutes. */
export function useCoverage(enabled: boolean, capability: string) {
  return useQuery({
    queryKey: teamKeys.coverage(capability),
    queryFn: ({ signal }) =>
      getCoverage({ minutes: COVERAGE_MINUTES, ...(capability ? { capability } : {}) }, signal),
    enabled,
  });
}

/**
 * Puts a team on or off duty. The answer replaces the team in every list page at once; then
 * everything about teams (the list, coverage, the map's tiles) is refreshed.
 */
export function useSetDuty() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, onDuty }: { id: number; onDuty: boolean }) => setTeamDuty(id, onDuty),
    onSuccess: (team) => {
      client.setQueriesData<TeamList>({ queryKey: queryKey('teams', 'list') }, (list) =>
        list ? withTeam(list, team) : list,
      );
    },
    onSettled: () => invalidateKinds(client, ['team']),
  });
}
