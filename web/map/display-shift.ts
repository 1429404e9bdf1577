import type { Layer, PickingInfo } from '@deck.gl/core';
import { GeoJsonLayer } from '@deck.gl/layers';
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../api/lib/chinese-coordinates.ts';

/** A position [lon, lat] in degrees. */
export type LonLat = [number, number];

/**
 * How data stored in WGS84 (EPSG:4326) are placed on the basemap being drawn. For a GCJ-02
 * basemap (AMap-style tiles) every position is shifted WGS84 → GCJ-02 for display, and every
 * position read off the map (clicks, the view) is turned back GCJ-02 → WGS84 (to 1e-9°) before
 * the app uses it. The offset varies across the city, so each vertex is shifted on its own.
 */
export interface DisplayShift {
  /** Coordinate system of the basemap drawn. */
  crs: 'wgs84' | 'gcj02';
  /** A stored (WGS84) position → where it is drawn. */
  toDisplay(p: readonly number[]): LonLat;
  /** A position on the drawn map → the stored (WGS84) position. */
  fromDisplay(p: readonly number[]): LonLat;
}

/** No shift: the basemap is in WGS84 (the offline basemap, or a WGS84 tile server). */
export const NO_SHIFT: DisplayShift = {
  crs: 'wgs84',
  toDisplay: (p) => [p[0] ?? Number.NaN, p[1] ?? Number.NaN],
  fromDisplay: (p) => [p[0] ?? Number.NaN, p[1] ?? Number.NaN],
};

/** The shift for a GCJ-02 basemap. Non-finite positions (parked items) pass unchanged. */
export const GCJ02_SHIFT: DisplayShift = {
  crs: 'gcj02',
  toDisplay: (p) => {
    const lon = p[0] ?? Number.NaN;
    const lat = p[1] ?? Number.NaN;
    return Number.isFinite(lon) && Number.isFinite(lat) ? wgs84ToGcj02([lon, lat]) : [lon, lat];
  },
  fromDisplay: (p) => {
    const lon = p[0] ?? Number.NaN;
    const lat = p[1] ?? Number.NaN;
    return Number.isFinite(lon) && Number.isFinite(lat) ? gcj02ToWgs84([lon, lat]) : [lon, lat];
  },
};

/** The shift for a basemap coordinate system. */
export function displayShiftFor(crs: 'wgs84' | 'gcj02'): DisplayShift {
  return crs === 'gcj02' ? GCJ02_SHIFT : NO_SHIFT;
}

/** One position with any third (elevation) value kept. */
function shiftPosition(p: readonly number[], shift: DisplayShift): number[] {
  const [lon, lat] = shift.toDisplay(p);
  return p.length > 2 ? [lon, lat, ...p.slice(2)] : [lon, lat];
}

/** Nested coordinate arrays of a GeoJSON geometry, position by position. */
function shiftCoordinates(c: unknown, shift: DisplayShift): unknown {
  if (!Array.isArray(c)) return c;
  if (typeof c[0] === 'number') return shiftPosition(c as number[], shift);
  return c.map((x) => shiftCoordinates(x, shift));
}

/** A GeoJSON geometry (any type, GeometryCollection included) shifted; null stays null. */
export function shiftGeometry<G>(geometry: G, shift: DisplayShift): G {
  if (!geometry || typeof geometry !== 'object') return geometry;
  const g = geometry as { type?: string; coordinates?: unknown; geometries?: unknown[] };
  if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) {
    return { ...g, geometries: g.geometries.map((x) => shiftGeometry(x, shift)) } as G;
  }
  if (g.coordinates === undefined) return geometry;
  return { ...g, coordinates: shiftCoordinates(g.coordinates, shift) } as G;
}

/** Shifted copies per shift kind, so each data object is converted once (the results are reused by identity). */
const shiftedCache: Record<'gcj02', WeakMap<object, unknown>> = { gcj02: new WeakMap() };

/** Shifted feature (or data) → the stored one, so a pick hands the app its own object. */
const originals = new WeakMap<object, unknown>();

function memo<T extends object>(input: T, shift: DisplayShift, make: () => T): T {
  if (shift.crs === 'wgs84') return input;
  const cache = shiftedCache[shift.crs];
  let out = cache.get(input) as T | undefined;
  if (!out) {
    out = make();
    cache.set(input, out);
    originals.set(out, input);
  }
  return out;
}

function shiftFeature<F>(feature: F, shift: DisplayShift): F {
  if (!feature || typeof feature !== 'object') return feature;
  return memo(feature as F & object, shift, () => {
    const f = feature as { type?: string; geometry?: unknown };
    // A bare geometry in a data array is drawn too: shift it as one.
    if (f.type !== 'Feature') return shiftGeometry(feature, shift);
    return { ...f, geometry: shiftGeometry(f.geometry, shift) } as unknown as F & object;
  });
}

/**
 * GeoJSON data as deck.gl's GeoJsonLayer takes it (an array of features, a FeatureCollection, one
 * Feature or geometry) with every vertex shifted. Memoised per data object and per feature, so an
 * unchanged array is converted once and keeps its identity between renders. A URL string (loaded
 * by deck.gl itself) cannot be shifted here and is returned unchanged; nothing in the app uses one.
 */
