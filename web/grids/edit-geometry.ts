/**
 * Geometry of the grid editor, free of the map: snapping to the edges and corners of the
 * neighbouring grids and the parent outline, finding the corner or grid under the pointer.
 * Positions are [lon, lat] in degrees (EPSG:4326); distances for snapping are in screen pixels,
 * measured through the `project` function the map supplies.
 */

/** [lon, lat] in degrees. */
export type Position = [number, number];
/** Screen position in CSS pixels. */
export type Pixel = [number, number];
/** Turns a position into a screen pixel (the map's project). */
export type Project = (p: Position) => Pixel;

/** How close, in pixels, a pointer must come to a corner or an edge to snap to it. */
export const SNAP_PX = 10;

/** Rings (closed or open) of every outline the editor snaps to. */
export type SnapTargets = ReadonlyArray<readonly Position[]>;

/** Where a pointer snapped: to a corner, along an edge, or nowhere. */
export interface Snap {
  position: Position;
  kind: 'vertex' | 'edge' | 'none';
}

function dist2(a: Pixel, b: Pixel): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  return dx * dx + dy * dy;
}

/**
 * Snaps a pointer position to the nearest corner within SNAP_PX, else to the nearest point of
 * an edge within SNAP_PX (interpolated in lon/lat: Mercator is linear enough along one edge),
 * else leaves it where it is.
 */
export function snap(pointer: Position, targets: SnapTargets, project: Project, px = SNAP_PX): Snap {
  const p = project(pointer);
  const limit = px * px;
  let best: { d: number; position: Position } | null = null;
  for (const ring of targets) {
    for (const v of ring) {
      const d = dist2(p, project(v));
      if (d <= limit && (!best || d < best.d)) best = { d, position: [v[0], v[1]] };
    }
  }
  if (best) return { position: best.position, kind: 'vertex' };
  for (const ring of targets) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      const pa = project(a);
      const pb = project(b);
      const vx = pb[0] - pa[0];
      const vy = pb[1] - pa[1];
      const len2 = vx * vx + vy * vy;
      if (len2 === 0) continue;
      const t = Math.max(0, Math.min(1, ((p[0] - pa[0]) * vx + (p[1] - pa[1]) * vy) / len2));
      const d = dist2(p, [pa[0] + t * vx, pa[1] + t * vy]);
      if (d <= limit && (!best || d < best.d)) {
        best = { d, position: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])] };
      }
    }
  }
  return best ? { position: best.position, kind: 'edge' } : { position: pointer, kind: 'none' };
}

/** Index of the vertex within SNAP_PX of the pointer (nearest), or -1. */
export function vertexAt(pointer: Pixel, ring: readonly Position[], project: Project, px = SNAP_PX): number {
  let best = -1;
  let bestD = px * px;
  for (const [i, v] of ring.entries()) {
    const d = dist2(pointer, project(v));
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

/** Midpoints of a closed ring's edges (open ring given: the closing edge included). */
export function midpoints(ring: readonly Position[]): Position[] {
  return ring.map((a, i) => {
    const b = ring[(i + 1) % ring.length]!;
    return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  });
}

/** A ring without its closing position (the editor keeps rings open). */
export function openRing(ring: readonly number[][]): Position[] {
  const out = ring.map((p) => [p[0] ?? 0, p[1] ?? 0] as Position);
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) out.pop();
  return out;
}

/** Rounds to 7 decimals (≈ 1 cm), as the API stores and returns coordinates. */
function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

/** A GeoJSON Polygon from an open outer ring (and open holes), closed and rounded. */
export function toPolygon(ring: readonly Position[], holes: ReadonlyArray<readonly Position[]> = []) {
  const close = (r: readonly Position[]) => {
    const c = r.map((p) => [round7(p[0]), round7(p[1])]);
    if (c.length > 0) c.push([...c[0]!]);
    return c;
  };
  return { type: 'Polygon' as const, coordinates: [close(ring), ...holes.map(close)] };
}

/** The outer ring (open) and holes of a GeoJSON Polygon or the first polygon of a MultiPolygon. */
export function ringsOf(geometry: { type: string; coordinates: unknown[] } | null): Position[][] {
  if (!geometry) return [];
  const polygon =
    geometry.type === 'MultiPolygon'
      ? (geometry.coordinates[0] as number[][][] | undefined)
      : geometry.type === 'Polygon'
        ? (geometry.coordinates as number[][][])
        : undefined;
  return (polygon ?? []).map(openRing);
}

/** Every ring (closed, as stored) of a Polygon or MultiPolygon: the snapping targets of one outline. */
export function allRings(geometry: { type: string; coordinates: unknown[] } | null): Position[][] {
  if (!geometry) return [];
  const polygons =
    geometry.type === 'MultiPolygon'
      ? (geometry.coordinates as number[][][][])
      : geometry.type === 'Polygon'
        ? [geometry.coordinates as number[][][]]
        : [];
  return polygons.flatMap((poly) => poly.map((r) => r.map((p) => [p[0] ?? 0, p[1] ?? 0] as Position)));
}

/** Whether a point lies inside a ring (even-odd rule; a point on an edge may fall either way). */
function inRing(p: Position, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ax, ay] = ring[i]!;
    const [bx, by] = ring[j]!;
    if (ay > p[1] !== by > p[1] && p[0] < ((bx - ax) * (p[1] - ay)) / (by - ay) + ax) inside = !inside;
  }
  return inside;
}

/** Whether a point lies inside a Polygon or MultiPolygon (in a shell, in none of its holes). */
export function contains(geometry: { type: string; coordinates: unknown[] } | null, p: Position): boolean {
  if (!geometry) return false;
  const polygons =
    geometry.type === 'MultiPolygon'
      ? (geometry.coordinates as Position[][][])
      : geometry.type === 'Polygon'
        ? [geometry.coordinates as Position[][]]
        : [];
  return polygons.some(
    ([shell, ...holes]) => shell !== undefined && inRing(p, shell) && !holes.some((h) => inRing(p, h)),
  );
}

/** The bounding box [minLon, minLat, maxLon, maxLat] of an outline, or null when it has none. */
export function bboxOf(
  geometry: { type: string; coordinates: unknown[] } | null,
): [number, number, number, number] | null {
  const rings = allRings(geometry);
  if (rings.length === 0) return null;
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings)
    for (const [x, y] of ring) {
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    }
  return b;
}
