import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useMemo, useRef, useState } from 'react';
import { FEATURE_LAYER_IDS, getTile, tileUrl, type LayerId, type TileFilters } from '../api/client.ts';
import { POINT_RAW_ZOOM } from '../../api/lib/tiles.ts';
import { decodeTilePoints, type MvtValue } from './tiles/mvt.ts';

/**
 * Zoom from which each layer's tiles hold the points themselves (the API's raw zooms); below it
 * a tile holds one point per cell with a `count`.
 */
export const RAW_ZOOM: Readonly<Record<LayerId, number>> = POINT_RAW_ZOOM;

/** Tiles are never requested deeper than this (or the raw zoom, if deeper): they hold every point. */
const MAX_TILE_ZOOM = 14;

/** At most this many tiles per layer and view (a very tall window at a high zoom). */
const MAX_TILES = 64;

/** Wait this long (ms) after the map stops moving before loading tiles. */
const MOVE_DEBOUNCE_MS = 150;

/** Tiles are reloaded (revalidated with their ETag) after this long (ms): teams move, incidents arrive. */
const REFRESH_MS = 60_000;

/** Decoded tiles kept in memory. */
const CACHE_SIZE = 400;

/** A point of a tile layer, in EPSG:4326. */
export interface TilePoint {
  layer: LayerId;
  /** Feature id (raw points); null for clusters. */
  id: number | null;
  /** [lon, lat] in degrees. */
  position: [number, number];
  /** Number of features the point stands for (clusters); null for a single feature. */
  count: number | null;
  /** Short properties from the tile (kind, status, level, radius, priority, …). */
  properties: Record<string, MvtValue>;
}

/** What is loaded of one layer. */
export interface TileLayerData {
  points: readonly TilePoint[];
  /** The tile zoom the points come from. */
  tileZoom: number;
  /** The points are clusters (with `count`). */
  clustered: boolean;
  loading: boolean;
  error: string | null;
}

/** What usePointTiles() returns. */
export interface PointTiles {
  data: Partial<Record<LayerId, TileLayerData>>;
  /** Features in the current viewport per layer (Σ count of clusters, or points). */
  inView: Partial<Record<LayerId, number>>;
}

/**
 * Filters of one layer: the API's filters, and `levels` (risk levels, or incident priorities):
 * several levels are loaded as one tile set per level, none selected loads nothing.
 */
export type LayerFilter = Omit<TileFilters, 'level'> & { levels?: readonly number[] };

/** Filters per layer. */
export type LayerFilters = Partial<Record<LayerId, LayerFilter>>;

/** The tile URL templates of a layer under its filters (none when no level is selected). */
function templatesFor(layer: LayerId, filter: LayerFilter = {}): string[] {
  const { levels, ...rest } = filter;
  if (!levels || levels.length >= 4) return [tileUrl(layer, rest)];
  return levels.map((level) => tileUrl(layer, { ...rest, level }));
}

type TileKey = { z: number; x: number; y: number };

function lonToX(lon: number, n: number): number {
  return ((lon + 180) / 360) * n;
}

function latToY(lat: number, n: number): number {
  const r = (Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
}

/** Where the data lie (the API's TileJSON bounds, Dongguan): no tile outside is requested. */
const DATA_BOUNDS = [113.5, 22.6, 114.3, 23.2] as const;

/** The tiles at zoom z covering a box [w, s, e, n] in degrees (within DATA_BOUNDS). */
function tilesFor(z: number, view: readonly number[]): TileKey[] {
  const w = Math.max(view[0] ?? 0, DATA_BOUNDS[0]);
  const s = Math.max(view[1] ?? 0, DATA_BOUNDS[1]);
  const e = Math.min(view[2] ?? 0, DATA_BOUNDS[2]);
  const n = Math.min(view[3] ?? 0, DATA_BOUNDS[3]);
  if (w > e || s > n) return [];
  const size = 2 ** z;
  const clamp = (v: number) => Math.max(0, Math.min(size - 1, Math.floor(v)));
  const x0 = clamp(lonToX(w, size));
  const x1 = clamp(lonToX(e, size));
  const y0 = clamp(latToY(n, size));
  const y1 = clamp(latToY(s, size));
  const out: TileKey[] = [];
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push({ z, x, y });
  // Centre tiles first, so a capped list still covers the middle of the view.
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  out.sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy));
  return out.slice(0, MAX_TILES);
}

/**
 * The tile zoom used for a layer at a map zoom. MapLibre draws 512-px tiles, so a tile of zoom
 * floor(z) spans 512–1024 px; below the raw zoom one level coarser is asked for, so a tile's
 * 16 × 16 cells are 64–128 px apart on screen and the clusters of six layers stay readable. From
 * the raw zoom on the tiles of floor(z) (at most MAX_TILE_ZOOM, or the raw zoom) hold every point.
 */
export function tileZoomFor(layer: LayerId, mapZoom: number): number {
  const z = Math.floor(mapZoom);
  const raw = RAW_ZOOM[layer];
  if (z >= raw) return Math.min(z, Math.max(raw, MAX_TILE_ZOOM));
  return Math.max(0, z - 1);
}

interface CacheEntry {
  promise: Promise<TilePoint[]>;
  at: number;
}

const cache = new Map<string, CacheEntry>();

function tilePointsFromBytes(layer: LayerId, t: TileKey, bytes: Uint8Array): TilePoint[] {
  return decodeTilePoints(bytes, layer, t).map((p) => {
    const c = p.properties.count;
    return {
      layer,
      id: typeof c === 'number' ? null : p.id,
      position: p.position,
      count: typeof c === 'number' ? c : null,
      properties: p.properties,
    };
  });
}

