import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import {
  createDispatch,
  createIncident,
  getArea,
  getAreas,
  getCandidates,
  getDispatches,
  getIncident,
  getQueue,
  getUnits,
  rateReport,
  trackReport,
  type CitizenRating,
  reassignDispatch,
  stepDispatch,
  submitCitizenReport,
  transitionIncident,
  addIncidentTask,
  answerSupervision,
  superviseIncident,
  stepIncidentTask,
  type TaskStep,
  type AreaCollection,
  type Candidate,
  type CitizenReportBody,
  type Dispatch,
  type DispatchStep,
  type IncidentAction,
  type IntakeBody,
  type LiveKind,
  type QueueFilter,
} from '../api/client.ts';
import { invalidateKinds, queryKey } from '../api/query.ts';

/**
 * The incident desk's data: the queue, one incident with its timeline, its candidate teams and
 * its open dispatch; and what the desk changes (transitions, desk intake, dispatches). Every
 * change refreshes the queries of the kinds of data it changes, by the same map the live stream
 * uses (LIVE_KEYS), so that what this user did and what others did are shown the same way.
 */

/** The most the queue API returns at once (it takes no offset): the page pages through these. */
export const QUEUE_LIMIT = 1000;

export const incidentKeys = {
  queue: (filter: QueueFilter) => queryKey('incidents', 'queue', filter),
  detail: (id: number) => queryKey('incidents', 'detail', id),
  // under incidents: an incident or dispatch change (a team sent or freed) makes them stale
  candidates: (id: number, limit: number) => queryKey('incidents', 'candidates', id, limit),
  openDispatch: (incidentId: number) => queryKey('dispatches', 'open', { incidentId }),
  townNames: () => queryKey('areas', 'names', 'town'),
  // under incidents: a matter moving between units changes their counts
  units: (area: string | null) => queryKey('incidents', 'units', area),
};

/** A transition changes the incident and may move its dispatch (return, arrive, resolve). */
const TRANSITION_CHANGES: readonly LiveKind[] = ['incident', 'dispatch'];
/** Sending, stepping or reassigning a dispatch moves the incident and the teams. */
const DISPATCH_CHANGES: readonly LiveKind[] = ['dispatch', 'incident', 'team'];

/** The queue of the user's area, soonest deadline first; the previous answer stays while filters change. */
export function useQueue(filter: QueueFilter) {
  return useQuery({
    queryKey: incidentKeys.queue(filter),
    queryFn: ({ signal }) => getQueue(filter, signal),
    placeholderData: keepPreviousData,
  });
}

function townNameMap(collection: AreaCollection): ReadonlyMap<string, string> {
  return new Map(collection.features.map((f) => [f.properties.code, f.properties.name]));
}

const NO_NAMES: ReadonlyMap<string, string> = new Map();

/** The town names by code (for the table; the codes alone while loading or when this fails). */
export function useTownNames(): ReadonlyMap<string, string> {
  const query = useQuery({
    queryKey: incidentKeys.townNames(),
    queryFn: ({ signal }) => getAreas({ level: 'town', geometry: false }, signal),
    select: townNameMap,
  });
  return query.data ?? NO_NAMES;
}

/**
 * The names of the areas an incident lies in, by code, from the city down to `code` (its grid,
 * else its village); empty while loading, or when it fails (the codes show alone then).
 */
export function useAreaPathNames(code: string | null): ReadonlyMap<string, string> {
  const query = useQuery({
    queryKey: queryKey('areas', 'path', code),
    queryFn: ({ signal }) => getArea(code!, signal),
    select: (area) => new Map(area.properties.path.map((p) => [p.code, p.name])),
    enabled: code !== null,
  });
  return query.data ?? NO_NAMES;
}

/** One incident with its timeline, the actions this user may take and possible duplicates. */
export function useIncident(id: number) {
  return useQuery({
    queryKey: incidentKeys.detail(id),
    queryFn: ({ signal }) => getIncident(id, signal),
  });
}

/** The fastest suitable teams by road for an incident (only while `enabled`). */
export function useCandidates(id: number, limit: number, enabled: boolean) {
  return useQuery({
    queryKey: incidentKeys.candidates(id, limit),
    queryFn: ({ signal }) => getCandidates(id, limit, signal),
    enabled,
  });
}

/** The fastest suitable team for an incident now (freshly asked), or null when there is none. */
export async function fetchTopCandidate(client: QueryClient, id: number): Promise<Candidate | null> {
  const list = await client.fetchQuery({
    queryKey: incidentKeys.candidates(id, 1),
    queryFn: ({ signal }) => getCandidates(id, 1, signal),
    staleTime: 0,
  });
  return list.candidates[0] ?? null;
}

