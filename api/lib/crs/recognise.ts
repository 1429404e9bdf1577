/**
 * Recognising a file's coordinate system by its parameters: a Shapefile's .prj (ESRI WKT, OGC
 * WKT 1 or WKT 2) and a GeoJSON's legacy `crs` member. A .prj names its system freely ("GK114",
 * "CGCS2000_3_Degree_GK_CM_114E", "Transverse_Mercator"), so the name decides nothing: the
 * projection method, central meridian, scale, false easting and northing and the datum (by
 * name, else by its ellipsoid) are compared with the shipped definitions.
 */
import {
  CRS_DEFINITIONS,
  crsByEpsg,
  ELLIPSOIDS,
  type CrsDefinition,
  type Datum,
  type Ellipsoid,
} from './definitions.ts';

/** A coordinate system the file declares that the platform cannot convert; `params` say which. */
export class UnsupportedCrsError extends Error {
  constructor(
    message: string,
    readonly params: Record<string, string | number | null>,
  ) {
    super(message);
    this.name = 'UnsupportedCrsError';
  }
}

/** A WKT node: `KEYWORD[arg, arg, …]`. */
interface WktNode {
  keyword: string;
  args: Array<WktNode | string | number>;
}

/** Longest .prj text read (a real one is under 2 kB; side files are capped at 64 kB anyway). */
const MAX_WKT_CHARS = 64 * 1024;
const MAX_DEPTH = 16;

/** Parses WKT (1 or 2) into nodes; null when the text is not WKT. */
export function parseWktCrs(text: string): WktNode | null {
  if (text.length > MAX_WKT_CHARS) return null;
  let i = 0;
  const len = text.length;
  const skip = () => {
    while (i < len && /\s/.test(text[i]!)) i++;
  };
  const node = (depth: number): WktNode | null => {
    if (depth > MAX_DEPTH) return null;
    skip();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 64));
    if (!m) return null;
    i += m[0].length;
    skip();
    const open = text[i];
    if (open !== '[' && open !== '(') return null;
    const close = open === '[' ? ']' : ')';
    i++;
    const args: WktNode['args'] = [];
    for (;;) {
      skip();
      const c = text[i];
      if (c === undefined) return null;
      if (c === close) {
        i++;
        return { keyword: m[0].toUpperCase(), args };
      }
      if (c === '"') {
        let s = '';
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) return null;
          s += text.slice(i, q);
          // WKT 2 escapes a quote by doubling it
          if (text[q + 1] === '"') {
            s += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        args.push(s);
      } else if (/[-+0-9.]/.test(c)) {
        const n = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 64));
        if (!n) return null;
        args.push(Number(n[0]));
        i += n[0].length;
      } else if (/[A-Za-z_]/.test(c)) {
        // a bare word (an axis direction such as EAST) or a nested node
        const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 64))![0];
        let k = i + word.length;
        while (k < len && /\s/.test(text[k]!)) k++;
        if (text[k] === '[' || text[k] === '(') {
          const child = node(depth + 1);
          if (!child) return null;
          args.push(child);
        } else {
          args.push(word);
          i += word.length;
        }
      } else {
        return null;
      }
      skip();
      if (text[i] === ',') i++;
    }
  };
  const root = node(0);
  skip();
  return root;
}

const children = (n: WktNode, ...keywords: string[]): WktNode[] =>
  n.args.filter((a): a is WktNode => typeof a === 'object' && keywords.includes(a.keyword));
const child = (n: WktNode, ...keywords: string[]): WktNode | undefined => children(n, ...keywords)[0];
const nameOf = (n: WktNode | undefined): string => (n && typeof n.args[0] === 'string' ? n.args[0] : '');

