import { QueryClient, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError, type LiveKind } from './client.ts';
import { useLive } from './use-live.ts';

/**
 * The one way the web app fetches: TanStack Query over `client.ts`. Queries are cached and
 * shared by key, cancelled when nobody needs them any more (each `queryFn` passes the
 * `signal` it is given to the client), and refreshed by live events through LIVE_KEYS.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // a refusal (4xx) will not change by asking again; a lost connection or a 5xx may
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
        // live events say when data changed: no refetch merely because the window got focus
        refetchOnWindowFocus: false,
        staleTime: 30_000,
      },
      mutations: { retry: false },
    },
  });
}

/**
 * Query keys: the first element names what the data is about, so that one live event kind can
 * refresh every query about it (LIVE_KEYS). Feature folders build their keys from these roots.
 */
export const QUERY_ROOTS = {
  areas: 'areas',
  categories: 'categories',
  incidents: 'incidents',
  dispatches: 'dispatches',
  teams: 'teams',
  riskSources: 'risk-sources',
  layers: 'layers',
  stats: 'stats',
  screen: 'screen',
  grids: 'grids',
  users: 'users',
  apiKeys: 'api-keys',
  audit: 'audit',
  imports: 'imports',
  basemap: 'basemap',
  session: 'session',
  search: 'search',
  around: 'around',
  coverage: 'coverage',
  reports: 'reports',
} as const;
export type QueryRoot = (typeof QUERY_ROOTS)[keyof typeof QUERY_ROOTS];

/** A query key under a root: `key('incidents', 'detail', 42)`. */
export function queryKey(root: QueryRoot, ...rest: unknown[]): QueryKey {
  return [root, ...rest];
}

/** The one place that says which queries a live event of each kind makes stale. */
export const LIVE_KEYS: Record<LiveKind, readonly QueryRoot[]> = {
  incident: ['incidents', 'screen', 'stats', 'dispatches', 'around', 'layers'],
  dispatch: ['dispatches', 'incidents', 'teams', 'screen', 'coverage'],
  team: ['teams', 'screen', 'coverage', 'layers'],
  risk_source: ['risk-sources', 'stats', 'screen', 'around', 'layers'],
  area: ['areas', 'grids', 'stats', 'screen'],
};

/** At most one refresh of a root per this many milliseconds (trailing: a burst gives one). */
const LIVE_REFRESH_MS = 2000;

/**
 * Collects the roots that live events made stale and invalidates them together, at most
 * once every `intervalMs` (the first after 300 ms at the soonest, so a burst of events gives
 * one refresh after it).
 */
export class LiveInvalidator {
  private readonly pending = new Set<QueryRoot>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = 0;

  constructor(
    private readonly invalidate: (root: QueryRoot) => void,
    private readonly intervalMs = LIVE_REFRESH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** An event (or a snapshot notice) made these roots stale. */
  mark(roots: readonly QueryRoot[]): void {
    for (const r of roots) this.pending.add(r);
    if (this.timer) return;
    const wait = Math.max(300, this.last + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Invalidates what is pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = this.now();
    const roots = [...this.pending];
    this.pending.clear();
    for (const root of roots) this.invalidate(root);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}

/** Marks stale every query under these roots; resolves when the active ones have refetched. */
export function invalidateRoots(client: QueryClient, roots: Iterable<QueryRoot>): Promise<void> {
  return Promise.all([...new Set(roots)].map((root) => client.invalidateQueries({ queryKey: [root] }))).then(
    () => undefined,
  );
}

/** Marks stale every query about data of these kinds (what a change made here touched). */
export function invalidateKinds(client: QueryClient, kinds: readonly LiveKind[]): Promise<void> {
  return invalidateRoots(
    client,
    kinds.flatMap((k) => LIVE_KEYS[k]),
  );
}

const EVERY_LIVE_ROOT: readonly QueryRoot[] = [...new Set(Object.values(LIVE_KEYS).flat())];

/**
 * While mounted (once, in the signed-in app): follows the live stream and invalidates the
 * queries each event makes stale (LIVE_KEYS), at most every 2 s per burst; a snapshot notice
 * or a reconnection (after which events may have been missed) invalidates every live root.
 */
export function useLiveInvalidation(): void {
  const client = useQueryClient();
  const [invalidator] = useState(
    () => new LiveInvalidator((root) => void client.invalidateQueries({ queryKey: [root] })),
  );
  useEffect(() => () => invalidator.stop(), [invalidator]);
  const status = useLive((m) => {
    if (m.type === 'snapshot') invalidator.mark(EVERY_LIVE_ROOT);
    else if (m.type === 'event') invalidator.mark(LIVE_KEYS[m.kind]);
  });
  const reconnects = useRef(status.reconnects);
  useEffect(() => {
    if (status.reconnects !== reconnects.current) {
      reconnects.current = status.reconnects;
      invalidator.mark(EVERY_LIVE_ROOT);
    }
  }, [status.reconnects, invalidator]);
}

export { useQueryClient };
