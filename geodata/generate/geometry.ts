/**
 * Plain-array geometry helpers in EPSG:4326 (coordinates are [longitude, latitude] in degrees).
 * Areas from ringArea/multiPolygonArea are planar, in square degrees (fine for comparing parts of
 * one small region); distances from haversineMeters are in metres on a sphere (R = 6,371,008.8 m).
 */
import { round7 } from './format.ts';

/** [longitude, latitude] in degrees. */
export type Position = [number, number];
/** A closed ring (first point equals last point). */
export type Ring = Position[];
/** Outer ring followed by holes. */
export type Polygon = Ring[];
/** GeoJSON-style MultiPolygon coordinates. */
export type MultiPolygon = Polygon[];
/** [minLon, minLat, maxLon, maxLat] in degrees. */
export type BBox = [number, number, number, number];

/** Signed planar area of a ring in square degrees (positive when counter-clockwise). */
export function ringArea(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % n];
    if (!a || !b) continue;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

/** Planar area of a polygon with holes, square degrees (outer minus holes, orientation ignored). */
export function polygonArea(poly: readonly Ring[]): number {
  let s = 0;
  poly.forEach((ring, i) => {
    const a = Math.abs(ringArea(ring));
    s += i === 0 ? a : -a;
  });
  return s;
}

/** Planar area of a MultiPolygon, square degrees. */
export function multiPolygonArea(mp: MultiPolygon): number {
  return mp.reduce((s, p) => s + polygonArea(p), 0);
}

/** Area-weighted centroid of a MultiPolygon (planar, degrees); falls back to the bbox centre. */
export function multiPolygonCentroid(mp: MultiPolygon): Position {
  let ax = 0;
  let ay = 0;
  let aa = 0;
  for (const poly of mp) {
    poly.forEach((ring, ri) => {
      const sign = ri === 0 ? 1 : -1;
      const a = ringArea(ring);
      const orient = a >= 0 ? 1 : -1;
      let cx = 0;
      let cy = 0;
      for (let i = 0, n = ring.length; i < n; i++) {
        const p = ring[i];
        const q = ring[(i + 1) % n];
        if (!p || !q) continue;
        const f = p[0] * q[1] - q[0] * p[1];
        cx += (p[0] + q[0]) * f;
        cy += (p[1] + q[1]) * f;
      }
      // cx/(6a) is the ring centroid; weight by |a| with sign for holes
      if (a !== 0) {
        ax += sign * orient * (cx / 6);
        ay += sign * orient * (cy / 6);
        aa += sign * Math.abs(a);
      }
    });
  }
  if (aa === 0) {
    const b = bboxOf(mp);
    return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
  }
  return [ax / aa, ay / aa];
}

/** Bounding box of a MultiPolygon. */
export function bboxOf(mp: MultiPolygon): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const poly of mp)
    for (const ring of poly)
      for (const [x, y] of ring) {
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
  return [minX, minY, maxX, maxY];
}

/** Even-odd point-in-ring test (ray casting). */
export function pointInRing(x: number, y: number, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (!a || !b) continue;
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/** true when (x, y) lies inside the MultiPolygon (inside an outer ring and outside its holes). */
export function pointInMultiPolygon(x: number, y: number, mp: MultiPolygon): boolean {
  for (const poly of mp) {
    const outer = poly[0];
    if (!outer || !pointInRing(x, y, outer)) continue;
    let inHole = false;
    for (let h = 1; h < poly.length; h++) {
      const hole = poly[h];
      if (hole && pointInRing(x, y, hole)) {
        inHole = true;
        break;
      }
    }
    if (!inHole) return true;
  }
  return false;
}

/** Great-circle distance in metres between two [lon, lat] points (haversine, R = 6,371,008.8 m). */
export function haversineMeters(a: readonly [number, number], b: readonly [number, number]): number {
  const R = 6371008.8;
  const toRad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * toRad;
  const dLon = (b[0] - a[0]) * toRad;
  const s =
    Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(s)));
}

/**
 * Round a ring to 7 decimals, drop consecutive duplicates and collinear spikes that rounding
 * can create, and close it. Returns null when fewer than 4 points (3 distinct) remain or the area is 0.
 */
