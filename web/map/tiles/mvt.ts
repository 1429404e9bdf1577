import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** A property value of a vector tile feature. */
export type MvtValue = string | number | boolean;

/** One point of a decoded tile layer, in EPSG:4326. */
export interface MvtPoint {
  /** Feature id, when the tile carries one. */
  id: number | null;
  /** [lon, lat] in degrees. */
  position: [number, number];
  properties: Record<string, MvtValue>;
}

/** A tile address (XYZ, y down). */
export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/**
 * The points of one layer of a Mapbox Vector Tile at `tile`, projected to lon/lat; lines and
 * polygons are skipped, each point of a multipoint is one point. Decoded by @mapbox/vector-tile
 * on the main thread: the tiles here hold at most a few thousand points, and nothing needs a worker.
 */
export function decodeTilePoints(bytes: Uint8Array, layerName: string, tile: TileCoord): MvtPoint[] {
  if (bytes.length === 0) return [];
  const layer = new VectorTile(new PbfReader(bytes)).layers[layerName];
  if (!layer) return [];
  const out: MvtPoint[] = [];
  for (let i = 0; i < layer.length; i++) {
    const feature = layer.feature(i);
    if (feature.type !== 1) continue;
    const { geometry } = feature.toGeoJSON(tile.x, tile.y, tile.z);
    const id = feature.id ?? null;
    const positions =
      geometry.type === 'Point'
        ? [geometry.coordinates]
        : geometry.type === 'MultiPoint'
          ? geometry.coordinates
          : [];
    for (const [lon, lat] of positions) {
      if (lon !== undefined && lat !== undefined)
        out.push({ id, position: [lon, lat], properties: feature.properties });
    }
  }
  return out;
}
