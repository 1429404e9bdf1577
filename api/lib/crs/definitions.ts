/**
 * The coordinate systems the platform reads and writes, with their PROJ definitions, shipped
 * here so that nothing is looked up over the network. Stored data is always WGS 84; these
 * systems exist at the edges (imports, exports).
 *
 * - WGS 84 lon/lat (EPSG:4326), and the Chinese web-map offsets GCJ-02 (AMap, Tencent) and
 *   BD-09 (Baidu), which have no EPSG code (api/lib/chinese-coordinates.ts converts them).
 * - CGCS2000 (EPSG:4490) and every CGCS2000 Gauss–Krüger zone: 6° zones 13–23 with the zone
 *   number in front of the easting (EPSG:4491–4501) and without (CM 75E–135E, 4502–4512);
 *   3° zones 25–45 with the prefix (4513–4533) and without (CM 75E–135E, 4534–4554).
 *   CGCS2000 and WGS 84 differ by a few centimetres: they are treated as the same datum.
 * - Web Mercator (EPSG:3857) and UTM zones 49N/50N on WGS 84 (EPSG:32649/32650).
 * - Xian 1980 (EPSG:4610) and Beijing 1954 (EPSG:4214) lon/lat and their 3° Gauss–Krüger zones
 *   (Xian 1980: 2349–2369 with prefix, 2370–2390 without; Beijing 1954: 2401–2421 and
 *   2422–2442), which include CM 111E, 114E and 117E over Guangdong. Their datums are tens of
 *   metres from WGS 84 and no national transformation is published: without local
 *   7-parameter values (RISKMAP_DATUM_PARAMS_XIAN1980 / _BEIJING1954) the latitude and
 *   longitude on the local ellipsoid are taken as WGS 84 (as PROJ's ballpark transformation
 *   does), which is approximate.
 *
 * Pure data (no proj4 import), so the web app can list the systems without the library.
 */

/** The datums the systems are on. */
export type Datum = 'wgs84' | 'cgcs2000' | 'xian1980' | 'beijing1954' | 'gcj02' | 'bd09';

/** Datums whose shift to WGS 84 is only approximate unless local parameters are configured. */
export const LOCAL_DATUMS = ['xian1980', 'beijing1954'] as const;
export type LocalDatum = (typeof LOCAL_DATUMS)[number];

/** An ellipsoid by semi-major axis and inverse flattening. */
export interface Ellipsoid {
  a: number;
  rf: number;
}

export const ELLIPSOIDS: Record<'wgs84' | 'grs80' | 'iau76' | 'krass' | 'sphere', Ellipsoid> = {
  wgs84: { a: 6378137, rf: 298.257223563 },
  grs80: { a: 6378137, rf: 298.257222101 },
  iau76: { a: 6378140, rf: 298.257 },
  krass: { a: 6378245, rf: 298.3 },
  sphere: { a: 6378137, rf: 0 },
};

/** How positions are projected: none (lon/lat), Transverse Mercator, or Web Mercator. */
export type Projection =
  | { method: 'longlat' }
  | { method: 'tmerc'; lon0: number; k: number; x0: number; y0: number }
  | { method: 'webmerc' };

export interface CrsDefinition {
  /** What the API takes and answers: `wgs84`, `gcj02`, `bd09`, or `EPSG:<code>`. */
  id: string;
  /** The EPSG code; null for GCJ-02 and BD-09. */
  epsg: number | null;
  /** The EPSG name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 114E". */
  name: string;
  /** The same in Chinese, for the interface. */
  nameZh: string;
  datum: Datum;
  ellipsoid: Ellipsoid;
  projection: Projection;
  /** The PROJ definition (without a datum shift for Xian 1980 / Beijing 1954); null for GCJ-02/BD-09. */
  proj4: string | null;
}

const ELLPS_PROJ: Record<string, string> = {
  wgs84: '+datum=WGS84',
  grs80: '+ellps=GRS80',
  iau76: '+ellps=IAU76',
  krass: '+ellps=krass',
};

