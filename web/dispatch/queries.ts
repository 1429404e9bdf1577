import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  applyPlan,
  getArea,
  getAreas,
  getCandidates,
  planDispatches,
  type AreaCollection,
  type LiveKind,
} from '../api/client.ts';
import { invalidateKinds, queryKey } from '../api/query.ts';

/**
 * The batch plan's data: the areas to plan, the candidates of a line's incident, and the plan
 * itself. Generating a plan changes nothing on the server and its answer is what the dispatcher
 * then edits, so it is asked for as a mutation (a live event must not replace it under the
 * edits); applying it changes incidents, dispatches and teams.
 */

/** Code of the whole city: no outline is drawn for it. */
export const CITY_CODE = '441900';

/** How many teams a line offers to choose from. */
const SWAP_CANDIDATES = 10;

/** Applying a plan sends teams: it changes dispatches, incidents and teams. */
const APPLY_CHANGES: readonly LiveKind[] = ['dispatch', 'incident', 'team'];

/** An area as the area select lists it. */
export interface NamedArea {
  code: string;
  name: string;
}

function named(collection: AreaCollection): NamedArea[] {
  return collection.features
    .map((f) => ({ code: f.properties.code, name: f.properties.name }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

const NO_AREAS: NamedArea[] = [];

/** The areas directly under the home area (none while loading or when this fails: home alone is a choice). */
export function useChildAreas(home: string): NamedArea[] {
  const query = useQuery({
    queryKey: queryKey('areas', 'names', 'children', home),
    queryFn: ({ signal }) => getAreas({ parent: home, geometry: false }, signal),
    select: named,
  });
  return query.data ?? NO_AREAS;
}

/** The home area's outline for the map; none for the whole city (cosmetic: no retries). */
export function useHomeArea(home: string) {
  return useQuery({
    queryKey: queryKey('areas', 'detail', home),
    queryFn: ({ signal }) => getArea(home, signal),
    enabled: home !== CITY_CODE,
    retry: false,
  });
}

/** The teams a line's incident could get instead (only while its picker is open). */
export function useSwapCandidates(incidentId: number, enabled: boolean) {
  return useQuery({
    queryKey: queryKey('incidents', 'candidates', incidentId, SWAP_CANDIDATES),
    queryFn: ({ signal }) => getCandidates(incidentId, SWAP_CANDIDATES, signal),
    enabled,
  });
}

/** Plans teams for the accepted incidents of an area (changes nothing). */
export function useGeneratePlan() {
  return useMutation({ mutationFn: planDispatches });
}

/** Applies a (possibly edited) plan, all or nothing; a refusal also means something changed meanwhile. */
export function useApplyPlan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: applyPlan,
    onSettled: () => invalidateKinds(client, APPLY_CHANGES),
  });
}
