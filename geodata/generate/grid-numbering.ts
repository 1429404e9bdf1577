/**
 * Grid numbering (网格编码): village 12-digit code + 3-digit sequence, numbered
 * west→east, north→south (the DB11 单元网格 pattern with 441900 as the county part).
 */
import { pad } from './format.ts';

/**
 * Order cells for numbering: the village's latitude span is cut into `rows` equal bands
 * (default round(sqrt(n)), at least 1); bands go north to south, and within a band cells go
 * west to east by centroid longitude. Ties break by latitude (north first), then input index.
 * @param centroids [lon, lat] of each cell, degrees
 * @param minLat southern edge of the village, degrees
 * @param maxLat northern edge of the village, degrees
 * @returns the input indices in numbering order (first gets sequence 001)
 */
export function numberingOrder(
  centroids: readonly (readonly [number, number])[],
  minLat: number,
  maxLat: number,
  rows = Math.max(1, Math.round(Math.sqrt(centroids.length))),
): number[] {
  const h = (maxLat - minLat) / rows;
  const band = (lat: number): number =>
    h > 0 ? Math.min(rows - 1, Math.max(0, Math.floor((maxLat - lat) / h))) : 0;
  return centroids
    .map((c, i) => ({ i, x: c[0], y: c[1], r: band(c[1]) }))
    .sort((a, b) => a.r - b.r || a.x - b.x || b.y - a.y || a.i - b.i)
    .map((o) => o.i);
}

/**
 * 15-digit grid code from a 12-digit village code and a 1-based sequence number.
 * @example gridCode('441900003001', 7) === '441900003001007'
 */
export function gridCode(villageCode: string, seq: number): string {
  if (!/^\d{12}$/.test(villageCode)) throw new Error(`gridCode: bad village code ${villageCode}`);
  if (seq < 1 || seq > 999) throw new Error(`gridCode: sequence out of range ${seq}`);
  return villageCode + pad(seq, 3);
}

/**
 * Short village name used in grid names: 社区居民委员会 → 社区, (村)村民委员会 → 村, others unchanged.
 * @example villageShortName('岗贝社区居民委员会') === '岗贝社区'
 * @example villageShortName('新四村村民委员会') === '新四村'
 */
export function villageShortName(name: string): string {
  if (name.endsWith('社区居民委员会')) return name.slice(0, -'居民委员会'.length);
  if (name.endsWith('村民委员会')) {
    const base = name.slice(0, -'村民委员会'.length);
    return base.endsWith('村') ? base : base + '村';
  }
  if (name.endsWith('居民委员会')) return name.slice(0, -'居民委员会'.length) + '社区';
  return name;
}

/** Short town name: 虎门镇 → 虎门, 东城街道 → 东城, 松山湖管委会 → 松山湖. */
export function townShortName(name: string): string {
  for (const s of ['街道', '管委会', '新区', '镇'])
    if (name.endsWith(s) && name.length > s.length + 1) return name.slice(0, -s.length);
  return name;
}
