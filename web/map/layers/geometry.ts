import type { Feature } from '../../api/client.ts';

/** A position [lon, lat] in degrees, EPSG:4326. */
export type LonLat = [number, number];

function isLonLat(value: unknown): value is LonLat {
  return Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number';
}

/** Mean of a ring's vertices, leaving out the closing vertex that repeats the first. */
function ringMean(ring: unknown): LonLat | null {
  if (!Array.isArray(ring)) return null;
  const points = ring.filter(isLonLat);
  const n = points.length > 1 ? points.length - 1 : points.length;
  if (n === 0) return null;
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    const p = points[i] as LonLat;
    x += p[0];
    y += p[1];
  }
  return [x / n, y / n];
}

/**
 * One representative position of a feature, [lon, lat] in EPSG:4326: the point itself, or for a
 * (multi)polygon the mean of its first outer ring's vertices (good enough for a marker and an
 * impact circle on the small polygons of risk sources). Null for anything else.
 */
export function featurePosition(feature: Feature): LonLat | null {
  const { type, coordinates } = feature.geometry;
  if (type === 'Point') return isLonLat(coordinates) ? coordinates : null;
  if (type === 'Polygon') return ringMean(coordinates[0]);
  if (type === 'MultiPolygon') return Array.isArray(coordinates[0]) ? ringMean(coordinates[0][0]) : null;
  if (type === 'MultiPoint') return isLonLat(coordinates[0]) ? coordinates[0] : null;
  return null;
}

/** Position accessor for deck.gl; features without one are parked off-screen at NaN (not drawn). */
export function getFeaturePosition(feature: Feature): LonLat {
  return featurePosition(feature) ?? [Number.NaN, Number.NaN];
}

/** A number property, or the fallback when missing or not numeric. */
export function numberProp(feature: Feature, key: string, fallback: number): number {
  const v = feature.properties[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Memoise a derivation of an array by the array's identity, so a factory that derives data
 * (e.g. the areas that have a label point) hands deck.gl the same array on every render.
 */
export function memoByArray<T extends object, R>(derive: (input: T) => R): (input: T) => R {
  const cache = new WeakMap<T, R>();
  return (input) => {
    let out = cache.get(input);
    if (out === undefined) {
      out = derive(input);
      cache.set(input, out);
    }
    return out;
  };
}