/** Lower case, letters and digits only: "D_China_2000" → "dchina2000". */
const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The datum a name means, or null. */
function datumFromName(name: string): Datum | null {
  const s = squash(name);
  if (/china2000|cgcs2000|chinageodeticcoordinatesystem2000/.test(s)) return 'cgcs2000';
  if (/xian1980|xian80|xian/.test(s)) return 'xian1980';
  if (/beijing1954|beijing54|beijing/.test(s)) return 'beijing1954';
  if (/wgs1984|wgs84|worldgeodeticsystem1984/.test(s)) return 'wgs84';
  return null;
}

const sameEllipsoid = (a: Ellipsoid, b: Ellipsoid): boolean =>
  Math.abs(a.a - b.a) < 0.5 && (a.rf === 0 || b.rf === 0 ? a.rf === b.rf : Math.abs(a.rf - b.rf) < 1e-3);

/** The datum an ellipsoid implies when the datum's name says nothing known. */
function datumFromEllipsoid(e: Ellipsoid): Datum | null {
  if (sameEllipsoid(e, ELLIPSOIDS.wgs84) || sameEllipsoid(e, ELLIPSOIDS.grs80)) return 'cgcs2000';
  if (sameEllipsoid(e, ELLIPSOIDS.iau76)) return 'xian1980';
  if (sameEllipsoid(e, ELLIPSOIDS.krass)) return 'beijing1954';
  return null;
}

/** WGS 84 and CGCS2000 are centimetres apart: a definition on either matches a file on either. */
const datumGroup = (d: Datum): string => (d === 'cgcs2000' ? 'wgs84' : d);

/** What a WKT says, in the terms the definitions are compared in. */
interface Declared {
  name: string;
  projected: boolean;
  datum: Datum | null;
  datumName: string;
  ellipsoid: Ellipsoid | null;
  method: string;
  params: Map<string, number>;
  /** Metres per unit of a projected system's coordinates. */
  unit: number;
  /** The EPSG code the WKT gives itself, when it does (a hint checked against the parameters). */
  epsg: number | null;
  proj4Extension: string;
}

/** Parameter names of WKT 1 (ESRI and OGC) and WKT 2, reduced to one key each. */
function paramKey(name: string): string {
  const s = squash(name);
  if (s === 'centralmeridian' || s === 'longitudeofnaturalorigin' || s === 'longitudeofcenter') return 'lon0';
  if (s === 'falseeasting') return 'x0';
  if (s === 'falsenorthing') return 'y0';
  if (s === 'scalefactor' || s === 'scalefactoratnaturalorigin') return 'k';
  if (s === 'latitudeoforigin' || s === 'latitudeofnaturalorigin' || s === 'latitudeofcenter') return 'lat0';
  if (s === 'standardparallel1' || s === 'latitudeof1ststandardparallel') return 'lat1';
  return s;
}

function authorityCode(n: WktNode): number | null {
  const id = child(n, 'AUTHORITY', 'ID');
  if (!id || squash(String(id.args[0] ?? '')) !== 'epsg') return null;
  const code = Number(id.args[1]);
  return Number.isInteger(code) ? code : null;
}

