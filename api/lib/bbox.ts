/** [minLon, minLat, maxLon, maxLat] in EPSG:4326 degrees. */
export type BBox = [number, number, number, number];

/**
 * Parses `minLon,minLat,maxLon,maxLat` (EPSG:4326 degrees). Returns the box, or an
 * error message that says what is wrong with the text; never throws.
 */
export function parseBBox(text: string): { bbox: BBox } | { error: string } {
  const parts = text.split(',');
  if (parts.length !== 4)
    return {
      error: `bbox must have 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got ${parts.length}`,
    };
  const nums = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  const bad = nums.findIndex((n) => !Number.isFinite(n));
  if (bad >= 0) return { error: `bbox value ${bad + 1} ('${parts[bad]}') is not a number` };
  const [minLon, minLat, maxLon, maxLat] = nums as BBox;
  if (minLon < -180 || maxLon > 180) return { error: 'bbox longitudes must lie within -180..180' };
  if (minLat < -90 || maxLat > 90) return { error: 'bbox latitudes must lie within -90..90' };
  if (minLon >= maxLon) return { error: `bbox minLon (${minLon}) must be less than maxLon (${maxLon})` };
  if (minLat >= maxLat) return { error: `bbox minLat (${minLat}) must be less than maxLat (${maxLat})` };
  return { bbox: [minLon, minLat, maxLon, maxLat] };
}
