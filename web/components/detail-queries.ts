import { skipToken, useQuery } from '@tanstack/react-query';
import {
  getArea,
  getFeature,
  getFeatureContext,
  type AreaDetail,
  type Feature,
  type FeatureContext,
  type LayerId,
} from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { pointOf, type DetailTarget } from './detail-format.ts';

/** An area's detail (also the map page's home area: one cache entry per code). */
export function areaDetailKey(code: string) {
  return queryKey('areas', 'detail', code);
}

/** A feature's full record: under its layer, which live events of its kind refresh. */
export function featureKey(layer: LayerId, id: number) {
  return queryKey('layers', layer, 'feature', id);
}

/** A feature's area path and linked incidents. */
export function featureContextKey(layer: LayerId, id: number) {
  return queryKey('layers', layer, 'context', id);
}

/** What the detail panel shows of its target once loaded (null: not yet). */
export interface Detail {
  properties: Record<string, unknown> | null;
  position: [number, number] | null;
  /** Town › village › grid (the city left out). */
  path: { code: string; name: string; level: string }[] | null;
  /** Incidents linked to a feature (none for areas). */
  incidents: FeatureContext['incidents'] | null;
  /** The first failure, if any. */
  error: Error | null;
}

function areaDetail(area: AreaDetail): Omit<Detail, 'error'> {
  const { path, bbox: _bbox, ...properties } = area.properties;
  return {
    properties,
    position: area.properties.labelPoint,
    path: path.filter((p) => p.level !== 'city'),
    incidents: null,
  };
}

function featureDetail(feature: Feature) {
  return { properties: feature.properties, position: pointOf(feature.geometry) };
}

/** The full record, the area path and the linked incidents of a target. */
export function useDetail(target: DetailTarget): Detail {
  const area = target.kind === 'area' ? target.code : null;
  const feature = target.kind === 'feature' ? target : null;
  const areaQuery = useQuery({
    queryKey: areaDetailKey(area ?? ''),
    queryFn: area === null ? skipToken : ({ signal }) => getArea(area, signal),
    select: areaDetail,
  });
  const featureQuery = useQuery({
    queryKey: featureKey(feature?.layer ?? 'sites', feature?.id ?? 0),
    queryFn: feature === null ? skipToken : ({ signal }) => getFeature(feature.layer, feature.id, signal),
    select: featureDetail,
  });
  const contextQuery = useQuery({
    queryKey: featureContextKey(feature?.layer ?? 'sites', feature?.id ?? 0),
    queryFn:
      feature === null ? skipToken : ({ signal }) => getFeatureContext(feature.layer, feature.id, signal),
  });

  if (area !== null) {
    const loaded = areaQuery.data;
    return {
      properties: loaded?.properties ?? null,
      position: loaded?.position ?? null,
      path: loaded?.path ?? null,
      incidents: null,
      error: areaQuery.error,
    };
  }
  return {
    properties: featureQuery.data?.properties ?? null,
    position: featureQuery.data?.position ?? null,
    path: contextQuery.data?.path ?? null,
    incidents: contextQuery.data?.incidents ?? null,
    error: featureQuery.error ?? contextQuery.error,
  };
}