function tmerc(
  epsg: number,
  name: string,
  nameZh: string,
  datum: Datum,
  ellps: 'wgs84' | 'grs80' | 'iau76' | 'krass',
  lon0: number,
  x0: number,
  k = 1,
): CrsDefinition {
  return {
    id: `EPSG:${epsg}`,
    epsg,
    name,
    nameZh,
    datum,
    ellipsoid: ELLIPSOIDS[ellps],
    projection: { method: 'tmerc', lon0, k, x0, y0: 0 },
    // UTM zones as PROJ writes them (the same Transverse Mercator)
    proj4:
      k === 0.9996
        ? `+proj=utm +zone=${(lon0 + 183) / 6} ${ELLPS_PROJ[ellps]} +units=m +no_defs`
        : `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=${k} +x_0=${x0} +y_0=0 ${ELLPS_PROJ[ellps]} +units=m +no_defs`,
  };
}

const DATUM_NAMES: Record<'cgcs2000' | 'xian1980' | 'beijing1954', { en: string; zh: string }> = {
  cgcs2000: { en: 'CGCS2000', zh: 'CGCS2000' },
  xian1980: { en: 'Xian 1980', zh: '西安1980' },
  beijing1954: { en: 'Beijing 1954', zh: '北京1954' },
};

/** The 3° Gauss–Krüger zones 25–45 (CM 75E–135E), with and without the zone prefix. */
function threeDegreeZones(
  datum: 'cgcs2000' | 'xian1980' | 'beijing1954',
  ellps: 'grs80' | 'iau76' | 'krass',
  firstWithPrefix: number,
  firstWithout: number,
): CrsDefinition[] {
  const { en, zh } = DATUM_NAMES[datum];
  const out: CrsDefinition[] = [];
  for (let zone = 25; zone <= 45; zone++) {
    const cm = zone * 3;
    out.push(
      tmerc(
        firstWithPrefix + zone - 25,
        `${en} / 3-degree Gauss-Kruger zone ${zone}`,
        `${zh} / 3度带高斯-克吕格 第${zone}带（带号前缀，中央经线${cm}°E）`,
        datum,
        ellps,
        cm,
        zone * 1_000_000 + 500_000,
      ),
    );
  }
  for (let zone = 25; zone <= 45; zone++) {
    const cm = zone * 3;
    out.push(
      tmerc(
        firstWithout + zone - 25,
        `${en} / 3-degree Gauss-Kruger CM ${cm}E`,
        `${zh} / 3度带高斯-克吕格 中央经线${cm}°E`,
        datum,
        ellps,
        cm,
        500_000,
      ),
    );
  }
  return out;
}

/** The CGCS2000 6° Gauss–Krüger zones 13–23 (CM 75E–135E), with and without the zone prefix. */
function sixDegreeZones(): CrsDefinition[] {
  const out: CrsDefinition[] = [];
  for (let zone = 13; zone <= 23; zone++) {
    const cm = zone * 6 - 3;
    out.push(
      tmerc(
        4491 + zone - 13,
        `CGCS2000 / Gauss-Kruger zone ${zone}`,
        `CGCS2000 / 6度带高斯-克吕格 第${zone}带（带号前缀，中央经线${cm}°E）`,
        'cgcs2000',
        'grs80',
        cm,
        zone * 1_000_000 + 500_000,
      ),
    );
  }
  for (let zone = 13; zone <= 23; zone++) {
    const cm = zone * 6 - 3;
    out.push(
      tmerc(
        4502 + zone - 13,
        `CGCS2000 / Gauss-Kruger CM ${cm}E`,
        `CGCS2000 / 6度带高斯-克吕格 中央经线${cm}°E`,
        'cgcs2000',
        'grs80',
        cm,
        500_000,
      ),
    );
  }
  return out;
}