export function roundRing(ring: readonly Position[]): Ring | null {
  const pts: Position[] = [];
  for (const [x, y] of ring) {
    const p: Position = [round7(x), round7(y)];
    const last = pts[pts.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    pts.push(p);
  }
  // open the ring for processing
  while (pts.length > 1) {
    const f = pts[0];
    const l = pts[pts.length - 1];
    if (f && l && f[0] === l[0] && f[1] === l[1]) pts.pop();
    else break;
  }
  // remove zero-area spikes (a, b, a) repeatedly
  let changed = true;
  while (changed && pts.length >= 3) {
    changed = false;
    for (let i = 0; i < pts.length && pts.length >= 3; i++) {
      const prev = pts[(i - 1 + pts.length) % pts.length];
      const next = pts[(i + 1) % pts.length];
      if (prev && next && prev[0] === next[0] && prev[1] === next[1]) {
        // drop the spike tip and one copy of the repeated point
        const iNext = (i + 1) % pts.length;
        const idx = [i, iNext].sort((a, b) => b - a);
        for (const k of idx) pts.splice(k, 1);
        changed = true;
        break;
      }
    }
  }
  if (pts.length < 3) return null;
  const first = pts[0];
  if (!first) return null;
  const closed: Ring = [...pts, [first[0], first[1]]];
  if (ringArea(closed) === 0) return null;
  return closed;
}

/** Round every ring of a MultiPolygon (see roundRing); drops polygons whose outer ring degenerates. */
export function roundMultiPolygon(mp: MultiPolygon): MultiPolygon {
  const out: MultiPolygon = [];
  for (const poly of mp) {
    const outer = poly[0] ? roundRing(poly[0]) : null;
    if (!outer) continue;
    const rings: Ring[] = [outer];
    for (let h = 1; h < poly.length; h++) {
      const hole = poly[h];
      const r = hole ? roundRing(hole) : null;
      if (r) rings.push(r);
    }
    out.push(rings);
  }
  return out;
}

/**
 * A random point strictly inside a MultiPolygon, by rejection sampling in its bbox
 * (coordinates rounded to 7 decimals before the test, so the written point is the tested one).
 * @param rand uniform [0,1) source
 * @returns [lon, lat] or null after maxTries misses
 */
export function randomPointIn(
  mp: MultiPolygon,
  bbox: BBox,
  rand: () => number,
  maxTries = 5000,
): Position | null {
  const [minX, minY, maxX, maxY] = bbox;
  for (let t = 0; t < maxTries; t++) {
    const x = round7(minX + (maxX - minX) * rand());
    const y = round7(minY + (maxY - minY) * rand());
    if (pointInMultiPolygon(x, y, mp)) return [x, y];
  }
  return null;
}

/**
 * Length in metres of a short segment on the WGS84 ellipsoid, using the local meridional and
 * prime-vertical radii at the mid-latitude (error well below 1 mm for segments of a few km).
 */
export function ellipsoidalSegmentMeters(a: readonly [number, number], b: readonly [number, number]): number {
  const A = 6378137;
  const f = 1 / 298.257223563;
  const e2 = f * (2 - f);
  const toRad = Math.PI / 180;
  const phi = ((a[1] + b[1]) / 2) * toRad;
  const w = 1 - e2 * Math.sin(phi) ** 2;
  const M = (A * (1 - e2)) / (w * Math.sqrt(w));
  const N = A / Math.sqrt(w);
  const dy = (b[1] - a[1]) * toRad * M;
  const dx = (b[0] - a[0]) * toRad * N * Math.cos(phi);
  return Math.hypot(dx, dy);
}

/** Length in metres of a linestring on the WGS84 ellipsoid (sum of ellipsoidalSegmentMeters). */
export function lineLengthMeters(coords: readonly (readonly [number, number])[]): number {
  let s = 0;
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1];
    const b = coords[i];
    if (a && b) s += ellipsoidalSegmentMeters(a, b);
  }
  return s;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
}

