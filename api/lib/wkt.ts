/**
 * Well-known text for the importer: reading the geometry column of a CSV, and writing
 * geometries for COPY into PostGIS (which parses EWKT text into a geometry column).
 * 2D only: Z and M values are dropped.
 */

export type Position = [number, number];
export interface Geometry {
  type: 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon';
  coordinates: unknown;
}

/** Thrown for text that is not WKT of a supported type; the message says what is wrong. */
export class WktError extends Error {}

const TYPES: Record<string, Geometry['type']> = {
  POINT: 'Point',
  MULTIPOINT: 'MultiPoint',
  LINESTRING: 'LineString',
  MULTILINESTRING: 'MultiLineString',
  POLYGON: 'Polygon',
  MULTIPOLYGON: 'MultiPolygon',
};

/** Parses WKT or EWKT (an `SRID=n;` prefix is accepted and ignored) into GeoJSON; throws WktError. */
export function parseWkt(text: string): Geometry {
  let s = text.trim().replace(/^SRID=\d+;/i, '');
  const m = /^([A-Za-z]+)\s*(?:ZM|Z|M)?\s*/.exec(s);
  if (!m) throw new WktError('not WKT: it should start with a type such as POINT or POLYGON');
  const type = TYPES[m[1]!.toUpperCase()];
  if (!type) throw new WktError(`unsupported WKT type ${m[1]}`);
  s = s.slice(m[0].length);
  if (/^EMPTY$/i.test(s)) throw new WktError(`${m[1]} EMPTY has no position`);
  let i = 0;
  // any whitespace, not only spaces: WKT from files and forms is often wrapped or indented
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  // nested lists of positions, as nested arrays
  const list = (): unknown => {
    skipSpace();
    if (s[i] !== '(') throw new WktError(`expected "(" at character ${i + 1}`);
    i++;
    const items: unknown[] = [];
    for (;;) {
      skipSpace();
      if (s[i] === '(') items.push(list());
      else {
        const end = s.slice(i).search(/[,)]/);
        if (end < 0) throw new WktError('unclosed "("');
        const nums = s
          .slice(i, i + end)
          .trim()
          .split(/\s+/)
          .map(Number);
        if (nums.length < 2 || nums.some((n) => !Number.isFinite(n))) {
          throw new WktError(`"${s.slice(i, i + end).trim()}" is not a position`);
        }
        items.push([nums[0], nums[1]]);
        i += end;
      }
      skipSpace();
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === ')') {
        i++;
        return items;
      }
      throw new WktError(`expected "," or ")" at character ${i + 1}`);
    }
  };
  const body = list() as unknown[];
  if (s.slice(i).trim() !== '') throw new WktError('text after the end of the geometry');
  const depth = (v: unknown): number => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
  const want = { Point: 2, MultiPoint: 2, LineString: 2, MultiLineString: 3, Polygon: 3, MultiPolygon: 4 }[
    type
  ];
  let coordinates: unknown = body;
  if (type === 'Point') {
    if (body.length !== 1) throw new WktError('a POINT has one position');
    coordinates = body[0];
  } else if (type === 'MultiPoint' && depth(body) === 3) {
    // MULTIPOINT((1 2),(3 4)) as well as MULTIPOINT(1 2, 3 4)
    coordinates = body.map((p) => (p as unknown[])[0]);
  } else if (depth(body) !== want) {
    throw new WktError(`the parentheses do not fit a ${m[1]!.toUpperCase()}`);
  }
  return { type, coordinates };
}

const pos = (p: unknown) => {
  const [x, y] = p as Position;
  return `${x} ${y}`;
};
const line = (l: unknown) => `(${(l as unknown[]).map(pos).join(',')})`;
const poly = (r: unknown) => `(${(r as unknown[]).map(line).join(',')})`;

/** EWKT in EPSG:4326 of a GeoJSON geometry, for COPY into a geometry column. */
export function toEwkt(g: Geometry): string {
  const c = g.coordinates;
  switch (g.type) {
    case 'Point':
      return `SRID=4326;POINT(${pos(c)})`;
    case 'MultiPoint':
      return `SRID=4326;MULTIPOINT${line(c)}`;
    case 'LineString':
      return `SRID=4326;LINESTRING${line(c)}`;
    case 'MultiLineString':
      return `SRID=4326;MULTILINESTRING${poly(c)}`;
    case 'Polygon':
      return `SRID=4326;POLYGON${poly(c)}`;
    case 'MultiPolygon':
      return `SRID=4326;MULTIPOLYGON(${(c as unknown[]).map(poly).join(',')})`;
  }
}