/** Every system, in the order the pickers list them (the common ones first). */
export const CRS_DEFINITIONS: readonly CrsDefinition[] = [
  {
    id: 'wgs84',
    epsg: 4326,
    name: 'WGS 84',
    nameZh: 'WGS 84 经纬度（GPS）',
    datum: 'wgs84',
    ellipsoid: ELLIPSOIDS.wgs84,
    projection: { method: 'longlat' },
    proj4: '+proj=longlat +datum=WGS84 +no_defs',
  },
  {
    id: 'EPSG:4490',
    epsg: 4490,
    name: 'China Geodetic Coordinate System 2000',
    nameZh: 'CGCS2000 经纬度（2000国家大地坐标系）',
    datum: 'cgcs2000',
    ellipsoid: ELLIPSOIDS.grs80,
    projection: { method: 'longlat' },
    proj4: '+proj=longlat +ellps=GRS80 +no_defs',
  },
  {
    id: 'gcj02',
    epsg: null,
    name: 'GCJ-02 (AMap, Tencent)',
    nameZh: 'GCJ-02 火星坐标（高德、腾讯）',
    datum: 'gcj02',
    ellipsoid: ELLIPSOIDS.krass,
    projection: { method: 'longlat' },
    proj4: null,
  },
  {
    id: 'bd09',
    epsg: null,
    name: 'BD-09 (Baidu)',
    nameZh: 'BD-09 百度坐标',
    datum: 'bd09',
    ellipsoid: ELLIPSOIDS.krass,
    projection: { method: 'longlat' },
    proj4: null,
  },
  ...threeDegreeZones('cgcs2000', 'grs80', 4513, 4534),
  ...sixDegreeZones(),
  {
    id: 'EPSG:3857',
    epsg: 3857,
    name: 'WGS 84 / Pseudo-Mercator',
    nameZh: 'Web 墨卡托（WGS 84 / Pseudo-Mercator）',
    datum: 'wgs84',
    ellipsoid: ELLIPSOIDS.sphere,
    projection: { method: 'webmerc' },
    proj4:
      '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
  },
  tmerc(32649, 'WGS 84 / UTM zone 49N', 'WGS 84 / UTM 第49带（北）', 'wgs84', 'wgs84', 111, 500_000, 0.9996),
  tmerc(32650, 'WGS 84 / UTM zone 50N', 'WGS 84 / UTM 第50带（北）', 'wgs84', 'wgs84', 117, 500_000, 0.9996),
  {
    id: 'EPSG:4610',
    epsg: 4610,
    name: 'Xian 1980',
    nameZh: '西安1980 经纬度',
    datum: 'xian1980',
    ellipsoid: ELLIPSOIDS.iau76,
    projection: { method: 'longlat' },
    proj4: '+proj=longlat +ellps=IAU76 +no_defs',
  },
  ...threeDegreeZones('xian1980', 'iau76', 2349, 2370),
  {
    id: 'EPSG:4214',
    epsg: 4214,
    name: 'Beijing 1954',
    nameZh: '北京1954 经纬度',
    datum: 'beijing1954',
    ellipsoid: ELLIPSOIDS.krass,
    projection: { method: 'longlat' },
    proj4: '+proj=longlat +ellps=krass +no_defs',
  },
  ...threeDegreeZones('beijing1954', 'krass', 2401, 2422),
];

/** Every system's id, for schemas and pickers. */
export const CRS_IDS = CRS_DEFINITIONS.map((d) => d.id);

const BY_ID = new Map(CRS_DEFINITIONS.map((d) => [d.id, d]));

/** The definition of `id` (`EPSG:4326` is WGS 84), or null when the platform does not know it. */
export function crsById(id: string): CrsDefinition | null {
  if (id === 'EPSG:4326') return BY_ID.get('wgs84')!;
  return BY_ID.get(id) ?? null;
}

/** The definition of an EPSG code, or null. */
export function crsByEpsg(code: number): CrsDefinition | null {
  return code === 4326 ? BY_ID.get('wgs84')! : (BY_ID.get(`EPSG:${code}`) ?? null);
}

/**
 * The systems an export can be written in: WGS 84, GCJ-02, BD-09, CGCS2000 lon/lat and every
 * CGCS2000 3° Gauss–Krüger zone (EPSG:4547 covers Dongguan).
 */
export const EXPORT_CRS_IDS = CRS_DEFINITIONS.filter(
  (d) =>
    d.id === 'wgs84' ||
    d.id === 'gcj02' ||
    d.id === 'bd09' ||
    d.id === 'EPSG:4490' ||
    (d.epsg !== null && d.epsg >= 4513 && d.epsg <= 4554),
).map((d) => d.id);

/** Whether the positions of `def` are metres (easting, northing) rather than degrees. */
export function isProjected(def: CrsDefinition): boolean {
  return def.projection.method !== 'longlat';
}
