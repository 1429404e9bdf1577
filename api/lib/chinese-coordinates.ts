/**
 * The coordinate systems of Chinese web maps, for the edges of the platform only (data
 * is stored in WGS84): GCJ-02 (国测局, AMap/Tencent) and BD-09 (Baidu). The offsets
 * follow the published algorithm (Krasovsky ellipsoid, a = 6378245 m); outside China
 * GCJ-02 equals WGS84. GCJ-02 → WGS84 is solved by iteration to better than 1e-9°
 * (about 0.1 mm), not the usual one-step approximation, which is off by up to ~1 m.
 */
export type LonLat = [number, number];

const A = 6378245.0;
// 0.00669342162296594323 as published, to the precision a double holds
const EE = 0.006693421622965943;
const X_PI = (Math.PI * 3000.0) / 180.0;

/** True outside the rough box in which GCJ-02 applies an offset. */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

/** WGS84 → GCJ-02 (degrees). */
export function wgs84ToGcj02([lon, lat]: LonLat): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  let dLat = transformLat(lon - 105.0, lat - 35.0);
  let dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** GCJ-02 → WGS84 (degrees), by fixed-point iteration on the forward offset. */
export function gcj02ToWgs84([lon, lat]: LonLat): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  let w: LonLat = [lon, lat];
  for (let i = 0; i < 30; i++) {
    const g = wgs84ToGcj02(w);
    const dx = g[0] - lon;
    const dy = g[1] - lat;
    w = [w[0] - dx, w[1] - dy];
    if (Math.abs(dx) < 1e-11 && Math.abs(dy) < 1e-11) break;
  }
  return w;
}

/** GCJ-02 → BD-09 (degrees). */
export function gcj02ToBd09([lon, lat]: LonLat): LonLat {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/** BD-09 → GCJ-02 (degrees). */
export function bd09ToGcj02([lon, lat]: LonLat): LonLat {
  const x = lon - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

export type ChineseCrs = 'wgs84' | 'gcj02' | 'bd09';

/** WGS84 → the given system. */
export function fromWgs84(p: LonLat, crs: ChineseCrs): LonLat {
  if (crs === 'wgs84') return p;
  const g = wgs84ToGcj02(p);
  return crs === 'gcj02' ? g : gcj02ToBd09(g);
}

/** BD-09 → GCJ-02 to better than 1e-9°: the closed form above, refined on the forward formula. */
export function bd09ToGcj02Exact(p: LonLat): LonLat {
  let g = bd09ToGcj02(p);
  for (let i = 0; i < 10; i++) {
    const b = gcj02ToBd09(g);
    const dx = b[0] - p[0];
    const dy = b[1] - p[1];
    g = [g[0] - dx, g[1] - dy];
    if (Math.abs(dx) < 1e-11 && Math.abs(dy) < 1e-11) break;
  }
  return g;
}

/** The given system → WGS84. */
export function toWgs84(p: LonLat, crs: ChineseCrs): LonLat {
  if (crs === 'wgs84') return p;
  return gcj02ToWgs84(crs === 'gcj02' ? p : bd09ToGcj02Exact(p));
}

/** A GeoJSON geometry's coordinates converted position by position (a new object). */
export function convertGeometry<G extends { type: string; coordinates: unknown }>(
  g: G,
  f: (p: LonLat) => LonLat,
): G {
  const walk = (c: unknown): unknown =>
    Array.isArray(c) && typeof c[0] === 'number' ? f([c[0], c[1] as number]) : (c as unknown[]).map(walk);
  return { ...g, coordinates: walk(g.coordinates) };
}
