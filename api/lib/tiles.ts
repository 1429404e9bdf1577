/**
 * Web Mercator (EPSG:3857) tile arithmetic. Tiles are addressed z/x/y (XYZ, y down);
 * envelopes are in EPSG:3857 metres, bounding boxes in EPSG:4326 degrees.
 */
import type { LayerId } from '../schemas/layers.ts';

/**
 * Zoom from which each point layer's tiles carry every point; below it a tile holds one point
 * per cell with a `count`. Chosen so that the densest raw tile of the city-scale dataset stays
 * within the size budget (see `npm run bench`). The web map reads it too (to know when tiles
 * hold clusters), so it lives here, free of database code.
 */
export const POINT_RAW_ZOOM: Record<LayerId, number> = {
  sites: 14,
  components: 15,
  risk_sources: 11,
  cameras: 15,
  teams: 11,
  incidents: 14,
};

export const EXTENT = 4096;
/** Tile units of geometry kept beyond each edge, so symbols are not cut at tile seams. */
export const BUFFER = 64;
const ORIGIN = 20037508.342789244;
const WORLD = 2 * ORIGIN;

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** Why a z/x/y is not a tile, or null when it is one (z 0–22, x and y within 0..2^z−1). */
export function tileProblem(z: number, x: number, y: number): string | null {
  if (!Number.isInteger(z) || z < 0 || z > 22) return `z must be an integer 0–22, got ${z}`;
  const n = 2 ** z;
  if (!Number.isInteger(x) || x < 0 || x >= n)
    return `x must be an integer 0–${n - 1} at zoom ${z}, got ${x}`;
  if (!Number.isInteger(y) || y < 0 || y >= n)
    return `y must be an integer 0–${n - 1} at zoom ${z}, got ${y}`;
  return null;
}

/** The tile's envelope in EPSG:3857 metres and its size. */
export function tileEnvelope({ z, x, y }: TileAddress): { minx: number; maxy: number; size: number } {
  const size = WORLD / 2 ** z;
  return { minx: -ORIGIN + x * size, maxy: ORIGIN - y * size, size };
}

function lonOf(mx: number): number {
  return (mx / ORIGIN) * 180;
}
function latOf(my: number): number {
  return (Math.atan(Math.exp((my / ORIGIN) * Math.PI)) * 360) / Math.PI - 90;
}

/** The tile's bounding box in EPSG:4326 including the buffer: [minLon, minLat, maxLon, maxLat]. */
export function tileBBox4326(t: TileAddress): [number, number, number, number] {
  const { minx, maxy, size } = tileEnvelope(t);
  const b = (size * BUFFER) / EXTENT;
  return [lonOf(minx - b), latOf(maxy - size - b), lonOf(minx + size + b), latOf(maxy + b)];
}

/** The tile containing a lon/lat point at zoom z. */
export function tileAt(lon: number, lat: number, z: number): TileAddress {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}