function describe(root: WktNode): Declared | null {
  let top = root;
  if (top.keyword === 'COMPD_CS' || top.keyword === 'COMPOUNDCRS') {
    top =
      child(top, 'PROJCS', 'PROJCRS', 'PROJECTEDCRS', 'GEOGCS', 'GEOGCRS', 'GEODCRS', 'GEOGRAPHICCRS') ?? top;
  }
  const projected = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS'].includes(top.keyword);
  const geographic = ['GEOGCS', 'GEOGCRS', 'GEODCRS', 'GEOGRAPHICCRS'].includes(top.keyword);
  if (!projected && !geographic) return null;
  const base = projected ? (child(top, 'GEOGCS', 'BASEGEOGCRS', 'BASEGEODCRS', 'GEOGCRS') ?? top) : top;
  const datumNode = child(base, 'DATUM', 'GEODETICDATUM', 'TRF', 'ENSEMBLE');
  const ellipsoidNode = datumNode ? child(datumNode, 'SPHEROID', 'ELLIPSOID') : undefined;
  const a = Number(ellipsoidNode?.args[1]);
  const rf = Number(ellipsoidNode?.args[2]);
  const ellipsoid = Number.isFinite(a) && Number.isFinite(rf) ? { a, rf } : null;
  const datumName = nameOf(datumNode);
  const datum =
    datumFromName(datumName) ??
    datumFromName(nameOf(base)) ??
    (ellipsoid ? datumFromEllipsoid(ellipsoid) : null);
  const params = new Map<string, number>();
  let method = '';
  if (projected) {
    const conversion = child(top, 'CONVERSION', 'DERIVINGCONVERSION');
    const holder = conversion ?? top;
    method = nameOf(child(holder, 'PROJECTION', 'METHOD'));
    for (const p of children(holder, 'PARAMETER')) {
      const value = Number(p.args[1]);
      if (Number.isFinite(value)) params.set(paramKey(nameOf(p)), value);
    }
  }
  // the projected coordinates' unit: the last UNIT/LENGTHUNIT at the top level (or in a WKT 2 axis)
  let unit = 1;
  const units = children(top, 'UNIT', 'LENGTHUNIT');
  const unitNode = units[units.length - 1];
  if (projected && unitNode && typeof unitNode.args[1] === 'number') unit = unitNode.args[1];
  const extension = children(top, 'EXTENSION').find((e) => squash(nameOf(e)) === 'proj4');
  return {
    name: nameOf(top),
    projected,
    datum,
    datumName,
    ellipsoid,
    method,
    params,
    unit,
    epsg: authorityCode(top),
    proj4Extension: extension ? String(extension.args[1] ?? '') : '',
  };
}

const near = (a: number | undefined, b: number, tolerance: number): boolean =>
  a !== undefined && Math.abs(a - b) <= tolerance;

function projectionMatches(d: Declared, def: CrsDefinition): boolean {
  const method = squash(d.method);
  const p = def.projection;
  if (p.method === 'tmerc') {
    if (!/transversemercator|gausskruger|gaussboaga/.test(method)) return false;
    return (
      near(d.params.get('lon0'), p.lon0, 1e-7) &&
      near(d.params.get('x0') ?? 0, p.x0, 1e-3) &&
      near(d.params.get('y0') ?? 0, p.y0, 1e-3) &&
      near(d.params.get('k') ?? 1, p.k, 1e-9) &&
      near(d.params.get('lat0') ?? 0, 0, 1e-9)
    );
  }
  if (p.method === 'webmerc') {
    const pseudo =
      /mercatorauxiliarysphere|popularvisualisationpseudomercator|pseudomercator/.test(method) ||
      /pseudomercator|webmercator/.test(squash(d.name)) ||
      (/mercator/.test(method) && /\+a=6378137\s+\+b=6378137/.test(d.proj4Extension)) ||
      (/mercator/.test(method) && d.ellipsoid !== null && d.ellipsoid.rf === 0 && d.ellipsoid.a === 6378137);
    return (
      pseudo &&
      near(d.params.get('lon0') ?? 0, 0, 1e-9) &&
      near(d.params.get('x0') ?? 0, 0, 1e-3) &&
      near(d.params.get('y0') ?? 0, 0, 1e-3)
    );
  }
  return false;
}

/** What a system is called in a message: its name and its parameters. */
function summary(d: Declared): Record<string, string | number | null> {
  return {
    name: d.name,
    projection: d.method || null,
    centralMeridian: d.params.get('lon0') ?? null,
    falseEasting: d.params.get('x0') ?? null,
    datum: d.datumName || null,
  };
}

/**
 * The shipped system a WKT describes. A geographic system on WGS 84 or CGCS2000 gives its
 * definition; one the platform does not know gives null (the user chooses). A projected one
 * must match a shipped definition by its parameters, or UnsupportedCrsError is thrown (its
 * coordinates are metres and cannot be guessed at).
 */
