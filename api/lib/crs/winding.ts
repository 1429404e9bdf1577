/**
 * Ring orientation as RFC 7946 §3.1.6 asks of GeoJSON: exterior rings counter-clockwise,
 * holes clockwise (what PostGIS's ST_ForcePolygonCCW gives). Stored outlines keep whatever
 * orientation they were drawn or imported in; files written for others are wound on the way out.
 */

/** Twice the signed area of a ring in x/y order (positive: counter-clockwise). */
function signedArea2(ring: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    s += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  }
  return s;
}

function wind(polygon: number[][][]): number[][][] {
  return polygon.map((ring, i) => {
    const ccw = signedArea2(ring) > 0;
    const wanted = i === 0;
    return ccw === wanted ? ring : [...ring].reverse();
  });
}

/**
 * The geometry with its polygons wound as RFC 7946 asks (a new object for polygons; other
 * geometries are returned as they are).
 */
export function rfc7946Winding<G extends { type: string; coordinates: unknown }>(g: G): G {
  if (g.type === 'Polygon') return { ...g, coordinates: wind(g.coordinates as number[][][]) };
  if (g.type === 'MultiPolygon') {
    return { ...g, coordinates: (g.coordinates as number[][][][]).map(wind) };
  }
  return g;
}