/** The layers whose tiles live events make stale (reloaded when the live version changes). */
const LIVE_LAYERS: ReadonlySet<LayerId> = new Set(['incidents', 'teams']);

function loadTile(layer: LayerId, template: string, t: TileKey, liveVersion = 0): Promise<TilePoint[]> {
  const url = template.replace('{z}', String(t.z)).replace('{x}', String(t.x)).replace('{y}', String(t.y));
  // The API takes no extra query parameters: the live version busts this cache only (the
  // browser revalidates the tile itself with its ETag).
  const key = LIVE_LAYERS.has(layer) ? `${url}#${liveVersion}` : url;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < REFRESH_MS) return hit.promise;
  const promise = getTile(url).then((bytes) => tilePointsFromBytes(layer, t, bytes));
  // Keep the stale copy's answer if the reload fails; otherwise forget the failure.
  promise.catch(() => {
    if (cache.get(key)?.promise === promise) cache.delete(key);
  });
  cache.delete(key);
  cache.set(key, { promise, at: now });
  while (cache.size > CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return promise;
}

/** The map's visible box [w, s, e, n], in degrees. */
function boundsOf(map: MapLibreMap): [number, number, number, number] {
  const b = map.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
}

function countInView(points: readonly TilePoint[], [w, s, e, n]: readonly number[]): number {
  let total = 0;
  for (const p of points) {
    const [lon, lat] = p.position;
    if (lon >= (w ?? 0) && lon <= (e ?? 0) && lat >= (s ?? 0) && lat <= (n ?? 0)) total += p.count ?? 1;
  }
  return total;
}

/**
 * Point features of the switched-on layers from the API's vector tiles, for the tiles covering
 * the viewport at the current zoom: clusters below each layer's raw zoom, points from it on.
 * Reloaded (debounced) when the map stops moving, a switch or a filter changes, and every minute;
 * the incident and team tiles also when `liveVersion` changes (live events).
 * While new tiles load, the previous points stay drawn.
 */
export function usePointTiles(
  map: MapLibreMap | null,
  visible: Readonly<Record<LayerId, boolean>>,
  filters: LayerFilters,
  liveVersion = 0,
): PointTiles {
  const [data, setData] = useState<Partial<Record<LayerId, TileLayerData>>>({});
  const [view, setView] = useState<{ bounds: [number, number, number, number]; zoom: number } | null>(null);
  const [tick, setTick] = useState(0);
  const generation = useRef<Partial<Record<LayerId, number>>>({});
  const loadedKey = useRef<Partial<Record<LayerId, string>>>({});

  useEffect(() => {
    if (!map) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const update = () => setView({ bounds: boundsOf(map), zoom: map.getZoom() });
    const onMoveEnd = () => {
      clearTimeout(timer);
      timer = setTimeout(update, MOVE_DEBOUNCE_MS);
    };
    update();
    map.on('moveend', onMoveEnd);
    const refresh = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => {
      clearTimeout(timer);
      clearInterval(refresh);
      map.off('moveend', onMoveEnd);
    };
  }, [map]);

  const visibleKey = FEATURE_LAYER_IDS.filter((id) => visible[id]).join(',');
  const filtersKey = JSON.stringify(filters);

  useEffect(() => {
    if (!view) return;
    const shown = new Set(visibleKey.split(','));
    const parsedFilters = JSON.parse(filtersKey) as LayerFilters;
    for (const layer of FEATURE_LAYER_IDS) {
      if (!shown.has(layer)) {
        loadedKey.current[layer] = undefined;
        generation.current[layer] = (generation.current[layer] ?? 0) + 1;
        setData((d) => (d[layer] ? { ...d, [layer]: undefined } : d));
        continue;
      }
      const z = tileZoomFor(layer, view.zoom);
      const templates = templatesFor(layer, parsedFilters[layer]);
      const tiles = tilesFor(z, view.bounds);
      const version = LIVE_LAYERS.has(layer) ? liveVersion : 0;
      const key = `${tick}|${version}|${templates.join(' ')}|${tiles.map((t) => `${t.z}/${t.x}/${t.y}`).join(',')}`;
      if (loadedKey.current[layer] === key) continue;
      loadedKey.current[layer] = key;
      const gen = (generation.current[layer] ?? 0) + 1;
      generation.current[layer] = gen;
      setData((d) => {
        const prev = d[layer];
        return {
          ...d,
          [layer]: prev
            ? { ...prev, loading: true }
            : { points: [], tileZoom: z, clustered: z < RAW_ZOOM[layer], loading: true, error: null },
        };
      });
      const loads = templates.flatMap((template) => tiles.map((t) => loadTile(layer, template, t, version)));
      void Promise.allSettled(loads).then((results) => {
        if (generation.current[layer] !== gen) return;
        const points: TilePoint[] = [];
        let error: string | null = null;
        for (const r of results) {
          if (r.status === 'fulfilled') points.push(...r.value);
          else error = r.reason instanceof Error ? r.reason.message : String(r.reason);
        }
        // A failed tile is retried on the next view change.
        if (error) loadedKey.current[layer] = undefined;
        setData((d) => ({
          ...d,
          [layer]: {
            points,
            tileZoom: z,
            clustered: points.some((p) => p.count !== null),
            loading: false,
            error,
          },
        }));
      });
    }
  }, [view, visibleKey, filtersKey, tick, liveVersion]);

  const inView = useMemo(() => {
    const out: Partial<Record<LayerId, number>> = {};
    if (!view) return out;
    for (const layer of FEATURE_LAYER_IDS) {
      const d = data[layer];
      if (d) out[layer] = countInView(d.points, view.bounds);
    }
    return out;
  }, [data, view]);

  return { data, inView };
}
