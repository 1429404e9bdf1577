import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  cancelImport,
  getImport,
  listImports,
  runImport,
  undoImport,
  uploadImport,
  type ImportJob,
  type ImportLayer,
  type ImportRunBody,
  type ImportUploadQuery,
  type LiveKind,
} from '../api/client.ts';
import { invalidateRoots, LIVE_KEYS, queryKey, type QueryRoot } from '../api/query.ts';
import { isFinished } from './import-format.ts';

/**
 * The import page's data: the recent imports, one import followed while it runs; and what the
 * page changes (upload, run, cancel, undo). Every newer state of an import replaces it both
 * where it is shown and in the list; an import that writes or takes back features refreshes
 * every query about the layer's data.
 */

/** How often a running import is asked for its progress. */
export const POLL_MS = 500;

export const importKeys = {
  list: () => queryKey('imports', 'list'),
  job: (id: number | null) => queryKey('imports', 'job', id),
};

/** The live kind of each layer's data, where it has one (its queries are named in LIVE_KEYS). */
const LAYER_KINDS: Partial<Record<ImportLayer, LiveKind>> = {
  risk_sources: 'risk_source',
  teams: 'team',
  areas: 'area',
};

/** Every layer's features are drawn, searched and listed around a point. */
const FEATURE_ROOTS: readonly QueryRoot[] = ['layers', 'search', 'around'];

/** The queries that features written into (or taken out of) a layer make stale. */
export function layerChangeRoots(layer: ImportLayer): QueryRoot[] {
  const kind = LAYER_KINDS[layer];
  return [...new Set([...FEATURE_ROOTS, ...(kind ? LIVE_KEYS[kind] : [])])];
}

/**
 * A newer state of an import (`before` is the one known until now): the list shows it; when
 * the import has just ended, the list is asked again, and when it has just been applied, so is
 * everything about the layer.
 */
function noteJob(client: QueryClient, before: ImportJob | undefined, next: ImportJob): void {
  client.setQueryData<ImportJob[]>(importKeys.list(), (list) =>
    list?.map((j) => (j.id === next.id ? next : j)),
  );
  if (before?.status === next.status || !isFinished(next.status)) return;
  void client.invalidateQueries({ queryKey: importKeys.list() });
  if (before?.status === 'running' && next.status === 'applied') {
    void invalidateRoots(client, layerChangeRoots(next.layer));
  }
}

/**
 * An answer of a change to an import: shown at once, and in the list. A question about its
 * progress still under way was asked before the change: its answer is older, and dropped.
 */
function recordJob(client: QueryClient, next: ImportJob): void {
  const key = importKeys.job(next.id);
  const before = client.getQueryData<ImportJob>(key);
  void client.cancelQueries({ queryKey: key });
  client.setQueryData(key, next);
  noteJob(client, before, next);
}

/** The recent imports, newest first. */
export function useImports() {
  return useQuery({ queryKey: importKeys.list(), queryFn: ({ signal }) => listImports(signal) });
}

/**
 * One import (none while `id` is null), asked again every POLL_MS while it runs. Picked in the
 * list, it shows the list's row at once while its latest state is asked for.
 */
export function useImportJob(id: number | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: importKeys.job(id),
    queryFn: async ({ signal }) => {
      const next = await getImport(id!, signal);
      noteJob(client, client.getQueryData<ImportJob>(importKeys.job(id)), next);
      return next;
    },
    enabled: id !== null,
    initialData: () => client.getQueryData<ImportJob[]>(importKeys.list())?.find((j) => j.id === id),
    // shown again, it is asked again: the list's row, or what was last seen, may be older
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? POLL_MS : false),
  });
}

/** What an upload takes: the file with its layer and format, how to stop it, what to tell of it. */
export interface UploadVars {
  query: ImportUploadQuery;
  file: File;
  signal: AbortSignal;
  /** Bytes sent of the file, as they go. */
  onProgress: (sent: number, total: number) => void;
}

/** Sends a file to be read for the preview; the new import is known at once and listed. */
export function useUploadImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ query, file, signal, onProgress }: UploadVars) =>
      uploadImport(query, file, { signal, onProgress }),
    onSuccess: (job) => {
      client.setQueryData(importKeys.job(job.id), job);
      void client.invalidateQueries({ queryKey: importKeys.list() });
    },
  });
}

/** Starts an uploaded import with the chosen mapping; it is then followed until it ends. */
export function useRunImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: ImportRunBody }) => runImport(id, body),
    onSuccess: (job) => recordJob(client, job),
  });
}

/** Stops a running import; when it ended meanwhile (refused), it is asked how. */
export function useCancelImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => cancelImport(id),
    onSuccess: (job) => recordJob(client, job),
    onError: (_error, id) => void client.invalidateQueries({ queryKey: importKeys.job(id) }),
  });
}

/** Takes an applied import back: its features leave the layer. */
export function useUndoImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => undoImport(id),
    onSuccess: (job) => {
      recordJob(client, job);
      void invalidateRoots(client, layerChangeRoots(job.layer));
    },
  });
}
