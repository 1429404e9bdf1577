/** Metres per degree of latitude (WGS84, mean). */
export const M_PER_DEG_LAT = 110_574;
/** Metres per degree of longitude at the equator (WGS84); multiply by cos(latitude). */
export const M_PER_DEG_LON = 111_320;

/** Straight-line distance in metres between two WGS84 points (equirectangular; < 0.1 % off within a city). */
export function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const k = Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  const dx = (lon2 - lon1) * M_PER_DEG_LON * k;
  const dy = (lat2 - lat1) * M_PER_DEG_LAT;
  return Math.sqrt(dx * dx + dy * dy);
}
