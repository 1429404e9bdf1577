import { Type, type Static } from 'typebox';

/**
 * What the web app draws under the data (GET /api/basemap-settings). `offline`: the offline
 * GeoJSON basemap of /api/basemap/:name, nothing else set. `raster`: 256-px tiles from `tiles`.
 * `vector`: the MapLibre style at `styleUrl`. With `crs: 'gcj02'` the tiles are in GCJ-02 and the
 * data (stored in WGS84) are shifted for display only.
 */
export const BasemapSettings = Type.Object({
  kind: Type.Union([Type.Literal('offline'), Type.Literal('raster'), Type.Literal('vector')]),
  crs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')], {
    description: 'coordinate system of the tiles; always wgs84 for the offline basemap',
  }),
  tiles: Type.Union([Type.String(), Type.Null()], {
    description: 'raster tile URL template with {z}/{x}/{y}; null otherwise',
  }),
  styleUrl: Type.Union([Type.String(), Type.Null()], {
    description: 'vector: URL of the MapLibre style JSON (relative URLs are on this origin); null otherwise',
  }),
  attribution: Type.Union([Type.String(), Type.Null()]),
  maxzoom: Type.Integer({ minimum: 0, maximum: 24, description: 'deepest zoom the tile server has' }),
});
export type BasemapSettings = Static<typeof BasemapSettings>;
