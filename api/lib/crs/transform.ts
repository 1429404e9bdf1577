/**
 * Converting positions between WGS 84 and the shipped coordinate systems (definitions.ts) with
 * proj4, plus GCJ-02/BD-09 through chinese-coordinates.ts. Converters are built once per
 * system and kept.
 */
import proj4 from 'proj4';
import {
  fromWgs84 as chineseFromWgs84,
  toWgs84 as chineseToWgs84,
  type LonLat,
} from '../chinese-coordinates.ts';
import { crsById, type CrsDefinition, type LocalDatum } from './definitions.ts';

/**
 * Local 7-parameter (Bursa–Wolf, position vector) shifts to WGS 84, as PROJ's +towgs84 takes
 * them: dx, dy, dz in metres, rx, ry, rz in arc-seconds, ds in ppm. A datum without values is
 * converted approximately (its latitude and longitude taken as WGS 84).
 */
export type DatumParams = Partial<Record<LocalDatum, readonly number[]>>;

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';

/** A proj4 definition of `def` with the configured datum shift, when there is one. */
function definitionWithShift(def: CrsDefinition, params: DatumParams): string {
  const shift = def.datum === 'xian1980' || def.datum === 'beijing1954' ? params[def.datum] : undefined;
  return shift ? `${def.proj4!} +towgs84=${shift.join(',')}` : def.proj4!;
}

const cache = new Map<string, proj4.Converter>();

function converter(def: CrsDefinition, params: DatumParams): proj4.Converter {
  const source = definitionWithShift(def, params);
  let c = cache.get(source);
  if (!c) {
    c = proj4(source, WGS84);
    cache.set(source, c);
  }
  return c;
}

/** A position the converter cannot place (NaN, infinite) comes back as [NaN, NaN]. */
const finite = (p: readonly number[]): LonLat =>
  Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [p[0]!, p[1]!] : [NaN, NaN];

/**
 * A function converting positions of system `id` (as the file gives them: lon/lat or
 * easting/northing) to WGS 84 lon/lat. Throws for an unknown id.
 */
export function toWgs84Converter(id: string, params: DatumParams = {}): (p: LonLat) => LonLat {
  const def = crsById(id);
  if (!def) throw new Error(`unknown coordinate system ${id}`);
  if (def.id === 'wgs84') return (p) => p;
  if (def.datum === 'gcj02' || def.datum === 'bd09') {
    const crs = def.datum;
    return (p) => chineseToWgs84(p, crs);
  }
  const c = converter(def, params);
  return (p) => {
    try {
      return finite(c.forward([p[0], p[1]]));
    } catch {
      // proj4 throws for positions far outside a projection's domain
      return [NaN, NaN];
    }
  };
}

/** A function converting WGS 84 lon/lat to system `id`. Throws for an unknown id. */
export function fromWgs84Converter(id: string, params: DatumParams = {}): (p: LonLat) => LonLat {
  const def = crsById(id);
  if (!def) throw new Error(`unknown coordinate system ${id}`);
  if (def.id === 'wgs84') return (p) => p;
  if (def.datum === 'gcj02' || def.datum === 'bd09') {
    const crs = def.datum;
    return (p) => chineseFromWgs84(p, crs);
  }
  const c = converter(def, params);
  return (p) => finite(c.inverse([p[0], p[1]]));
}

/** Whether the shift of `def` to WGS 84 is approximate (a local datum without configured values). */
export function isApproximate(def: CrsDefinition, params: DatumParams): boolean {
  return (def.datum === 'xian1980' || def.datum === 'beijing1954') && !params[def.datum];
}

/**
 * The ESRI WKT of a CGCS2000 system for a Shapefile's .prj (as ArcGIS and GDAL write it, so
 * both recognise the EPSG code), or null for a system without one here.
 */
export function esriPrj(id: string): string | null {
  const def = crsById(id);
  if (!def) return null;
  if (def.id === 'wgs84') {
    return 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
  }
  if (def.datum !== 'cgcs2000') return null;
  const geogcs =
    'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
  const p = def.projection;
  if (p.method === 'longlat') return geogcs;
  if (p.method !== 'tmerc') return null;
  const prefixed = p.x0 !== 500_000;
  const threeDegree = def.name.includes('3-degree');
  const zone = prefixed ? Math.floor(p.x0 / 1_000_000) : null;
  const name = `CGCS2000_${threeDegree ? '3_Degree_' : ''}GK_${zone !== null ? `Zone_${zone}` : `CM_${p.lon0}E`}`;
  const num = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
  return `PROJCS["${name}",${geogcs},PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",${num(p.x0)}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${num(p.lon0)}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;
}