export function shiftGeoJson<D>(data: D, shift: DisplayShift): D {
  if (shift.crs === 'wgs84' || !data || typeof data !== 'object') return data;
  if (Array.isArray(data)) {
    return memo(data, shift, () => data.map((f: unknown) => shiftFeature(f, shift)) as D & object);
  }
  const d = data as { type?: string; features?: unknown[] };
  if (d.type === 'FeatureCollection' && Array.isArray(d.features)) {
    const features = d.features;
    return memo(
      data,
      shift,
      () => ({ ...d, features: features.map((f) => shiftFeature(f, shift)) }) as unknown as D & object,
    );
  }
  return shiftFeature(data, shift);
}

/** The stored object behind a shifted copy (a picked feature), or the object itself. */
export function storedObject<T>(object: T): T {
  if (!object || typeof object !== 'object') return object;
  return (originals.get(object) as T | undefined) ?? object;
}

/** The position accessors of deck.gl's layers: each returns one position. */
const POSITION_PROPS = ['getPosition', 'getSourcePosition', 'getTargetPosition'] as const;

/** Path accessors: each returns a list of positions (or a flat coordinate array). */
const PATH_PROPS = ['getPath', 'getPolygon'] as const;

type Accessor = (object: unknown, info: unknown) => unknown;

/** Shifted paths per returned array, so deck.gl's repeated calls (count, then fill) reuse one copy. */
const pathCache = new WeakMap<object, unknown>();

function shiftPath(path: unknown, shift: DisplayShift, size: number): unknown {
  if (shift.crs === 'wgs84' || !path || typeof path !== 'object') return path;
  const hit = pathCache.get(path);
  if (hit) return hit;
  let out: unknown = path;
  if (Array.isArray(path) || ArrayBuffer.isView(path)) {
    const list = path as ArrayLike<unknown>;
    if (typeof list[0] === 'number') {
      // A flat array [x0, y0, (z0,) x1, y1, …]: `size` numbers per position.
      const flat = Array.from(list as ArrayLike<number>);
      for (let i = 0; i + 1 < flat.length; i += size) {
        const [x, y] = shift.toDisplay([flat[i] ?? Number.NaN, flat[i + 1] ?? Number.NaN]);
        flat[i] = x;
        flat[i + 1] = y;
      }
      out = flat;
    } else {
      // Positions, or (getPolygon) rings of positions.
      out = shiftCoordinates(Array.from(list), shift);
    }
  } else if ('type' in path) {
    // getPolygon may return a GeoJSON geometry's coordinates holder.
    out = shiftGeometry(path, shift);
  }
  pathCache.set(path, out);
  return out;
}

/** The same update trigger with the shift added, so changing the basemap recomputes positions. */
function withShiftTrigger(trigger: unknown, shift: DisplayShift): unknown {
  // Triggers are compared key by key, one level deep: spread rather than nest, so an unchanged
  // trigger stays equal between renders and deck.gl does not recompute every frame.
  if (Array.isArray(trigger)) return { ...trigger, displayCrs: shift.crs };
  if (trigger && typeof trigger === 'object') return { ...trigger, displayCrs: shift.crs };
  return trigger === undefined ? { displayCrs: shift.crs } : { value: trigger, displayCrs: shift.crs };
}

/**
 * A layer drawn on a shifted basemap: GeoJsonLayer data converted vertex by vertex, and the
 * position accessors of every other layer (getPosition, getSourcePosition, getTargetPosition,
 * getPath, getPolygon) wrapped to shift what they return. With `always` false and no shift the
 * layer is returned as it is. Binary data (`data.attributes`) cannot be shifted here; no layer of
 * the app uses it (point tiles are decoded into objects read through getPosition).
 */
export function shiftLayer(layer: Layer, shift: DisplayShift, always = false): Layer {
  if (shift.crs === 'wgs84' && !always) return layer;
  const props = layer.props as unknown as Record<string, unknown> & {
    updateTriggers?: Record<string, unknown>;
    positionFormat?: string;
  };
  const triggers: Record<string, unknown> = { ...(props.updateTriggers ?? {}) };
  const changes: Record<string, unknown> = {};
  if (layer instanceof GeoJsonLayer) {
    changes.data = shiftGeoJson(props.data, shift);
    return layer.clone(changes);
  }
  for (const name of POSITION_PROPS) {
    const accessor = props[name];
    if (accessor === undefined) continue;
    changes[name] =
      typeof accessor === 'function'
        ? (object: unknown, info: unknown) =>
            shiftPosition((accessor as Accessor)(object, info) as number[], shift)
        : Array.isArray(accessor)
          ? shiftPosition(accessor as number[], shift)
          : accessor;
    triggers[name] = withShiftTrigger(triggers[name], shift);
  }
  const size = props.positionFormat === 'XYZ' ? 3 : 2;
  for (const name of PATH_PROPS) {
    const accessor = props[name];
    if (typeof accessor !== 'function') continue;
    changes[name] = (object: unknown, info: unknown) =>
      shiftPath((accessor as Accessor)(object, info), shift, size);
    triggers[name] = withShiftTrigger(triggers[name], shift);
  }
  if (Object.keys(changes).length === 0) return layer;
  return layer.clone({ ...changes, updateTriggers: triggers });
}

/**
 * A picking result as the app expects it: `coordinate` turned back to WGS84 and `object` the
 * stored object rather than its shifted copy. Unchanged without a shift.
 */
export function unshiftPickingInfo<I extends PickingInfo>(info: I, shift: DisplayShift): I {
  if (shift.crs === 'wgs84') return info;
  const coordinate = info.coordinate;
  const back = coordinate && coordinate.length >= 2 ? shift.fromDisplay(coordinate) : coordinate;
  return { ...info, coordinate: back, object: storedObject(info.object) } as I;
}
