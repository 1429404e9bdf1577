/**
 * The only module of the web client that calls fetch(). Response types come from the API's own
 * schemas (api/schemas), which are the contract; nothing here validates at run time beyond the
 * HTTP status. All coordinates are EPSG:4326 longitude/latitude.
 */
import type { AreaCollection, AreaDetail, AreaLevel, PointLookup } from '../../api/schemas/areas.ts';
import type { ErrorBody } from '../../api/schemas/common.ts';
import type { Health } from '../../api/schemas/health.ts';
import type { FeatureCollection, LayerId, LayerList } from '../../api/schemas/layers.ts';

export type {
  AreaCollection,
  AreaDetail,
  AreaLevel,
  PointLookup,
  Health,
  FeatureCollection,
  LayerId,
  LayerList,
};
export type { AreaFeature, AreaProperties } from '../../api/schemas/areas.ts';
export type { Feature } from '../../api/schemas/layers.ts';

/**
 * The feature layers, in panel and fetch order. The same set as the API's LAYER_IDS, written out
 * here rather than imported so that the schema library (typebox) stays out of the browser
 * bundle; FeatureLayerIdsComplete fails to compile if the two ever differ.
 */
export const FEATURE_LAYER_IDS = [
  'sites',
  'components',
  'risk_sources',
  'cameras',
  'teams',
  'incidents',
] as const satisfies readonly LayerId[];

type Assert<T extends true> = T;
/** Compile-time check that FEATURE_LAYER_IDS lists every LayerId of the API contract. */
export type FeatureLayerIdsComplete = Assert<
  [Exclude<LayerId, (typeof FEATURE_LAYER_IDS)[number]>] extends [never] ? true : false
>;

/** An error answer of the API (non-2xx); `message` is the body's message when there was one. */
export class ApiError extends Error {
  /** HTTP status code. */
  readonly status: number;
  /** The parsed error body, when the server sent one. */
  readonly body: ErrorBody | null;

  constructor(status: number, message: string, body: ErrorBody | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** A bounding box [minLon, minLat, maxLon, maxLat] in degrees, EPSG:4326. */
export type BBox = readonly [number, number, number, number];

type Query = Record<string, string | number | boolean | undefined>;

/**
 * Absolute URL of an API path on this page's origin. Absolute, because MapLibre workers and
 * some callers resolve relative URLs against their own location rather than the page.
 */
export function apiUrl(path: string, query: Query = {}): string {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url.href;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ErrorBody).message === 'string';
}

async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const response = await fetch(apiUrl(path, query), { signal, headers: { accept: 'application/json' } });
  if (!response.ok) {
    let body: ErrorBody | null = null;
    try {
      const parsed: unknown = await response.json();
      if (isErrorBody(parsed)) body = parsed;
    } catch {
      // not JSON (e.g. a proxy error page): fall back to the status line
    }
    const message = body?.message ?? `${response.status} ${response.statusText} (${path})`;
    throw new ApiError(response.status, message, body);
  }
  return (await response.json()) as T;
}

/** GET /api/health: database backend and versions. */
export function getHealth(signal?: AbortSignal): Promise<Health> {
  return getJson<Health>('/api/health', {}, signal);
}

/** Options of getAreas(). */
export interface AreaQuery {
  level?: AreaLevel;
  /** Parent area code (9-digit town, 12-digit village). */
  parent?: string;
  /** Include outlines (default true on the server). */
  geometry?: boolean;
  /** Simplification tolerance in degrees (0–0.01). */
  simplify?: number;
}

/** GET /api/areas: areas as a GeoJSON FeatureCollection (EPSG:4326). */
export function getAreas(query: AreaQuery, signal?: AbortSignal): Promise<AreaCollection> {
  return getJson<AreaCollection>('/api/areas', { ...query }, signal);
}

/** GET /api/areas/{code}: one area with its path from the city down and its bbox. */
export function getArea(code: string, signal?: AbortSignal): Promise<AreaDetail> {
  return getJson<AreaDetail>(`/api/areas/${encodeURIComponent(code)}`, {}, signal);
}

/** GET /api/areas/at: the areas containing a point (lon/lat degrees). */
export function getAreasAt(lon: number, lat: number, signal?: AbortSignal): Promise<PointLookup> {
  return getJson<PointLookup>('/api/areas/at', { lon, lat }, signal);
}

/** GET /api/layers: the feature layers with their names and total counts. */
export function getLayers(signal?: AbortSignal): Promise<LayerList> {
  return getJson<LayerList>('/api/layers', {}, signal);
}

/** Options of getLayerFeatures(). */
export interface FeatureQuery {
  /** Only features intersecting this box (degrees, EPSG:4326). */
  bbox?: BBox;
  /** At most this many features (server default 2000, max 20000). */
  limit?: number;
  kind?: string;
  /** Risk level 1–4 (risk_sources). */
  level?: number;
  status?: string;
  /** 9-digit town code. */
  town?: string;
}

/** GET /api/layers/{layer}/features: features of one layer; `truncated` when `limit` cut the answer. */
export function getLayerFeatures(
  layer: LayerId,
  query: FeatureQuery = {},
  signal?: AbortSignal,
): Promise<FeatureCollection> {
  const { bbox, ...rest } = query;
  // Six decimals ≈ 0.1 m: enough, and keeps URLs (and caches) stable while panning.
  const bboxParam = bbox?.map((v) => v.toFixed(6)).join(',');
  return getJson<FeatureCollection>(
    `/api/layers/${encodeURIComponent(layer)}/features`,
    { ...rest, bbox: bboxParam },
    signal,
  );
}

/**
 * Absolute URL of one offline basemap layer (GeoJSON) served by the API.
 * Not fetched here: MapLibre loads it as a style source.
 */
export function basemapUrl(name: string): string {
  return apiUrl(`/api/basemap/${encodeURIComponent(name)}`);
}
