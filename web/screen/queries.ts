import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { getAreas, getLayerFeatures, getPlayback, getScreenSummary } from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { preparePlayback, type PreparedPlayback } from './playback-data.ts';
import type { Span } from './playback-clock.ts';
import { OPEN_STATUSES, screenDataFrom, screenTowns } from './screen-data.ts';

/** Most features of one kind the screen draws. */
const FEATURE_LIMIT = 20000;

/** Simplification of the town outlines, in degrees: coarse, they are seen from afar. */
const TOWN_SIMPLIFY = 0.0005;

/** The figures' query key (the test hook counts its loads). */
export const SUMMARY_KEY = queryKey('screen', 'summary');

/**
 * The figures (KPIs, charts, overdue list). Under the `screen` root, so live events refresh them
 * through LIVE_KEYS, at most every 2 s; a snapshot notice or a reconnection refreshes them too.
 */
export function useScreenSummary() {
  return useQuery({
    queryKey: SUMMARY_KEY,
    queryFn: ({ signal }) => getScreenSummary(signal),
  });
}

/** The town outlines with their boxes; area changes (live events) refresh them. */
export function useScreenTowns() {
  return useQuery({
    queryKey: queryKey('areas', 'outlines', 'town', TOWN_SIMPLIFY),
    queryFn: ({ signal }) => getAreas({ level: 'town', geometry: true, simplify: TOWN_SIMPLIFY }, signal),
    select: screenTowns,
  });
}

/**
 * The open incidents, the teams and the risk sources of my area, and when their loading began
 * (for the events that come meanwhile: see screenStoreReducer). Live events are applied to this
 * data as they come, so they must not reload it all (every few seconds on a busy day, restarting
 * a load that takes seconds): the query is disabled, which keeps it out of the invalidation, and
 * is loaded with refetch() when the screen opens and on a snapshot notice. Dropped when the
 * screen closes: events are not followed meanwhile.
 */
export function useScreenMapData() {
  return useQuery({
    queryKey: queryKey('screen', 'map'),
    queryFn: async ({ signal }) => {
      const startedAt = performance.now();
      const [incidentSets, teams, risks] = await Promise.all([
        Promise.all(
          OPEN_STATUSES.map((status) =>
            getLayerFeatures('incidents', { status, limit: FEATURE_LIMIT }, signal),
          ),
        ),
        getLayerFeatures('teams', { limit: FEATURE_LIMIT }, signal),
        getLayerFeatures('risk_sources', { limit: FEATURE_LIMIT }, signal),
      ]);
      return { data: screenDataFrom(incidentSets, teams, risks), startedAt };
    },
    enabled: false,
    gcTime: 0,
  });
}

/**
 * A window to replay (`request`; its `n` tells two loads of the same window apart). A playback
 * shows the past: live events must not reload it (nor restart its loading), so the query is
 * disabled and loaded with refetch() when a window is asked for. While another window loads,
 * the previous one stays.
 */
export function usePlaybackWindow(request: (Span & { n: number }) | null) {
  const query = useQuery({
    queryKey: queryKey('screen', 'playback', request?.from, request?.to, request?.n),
    queryFn: ({ signal }): Promise<PreparedPlayback> =>
      getPlayback(
        new Date(request?.from ?? 0).toISOString(),
        new Date(request?.to ?? 0).toISOString(),
        signal,
      ).then(preparePlayback),
    enabled: false,
    placeholderData: keepPreviousData,
    gcTime: 0,
  });
  const { refetch } = query;
  useEffect(() => {
    if (request) void refetch();
  }, [request, refetch]);
  return query;
}