export function recogniseWkt(text: string): CrsDefinition | null {
  const root = parseWktCrs(text.replace(/^\uFEFF/, '').trim());
  if (!root) return null;
  const d = describe(root);
  if (!d) return null;
  if (!d.projected) {
    if (!d.datum) return null;
    const def = CRS_DEFINITIONS.find((c) => c.projection.method === 'longlat' && c.datum === d.datum);
    // CGCS2000 lon/lat is the same as WGS 84 to centimetres, and named as the file says
    return def ?? null;
  }
  if (Math.abs(d.unit - 1) > 1e-9) {
    throw new UnsupportedCrsError(
      `the coordinate system ${d.name} is in units of ${d.unit} m, not metres; reproject it to a supported system`,
      summary(d),
    );
  }
  const candidates = CRS_DEFINITIONS.filter(
    (def) => def.projection.method !== 'longlat' && projectionMatches(d, def),
  );
  const datum = d.datum;
  const matching = candidates.filter(
    (def) =>
      datum === null || def.projection.method === 'webmerc' || datumGroup(def.datum) === datumGroup(datum),
  );
  // Systems with the same parameters are the same system under two codes (a 6° zone's central
  // meridian is also a 3° zone's): the code the file gives, else its name's "3 degree", breaks the
  // tie; then the datum as written (a CGCS2000 zone rather than a WGS 84 one)
  const threeDegree = /3.?deg/i.test(d.name);
  const best =
    matching.find((def) => def.epsg === d.epsg) ??
    matching.find((def) => def.datum === datum && def.name.includes('3-degree') === threeDegree) ??
    matching.find((def) => def.datum === datum) ??
    matching[0];
  if (!best) {
    throw new UnsupportedCrsError(
      `the coordinate system ${d.name} (${d.method || 'unknown projection'}, central meridian ${d.params.get('lon0') ?? '?'}, false easting ${d.params.get('x0') ?? '?'}, datum ${d.datumName || '?'}) is not one the import knows; reproject it to WGS 84, CGCS2000 or a CGCS2000 Gauss-Kruger zone`,
      summary(d),
    );
  }
  return best;
}

/**
 * The shipped system a GeoJSON `crs` member names: `{"type":"name","properties":{"name":…}}`
 * with an OGC URN or `EPSG:<code>`, or the older `{"type":"EPSG","properties":{"code":…}}`.
 * Null when it names none (or CRS84/EPSG:4326, i.e. WGS 84 as RFC 7946 assumes); throws
 * UnsupportedCrsError for an EPSG code the platform does not know.
 */
export function recogniseGeojsonCrs(member: unknown): CrsDefinition | null {
  if (typeof member !== 'object' || member === null) return null;
  const m = member as { type?: unknown; properties?: { name?: unknown; code?: unknown } };
  let code: number | null = null;
  let label = '';
  if (m.type === 'EPSG' && m.properties && Number.isInteger(Number(m.properties.code))) {
    code = Number(m.properties.code);
    label = `EPSG:${code}`;
  } else if (typeof m.properties?.name === 'string') {
    label = m.properties.name;
    const name = label.toUpperCase();
    if (/CRS:?84$/.test(name)) return crsByEpsg(4326);
    // EPSG:4547, urn:ogc:def:crs:EPSG::4547, the versioned urn:ogc:def:crs:EPSG:6.6:4547, and its http form
    const found = /EPSG(?::[\d.]*)?[:/](?:[\d.]*\/)?(\d+)$/.exec(name);
    if (found) code = Number(found[1]);
  }
  if (code === null) return null;
  const def = crsByEpsg(code);
  if (!def) {
    throw new UnsupportedCrsError(
      `the GeoJSON declares the coordinate system ${label}, which the import does not know; reproject it to WGS 84, CGCS2000 or a CGCS2000 Gauss-Kruger zone`,
      { name: label, projection: null, centralMeridian: null, falseEasting: null, datum: null },
    );
  }
  return def;
}
