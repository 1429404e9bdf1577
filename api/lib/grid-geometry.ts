/**
 * Checks of a grid outline that need no database: GeoJSON shape, coordinate ranges, ring
 * closure and size. They run before any SQL, so malformed input never reaches PostGIS and
 * every refusal names the ring and position at fault. Coordinates are EPSG:4326 lon/lat.
 */

/** More vertices than this in one outline is refused (a grid is a few hundred at most). */
export const MAX_VERTICES = 10_000;

/** A GeoJSON Polygon: rings of [lon, lat] positions, the first the shell, the others holes. */
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: number[][][];
}

/** A GeoJSON LineString of [lon, lat] positions. */
export interface LineGeometry {
  type: 'LineString';
  coordinates: number[][];
}

/** Why an outline was refused, in terms a coordinator can act on. */
export type GridProblemKind =
  | 'geometry_type'
  | 'coordinates'
  | 'ring'
  | 'too_many_vertices'
  | 'invalid'
  | 'outside_parent'
  | 'overlap'
  | 'gap'
  | 'not_neighbours'
  | 'split_line'
  | 'code'
  | 'name';

/**
 * What exactly is wrong, for the interface to say in the user's language (with `params`);
 * `kind` groups them, `message` says it in English for API clients that read no codes.
 */
export const GRID_PROBLEM_CODES = [
  'geometry_required',
  'not_polygon',
  'multipolygon',
  'no_ring',
  'ring_not_array',
  'too_many_vertices',
  'position_not_pair',
  'position_out_of_range',
  'ring_too_short',
  'ring_not_closed',
  'line_required',
  'line_too_short',
  'invalid',
  'no_area',
  'outside_village',
  'overlaps_grid',
  'overlaps_feature',
  'nothing_left',
  'pieces',
  'gap',
  'not_in_village',
  'merge_not_neighbours',
  'line_misses',
  'name_required',
  'code_unknown',
  'code_twice',
  'households_invalid',
  'no_features',
] as const;
export type GridProblemCode = (typeof GRID_PROBLEM_CODES)[number];

/** Parameters of a problem's message: numbers, codes, names. */
export type GridProblemParams = Record<string, string | number | null>;

/**
 * Where in an outline a position problem lies: `ring` 0 is the outer ring, n the n-th hole,
 * -1 the split line.
 */
export type RingIndex = number;

/** One problem found in a grid (or a feature of an import). `geometry` is the offending part, EPSG:4326. */
export interface GridProblem {
  kind: GridProblemKind;
  code: GridProblemCode;
  params: GridProblemParams;
  message: string;
  /** The offending part as GeoJSON: an invalidity's location, the part outside, the overlap, the gap. */
  geometry?: { type: string; coordinates: unknown[] } | null;
  /** The other grid involved (overlap, merge). */
  otherCode?: string;
  /** Area of the offending part in square metres (outside, overlap, gap). */
  areaM2?: number;
  /** Index of the feature in an import. */
  feature?: number;
}

function isPosition(p: unknown): p is number[] {
  return Array.isArray(p) && (p.length === 2 || p.length === 3) && p.every((v) => typeof v === 'number');
}

/** The ring as the English messages name it. */
function ringName(ring: RingIndex): string {
  return ring === -1 ? 'line' : ring === 0 ? 'outer ring' : `hole ${ring}`;
}

function checkPositions(positions: unknown[], ring: RingIndex, out: GridProblem[]): positions is number[][] {
  const where = ringName(ring);
  for (const [i, p] of positions.entries()) {
    if (!isPosition(p)) {
      out.push({
        kind: 'coordinates',
        code: 'position_not_pair',
        params: { ring, position: i },
        message: `${where}, position ${i}: not a [longitude, latitude] pair`,
      });
      return false;
    }
    const [lon, lat] = p as [number, number];
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      out.push({
        kind: 'coordinates',
        code: 'position_out_of_range',
        params: {
          ring,
          position: i,
          lon: Number.isFinite(lon) ? lon : String(lon),
          lat: Number.isFinite(lat) ? lat : String(lat),
        },
        message: `${where}, position ${i}: ${lon}, ${lat} is out of range (longitude −180…180, latitude −90…90)`,
        geometry:
          Number.isFinite(lon) && Number.isFinite(lat) ? { type: 'Point', coordinates: [lon, lat] } : null,
      });
      return false;
    }
  }
  return true;
}

