import { DomainError } from '../../lib/errors.ts';
import {
  compareInstants,
  formatInstant,
  nextDay,
  nextMicrosecond,
  parseDate,
  parseDateTime,
  type Instant,
} from '../../lib/rfc3339.ts';

/**
 * The query parameters of OGC API – Features (Part 1 Core, Part 2 CRS by reference), read the
 * way the standard says, into what the feature repository takes. Every refusal is a 400 naming
 * the parameter.
 */

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const EPSG_4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';
/** The coordinate systems every collection offers: the stored one (CRS84) and EPSG:4326 (lat, lon). */
export const SUPPORTED_CRS = [CRS84, EPSG_4326] as const;
export type SupportedCrs = (typeof SUPPORTED_CRS)[number];

/** Most features one page holds; a larger `limit` is read as this (`/req/core/fc-limit-response-1`). */
export const LIMIT_MAX = 10_000;
/**
 * Page size when `limit` is absent. GDAL (3.8 and later) reads the limit parameter's `default`
 * and `maximum` from the service description (`/ogc/api`) and pages by max(1000, default)
 * clamped to the maximum, so a collection of 3,000 features is three requests, not 300.
 */
export const LIMIT_DEFAULT = 1_000;

/** [minLon, minLat, maxLon, maxLat] in CRS84. */
export type Envelope = [number, number, number, number];

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function bad(parameter: string, message: string): DomainError {
  return new DomainError(400, 'invalid_query_parameter', `querystring/${parameter}: ${message}`, {
    parameter,
  });
}

/** Refuses query parameters the endpoint does not define (`/req/core/query-param-unknown`). */
export function refuseUnknownParameters(query: object, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  throw new DomainError(
    400,
    'unknown_query_parameter',
    `querystring/${unknown[0]}: unknown parameter${unknown.length > 1 ? `s ${unknown.join(', ')}` : ''}; this endpoint takes ${known.join(', ')}`,
    { parameter: unknown.join(',') },
  );
}

/** A CRS parameter (`crs`, `bbox-crs`): one of the supported URIs (http or https); CRS84 when absent. */
export function parseCrs(parameter: string, value: string | undefined): SupportedCrs {
  if (value === undefined) return CRS84;
  const uri = value.trim().replace(/^https:/, 'http:');
  const found = SUPPORTED_CRS.find((c) => c === uri);
  if (!found) throw bad(parameter, `'${value}' is not offered; use ${SUPPORTED_CRS.join(' or ')}`);
  return found;
}

/**
 * A `bbox`: 4 numbers (2D) or 6 (3D, heights ignored: the data has none), in the axis order of
 * `crs` (CRS84 lon,lat; EPSG:4326 lat,lon). A box whose west edge lies east of its east edge
 * crosses the antimeridian and becomes two boxes.
 */
export function parseBbox(value: string, crs: SupportedCrs): Envelope[] {
  const parts = value.split(',').map((s) => s.trim());
  if ((parts.length !== 4 && parts.length !== 6) || parts.some((p) => !NUMBER.test(p))) {
    throw bad('bbox', '4 or 6 comma-separated numbers (minLon,minLat,maxLon,maxLat in CRS84)');
  }
  const n = parts.map(Number);
  const [a0, a1, b0, b1] = n.length === 6 ? [n[0]!, n[1]!, n[3]!, n[4]!] : [n[0]!, n[1]!, n[2]!, n[3]!];
  const latFirst = crs === EPSG_4326;
  const [west, south, east, north] = latFirst ? [a1, a0, b1, b0] : [a0, a1, b0, b1];
  for (const lat of [south, north]) {
    if (!(lat >= -90 && lat <= 90)) throw bad('bbox', `latitude ${lat} is outside -90…90`);
  }
  for (const lon of [west, east]) {
    if (!(lon >= -180 && lon <= 180)) throw bad('bbox', `longitude ${lon} is outside -180…180`);
  }
  if (south > north) throw bad('bbox', `the southern edge ${south} lies north of the northern edge ${north}`);
  if (n.length === 6 && n[2]! > n[5]!) throw bad('bbox', 'the lower height is above the upper one');
  if (west <= east) return [[west, south, east, north]];
  return [
    [west, south, 180, north],
    [-180, south, east, north],
  ];
}

export interface TimeRange {
  /** Inclusive start (ISO 8601, UTC, microseconds). */
  from?: string;
  /** Exclusive end. */
  to?: string;
}

type Bound = { start: Instant; end: Instant };

/** A date (the whole day in China time) or a date-time (that instant) as [start, end). */
function bound(text: string): Bound | null {
  const day = parseDate(text);
  if (day) return { start: day, end: nextDay(day) };
  const t = parseDateTime(text);
  return t ? { start: t, end: nextMicrosecond(t) } : null;
}

/**
 * A `datetime`: an instant or an interval `start/end` of dates or date-times, `..` (or nothing)
 * for an open end. A date covers its whole day in China time (UTC+8); interval ends are
 * included. Answers the [from, to) range the repository filters by.
 */
export function parseDatetime(value: string): TimeRange {
  const message = 'a date, an RFC 3339 date-time with its offset, or an interval start/end (.. for open)';
  const parts = value.split('/');
  if (parts.length === 1) {
    const b = bound(value);
    if (!b) throw bad('datetime', message);
    return { from: formatInstant(b.start), to: formatInstant(b.end) };
  }
  if (parts.length !== 2) throw bad('datetime', message);
  const open = (s: string) => s === '..' || s === '';
  const [a, z] = parts as [string, string];
  if (open(a) && open(z)) throw bad('datetime', 'an interval needs at least one end');
  const start = open(a) ? null : bound(a);
  const end = open(z) ? null : bound(z);
  if ((!open(a) && !start) || (!open(z) && !end)) throw bad('datetime', message);
  if (start && end && compareInstants(start.start, end.end) >= 0) {
    throw bad('datetime', 'the interval ends before it starts');
  }
  return {
    from: start ? formatInstant(start.start) : undefined,
    to: end ? formatInstant(end.end) : undefined,
  };
}

/** A feature id in a path: a positive integer up to 2^53 − 1; null for anything else (answered 404). */
export function parseFeatureId(text: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return null;
  const n = Number(text);
  return n <= Number.MAX_SAFE_INTEGER ? n : null;
}

type Position = number[];
type Coordinates = Position | Coordinates[];

function swapAxes(c: Coordinates): Coordinates {
  if (typeof c[0] === 'number') {
    const [x, y, ...rest] = c as Position;
    return [y!, x!, ...rest];
  }
  return (c as Coordinates[]).map(swapAxes);
}

/** A GeoJSON geometry from CRS84 (lon, lat) into `crs`: EPSG:4326 takes latitude first. */
export function geometryInCrs<G extends { type: string; coordinates?: unknown; geometries?: unknown }>(
  g: G,
  crs: SupportedCrs,
): G {
  if (crs === CRS84 || !g) return g;
  if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) {
    return { ...g, geometries: (g.geometries as G[]).map((x) => geometryInCrs(x, crs)) };
  }
  return { ...g, coordinates: swapAxes(g.coordinates as Coordinates) };
}
