import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import {
  getArea,
  getAreaStats,
  getAround,
  getExposedSites,
  getLayerFeatures,
  type AreaDetail,
  type AreaStat,
  type FeatureQuery,
  type LayerId,
} from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { areaDetailKey } from '../components/detail-queries.ts';
import type { Analysis } from '../map/layers/index.ts';
import type { AnalysisRequest } from './analysis-state.ts';

/** Code of the whole city (Dongguan): users homed there get the city overview. */
export const CITY_CODE = '441900';

/** The home area's detail (its outline is drawn emphasised); none for the whole city. */
export function useHomeArea(code: string) {
  return useQuery<AreaDetail>({
    queryKey: areaDetailKey(code),
    queryFn: ({ signal }) => getArea(code, signal),
    enabled: code !== CITY_CODE,
    // cosmetic only: without it the map still works
    retry: false,
  });
}

/** The choropleth's figures per town or village, by code. */
export function useAreaStats(level: 'town' | 'village', enabled: boolean) {
  return useQuery<Map<string, AreaStat>>({
    queryKey: queryKey('stats', 'areas', level),
    queryFn: async ({ signal }) => new Map((await getAreaStats(level, signal)).map((r) => [r.code, r])),
    enabled,
  });
}

/** How far back each density window reaches, in hours (null: all time). */
export const WINDOW_HOURS = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30, all: null } as const;
export type DensityWindowOn = keyof typeof WINDOW_HOURS;

/** The incident points of a density window (at most 20,000). */
export function useDensityPoints(window: DensityWindowOn | null) {
  return useQuery<readonly [number, number][]>({
    queryKey: queryKey('incidents', 'density', window),
    queryFn: async ({ signal }) => {
      const hours = window ? WINDOW_HOURS[window] : null;
      const from = hours === null ? undefined : new Date(Date.now() - hours * 3_600_000).toISOString();
      const collection = await getLayerFeatures('incidents', { from, limit: 20000 }, signal);
      const points: [number, number][] = [];
      for (const f of collection.features) {
        const c = f.geometry.type === 'Point' ? (f.geometry.coordinates as unknown[]) : null;
        if (c && typeof c[0] === 'number' && typeof c[1] === 'number') points.push([c[0], c[1]]);
      }
      return points;
    },
    enabled: window !== null,
  });
}

/** The answer of "what is around a point" or of a risk source's impact zone. */
export function useAnalysisResult(request: AnalysisRequest | null) {
  return useQuery<NonNullable<Analysis['result']>>({
    queryKey:
      request?.kind === 'around'
        ? queryKey('around', request.center[0], request.center[1], request.radius)
        : queryKey('risk-sources', 'exposed', request?.sourceId ?? null),
    queryFn:
      request === null
        ? skipToken
        : request.kind === 'around'
          ? ({ signal }) => getAround(request.center[0], request.center[1], request.radius, signal)
          : ({ signal }) => getExposedSites(request.sourceId, signal),
  });
}

/**
 * The features of a layer in the map's view, for the list of what the map shows; the previous
 * view's stay listed while the map moves. Live events of the layer's kind refresh it.
 */
export function useFeaturesInView(layer: LayerId, request: FeatureQuery | null) {
  return useQuery({
    queryKey: queryKey('layers', layer, 'in-view', request),
    queryFn: request === null ? skipToken : ({ signal }) => getLayerFeatures(layer, request, signal),
    placeholderData: keepPreviousData,
  });
}