/** true when segments ab and cd intersect (touching counts). */
export function segmentsIntersect(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (o1 !== o2 && o3 !== o4) return true;
  const onSeg = (px: number, py: number, qx: number, qy: number, rx: number, ry: number): boolean =>
    Math.min(px, qx) <= rx && rx <= Math.max(px, qx) && Math.min(py, qy) <= ry && ry <= Math.max(py, qy);
  if (o1 === 0 && onSeg(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSeg(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSeg(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && onSeg(cx, cy, dx, dy, bx, by)) return true;
  return false;
}

/** Bucket index of all ring segments of a MultiPolygon, to test whether a segment crosses its boundary. */
export class BoundaryIndex {
  private readonly buckets = new Map<number, number[]>();
  private readonly segs: number[] = [];
  private readonly minX: number;
  private readonly minY: number;
  private readonly nx: number;
  /** @param cell bucket size in degrees */
  constructor(
    mp: MultiPolygon,
    readonly cell = 0.005,
  ) {
    const [minX, minY, maxX] = bboxOf(mp);
    this.minX = minX;
    this.minY = minY;
    this.nx = Math.ceil((maxX - minX) / cell) + 2;
    for (const poly of mp)
      for (const ring of poly)
        for (let i = 1; i < ring.length; i++) {
          const a = ring[i - 1];
          const b = ring[i];
          if (!a || !b) continue;
          const id = this.segs.length / 4;
          this.segs.push(a[0], a[1], b[0], b[1]);
          this.forCells(a[0], a[1], b[0], b[1], (k) => {
            const list = this.buckets.get(k);
            if (list) list.push(id);
            else this.buckets.set(k, [id]);
          });
        }
  }
  private forCells(ax: number, ay: number, bx: number, by: number, fn: (k: number) => void): void {
    const i0 = Math.floor((Math.min(ax, bx) - this.minX) / this.cell);
    const i1 = Math.floor((Math.max(ax, bx) - this.minX) / this.cell);
    const j0 = Math.floor((Math.min(ay, by) - this.minY) / this.cell);
    const j1 = Math.floor((Math.max(ay, by) - this.minY) / this.cell);
    for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) fn(j * this.nx + i);
  }
  /** true when segment ab touches or crosses any boundary segment. */
  crosses(ax: number, ay: number, bx: number, by: number): boolean {
    let hit = false;
    this.forCells(ax, ay, bx, by, (k) => {
      if (hit) return;
      for (const id of this.buckets.get(k) ?? []) {
        const o = id * 4;
        if (
          segmentsIntersect(
            ax,
            ay,
            bx,
            by,
            this.segs[o] ?? 0,
            this.segs[o + 1] ?? 0,
            this.segs[o + 2] ?? 0,
            this.segs[o + 3] ?? 0,
          )
        ) {
          hit = true;
          return;
        }
      }
    });
    return hit;
  }
}

/**
 * A MultiPolygon with its edges bucketed by latitude band, for fast repeated point-in-polygon
 * tests (same even-odd rule as pointInMultiPolygon; holes count as outside).
 */
export class IndexedPolygon {
  private readonly minY: number;
  private readonly maxY: number;
  private readonly bandH: number;
  private readonly nb: number;
  private readonly bands: Float64Array[];
  readonly bbox: BBox;
  /** @param bands number of latitude bands (default from the vertex count) */
  constructor(mp: MultiPolygon, bands?: number) {
    this.bbox = bboxOf(mp);
    this.minY = this.bbox[1];
    this.maxY = this.bbox[3];
    let count = 0;
    for (const poly of mp) for (const ring of poly) count += ring.length;
    const nb = Math.max(1, bands ?? Math.min(512, Math.ceil(count / 8)));
    this.nb = nb;
    this.bandH = (this.maxY - this.minY) / nb || 1;
    const lists: number[][] = Array.from({ length: nb }, () => []);
    for (const poly of mp)
      for (const ring of poly)
        for (let i = 1; i < ring.length; i++) {
          const a = ring[i - 1];
          const b = ring[i];
          if (!a || !b || a[1] === b[1]) continue;
          const b0 = this.band(Math.min(a[1], b[1]));
          const b1 = this.band(Math.max(a[1], b[1]));
          for (let k = b0; k <= b1; k++) lists[k]?.push(a[0], a[1], b[0], b[1]);
        }
    this.bands = lists.map((l) => Float64Array.from(l));
  }
  private band(y: number): number {
    const k = Math.floor((y - this.minY) / this.bandH);
    return Math.max(0, Math.min(this.nb - 1, k));
  }
  /** true when (x, y) is inside (even-odd over all rings). */
  contains(x: number, y: number): boolean {
    if (x < this.bbox[0] || x > this.bbox[2] || y < this.minY || y > this.maxY) return false;
    const segs = this.bands[this.band(y)];
    if (!segs) return false;
    let inside = false;
    for (let o = 0; o < segs.length; o += 4) {
      const ax = segs[o] as number;
      const ay = segs[o + 1] as number;
      const bx = segs[o + 2] as number;
      const by = segs[o + 3] as number;
      if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
    }
    return inside;
  }
}
