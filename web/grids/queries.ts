import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ApiError,
  createGrid,
  deleteGrid,
  getAreas,
  getGridHistory,
  getGrids,
  getReassignments,
  getWorkerCandidates,
  importGrids,
  mergeGrids,
  reassignIncidents,
  splitGrid,
  updateGrid,
  validateGrid,
  type AreaCollection,
  type GridWriteResult,
  type ImportReport,
  type PolygonInput,
} from '../api/client.ts';
import { queryKey } from '../api/query.ts';

/**
 * The grid editor's data: the towns and villages to pick from, the grids of one (as of a date),
 * the live check of an outline, a grid's history and workers, the incidents to reassign, and
 * every change of grids. Changes invalidate the `grids` root (the listing, checks, histories)
 * and `areas` (maps elsewhere draw grids); a live `area` event does the same (LIVE_KEYS).
 */

/** An area as the pickers list it. */
export interface Named {
  code: string;
  name: string;
}

const named = (c: AreaCollection): Named[] =>
  c.features.map((f) => ({ code: f.properties.code, name: f.properties.name }));

/** The towns (when `enabled`: only a city-wide user picks one). */
export function useTowns(enabled: boolean) {
  return useQuery({
    queryKey: queryKey('areas', 'names', 'town'),
    queryFn: ({ signal }) => getAreas({ level: 'town', geometry: false }, signal),
    select: named,
    enabled,
  });
}

/** The villages of a town (when `enabled`). */
export function useVillages(town: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKey('areas', 'names', 'village', town),
    queryFn: ({ signal }) => getAreas({ level: 'village', parent: town, geometry: false }, signal),
    select: named,
    enabled: enabled && town !== '',
  });
}

/** The grids of a village or town, with its outline and gaps; as of `at` (ISO 8601) when given. */
export function useGridListing(parent: string, at: string | undefined) {
  return useQuery({
    queryKey: queryKey('grids', 'listing', parent, at ?? 'now'),
    queryFn: ({ signal }) => getGrids(parent, at, signal),
    enabled: parent !== '',
    // the previous map stays drawn while the next one loads (a refresh after a save)
    placeholderData: keepPreviousData,
  });
}

/**
 * The server's check of an outline (null: nothing to check) — the same code path as a save.
 * Re-run when the grids change, since the verdict depends on the neighbours.
 */
export function useGridCheck(input: { parentCode: string; geometry: PolygonInput; code?: string } | null) {
  return useQuery({
    queryKey: queryKey('grids', 'check', input),
    queryFn: ({ signal }) => validateGrid(input!, signal),
    enabled: input !== null,
    // a verdict holds until the grids change (which invalidates it)
    staleTime: Infinity,
    retry: false,
  });
}

/** Every version of a grid (when `enabled`: the user asked for it). */
export function useGridHistory(code: string | null, enabled: boolean) {
  return useQuery({
    queryKey: queryKey('grids', 'history', code),
    queryFn: ({ signal }) => getGridHistory(code!, signal),
    enabled: enabled && code !== null,
  });
}

/** The grid workers who may be assigned in a village's town (when `enabled`). */
export function useWorkerCandidates(village: string | null, enabled: boolean) {
  return useQuery({
    queryKey: queryKey('grids', 'workers', village),
    queryFn: ({ signal }) => getWorkerCandidates(village!, signal),
    enabled: enabled && village !== null,
  });
}

/** Open incidents whose point now lies in another grid (when `enabled`: the user asked). */
export function useReassignments(parent: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKey('incidents', 'grid-reassignments', parent),
    queryFn: ({ signal }) => getReassignments(parent, signal),
    enabled: enabled && parent !== '',
  });
}

/** After a change of grids: everything drawn from them is stale. */
function useGridsChanged() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['grids'] }),
      client.invalidateQueries({ queryKey: ['areas'] }),
      client.invalidateQueries({ queryKey: ['incidents'] }),
    ]);
}

/** One change of grids, as the editor asks for it. */
export type GridChange =
  | {
      kind: 'create';
      parentCode: string;
      name: string;
      geometry: PolygonInput;
      households: number | null;
    }
  | {
      kind: 'update';
      code: string;
      version: number;
      geometry?: PolygonInput;
      name?: string;
      households?: number | null;
      workerIds?: number[];
    }
  | { kind: 'delete'; code: string; version: number }
  | { kind: 'split'; code: string; version: number; line: { type: 'LineString'; coordinates: number[][] } }
  | { kind: 'merge'; grids: Array<{ code: string; version: number }> };

function send(change: GridChange): Promise<GridWriteResult> {
  switch (change.kind) {
    case 'create': {
      const { kind: _, ...body } = change;
      return createGrid(body);
    }
    case 'update': {
      const { kind: _, code, ...body } = change;
      return updateGrid(code, body);
    }
    case 'delete':
      return deleteGrid(change.code, change.version);
    case 'split':
      return splitGrid(change.code, change.version, change.line);
    case 'merge':
      return mergeGrids(change.grids);
  }
}

/** Creates, reshapes, renames, deletes, splits or merges grids. */
export function useGridChange() {
  const changed = useGridsChanged();
  return useMutation({
    mutationFn: send,
    onSuccess: changed,
    // a stale version: someone else changed the grids meanwhile; show them as they are now
    onError: (e) => (e instanceof ApiError && e.status === 409 ? changed() : undefined),
  });
}

/**
 * Imports a village's grids from a FeatureCollection, or only reports on it (`dryRun`). A
 * refused import answers with its report, which is returned like an accepted one.
 */
export function useGridImport() {
  const changed = useGridsChanged();
  return useMutation({
    mutationFn: async (input: {
      village: string;
      collection: unknown;
      dryRun: boolean;
    }): Promise<ImportReport> => {
      try {
        return await importGrids(input.village, input.collection, input.dryRun);
      } catch (e) {
        if (e instanceof ApiError && e.status === 422 && e.body && 'errors' in e.body)
          return e.body as unknown as ImportReport;
        throw e;
      }
    },
    onSuccess: (report, input) => (input.dryRun || !report.ok ? undefined : changed()),
  });
}

/** Moves open incidents to the grid their point now lies in. */
export function useReassign() {
  const changed = useGridsChanged();
  return useMutation({ mutationFn: (ids: number[]) => reassignIncidents(ids), onSuccess: changed });
}