/** The open dispatch of an incident, if any (only while `enabled`: the incident has a team). */
export function useOpenDispatch(incidentId: number, enabled: boolean) {
  return useQuery({
    queryKey: incidentKeys.openDispatch(incidentId),
    queryFn: ({ signal }) => getDispatches({ incidentId, open: true, limit: 1 }, signal),
    select: (list: Dispatch[]) => list[0] ?? null,
    enabled,
  });
}

/** What a transition takes. */
export interface TransitionVars {
  id: number;
  action: IncidentAction;
  note?: string;
  hours?: number;
  into?: number;
  /** transfer, assign_unit: the unit taking it over. */
  unitId?: number;
}

/** The units of `area`'s town (to transfer an incident or assign it to one), or of every town the user's area touches (null). */
export function useUnits(area: string | null, enabled: boolean) {
  return useQuery({
    queryKey: incidentKeys.units(area),
    queryFn: ({ signal }) => getUnits(area, signal),
    enabled,
  });
}

/** Takes a lifecycle action on an incident. */
export function useIncidentTransition() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: TransitionVars) => transitionIncident(id, body),
    onSettled: () => invalidateKinds(client, TRANSITION_CHANGES),
  });
}

/** Registers an incident at the desk. */
export function useCreateIncident() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: IntakeBody) => createIncident(body),
    onSuccess: () => invalidateKinds(client, ['incident']),
  });
}

/** A change to an incident's dispatch. */
export type DispatchChange =
  | { kind: 'assign'; incidentId: number; teamId: number }
  | { kind: 'reassign'; incidentId: number; dispatchId: number; teamId: number }
  | { kind: 'step'; incidentId: number; dispatchId: number; step: DispatchStep };

function runDispatchChange(change: DispatchChange): Promise<Dispatch> {
  switch (change.kind) {
    case 'assign':
      return createDispatch({ incidentId: change.incidentId, teamId: change.teamId });
    case 'reassign':
      return reassignDispatch(change.dispatchId, change.teamId);
    case 'step':
      return stepDispatch(change.dispatchId, change.step);
  }
}

/** Whether the dispatch stays open after a change (sent, reassigned or arrived). */
function staysOpen(change: DispatchChange): boolean {
  return change.kind !== 'step' || change.step === 'arrive';
}

/**
 * Sends a team, reassigns, or steps a dispatch (arrive, complete, cancel). The incident's open
 * dispatch is known from the answer at once; a refusal (a team taken meanwhile) also refreshes,
 * so that the current teams are shown.
 */
export function useDispatchChange() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: runDispatchChange,
    onSuccess: (dispatch, change) => {
      client.setQueryData(incidentKeys.openDispatch(change.incidentId), staysOpen(change) ? [dispatch] : []);
    },
    onSettled: () => invalidateKinds(client, DISPATCH_CHANGES),
  });
}

/** Submits a citizen report (public: nothing of the signed-in caches to refresh). */
export function useCitizenReport() {
  return useMutation({ mutationFn: (body: CitizenReportBody) => submitCitizenReport(body) });
}

/** A report by its tracking code (the citizen's tracking page); nothing asked without a code. */
export function useTrackedReport(code: string | null) {
  return useQuery({
    queryKey: queryKey('reports', 'track', code),
    queryFn: ({ signal }) => trackReport(code!, signal),
    enabled: code !== null,
    retry: false,
  });
}

/** The citizen's rating; the tracked report is read again afterwards. */
export function useRateReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; rating: CitizenRating; comment?: string }) => rateReport(body),
    onSettled: (_r, _e, body) =>
      client.invalidateQueries({ queryKey: queryKey('reports', 'track', body.code) }),
  });
}

/** Asks an assisting unit to take a task on an incident (联办). */
export function useAddTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: number; unitId: number; task: string; hours: number }) =>
      addIncidentTask(id, body),
    onSettled: () => invalidateKinds(client, ['incident']),
  });
}

/** Orders supervision (督办) on an incident. */
export function useSupervise() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: number; note: string; hours: number }) => superviseIncident(id, body),
    onSettled: () => invalidateKinds(client, ['incident']),
  });
}

/** Answers a supervision order (反馈). */
export function useAnswerSupervision() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, supervisionId, answer }: { id: number; supervisionId: number; answer: string }) =>
      answerSupervision(id, supervisionId, answer),
    onSettled: () => invalidateKinds(client, ['incident']),
  });
}

/** Takes a step of a joint task. */
export function useStepTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, taskId, ...body }: { id: number; taskId: number; action: TaskStep; note?: string }) =>
      stepIncidentTask(id, taskId, body),
    onSettled: () => invalidateKinds(client, ['incident']),
  });
}