/**
 * The shape problems of a would-be grid outline: not a Polygon, positions that are not
 * lon/lat pairs or out of range, rings not closed or shorter than 4 positions, more than
 * MAX_VERTICES vertices. Empty when the outline may go on to the database checks.
 */
export function polygonShapeProblems(geometry: unknown): GridProblem[] {
  const out: GridProblem[] = [];
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object' || typeof g.type !== 'string') {
    return [
      {
        kind: 'geometry_type',
        code: 'geometry_required',
        params: {},
        message: 'geometry: a GeoJSON Polygon is required',
      },
    ];
  }
  if (g.type === 'MultiPolygon') {
    return [
      {
        kind: 'geometry_type',
        code: 'multipolygon',
        params: {},
        message:
          'geometry: a grid is a Polygon, not a MultiPolygon (one grid is one piece: send each part as its own grid)',
      },
    ];
  }
  if (g.type !== 'Polygon') {
    return [
      {
        kind: 'geometry_type',
        code: 'not_polygon',
        params: { type: g.type },
        message: `geometry: a grid is a Polygon, not a ${g.type}`,
      },
    ];
  }
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
    return [
      {
        kind: 'ring',
        code: 'no_ring',
        params: {},
        message: 'geometry: a Polygon needs at least its outer ring',
      },
    ];
  }
  let vertices = 0;
  for (const [r, ring] of g.coordinates.entries()) {
    const where = ringName(r);
    if (!Array.isArray(ring)) {
      out.push({
        kind: 'ring',
        code: 'ring_not_array',
        params: { ring: r },
        message: `${where}: not an array of positions`,
      });
      continue;
    }
    vertices += ring.length;
    if (vertices > MAX_VERTICES) {
      return [
        {
          kind: 'too_many_vertices',
          code: 'too_many_vertices',
          params: { max: MAX_VERTICES },
          message: `geometry: more than ${MAX_VERTICES.toLocaleString('en')} vertices; simplify the outline`,
        },
      ];
    }
    if (!checkPositions(ring, r, out)) continue;
    if (ring.length < 4) {
      out.push({
        kind: 'ring',
        code: 'ring_too_short',
        params: { ring: r, count: ring.length },
        message: `${where}: ${ring.length} positions; a ring needs at least 4`,
      });
      continue;
    }
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) {
      out.push({
        kind: 'ring',
        code: 'ring_not_closed',
        params: { ring: r },
        message: `${where}: not closed (the last position must repeat the first)`,
        geometry: { type: 'Point', coordinates: [first[0]!, first[1]!] },
      });
    }
  }
  return out;
}

/** The shape problems of a split line: a LineString of at least 2 in-range positions. */
export function lineShapeProblems(geometry: unknown): GridProblem[] {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object' || g.type !== 'LineString') {
    return [
      {
        kind: 'geometry_type',
        code: 'line_required',
        params: {},
        message: 'line: a GeoJSON LineString is required',
      },
    ];
  }
  if (!Array.isArray(g.coordinates) || g.coordinates.length < 2) {
    return [
      {
        kind: 'split_line',
        code: 'line_too_short',
        params: {},
        message: 'line: at least 2 positions are required',
      },
    ];
  }
  if (g.coordinates.length > MAX_VERTICES) {
    return [
      {
        kind: 'too_many_vertices',
        code: 'too_many_vertices',
        params: { max: MAX_VERTICES },
        message: `line: more than ${MAX_VERTICES} vertices`,
      },
    ];
  }
  const out: GridProblem[] = [];
  checkPositions(g.coordinates, -1, out);
  return out;
}

/**
 * Orders new grids for numbering, west→east and north→south (DESIGN.md §3): rows from north
 * to south, each row west to east. A row is as tall as the average north–south extent of the
 * grids being numbered, so grids side by side share a row even when their centres differ a little.
 * Returns the indexes of `items` in numbering order.
 */
export function numberingOrder(items: ReadonlyArray<{ lon: number; lat: number; height: number }>): number[] {
  if (items.length === 0) return [];
  const rowHeight = Math.max(items.reduce((s, i) => s + i.height, 0) / items.length, 1e-9);
  const top = Math.max(...items.map((i) => i.lat));
  const keyed = items.map((it, index) => ({
    index,
    // rounded: centres less than half a row apart north–south share a row
    row: Math.round((top - it.lat) / rowHeight),
    lon: it.lon,
  }));
  keyed.sort((a, b) => a.row - b.row || a.lon - b.lon || a.index - b.index);
  return keyed.map((k) => k.index);
}
