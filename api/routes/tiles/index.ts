import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AREA_TILE_LEVELS, POINT_TILES } from '../../db/tile-repository.ts';
import { startTileCellFolding } from '../../lib/tile-cell-folding.ts';
import { tileProblem } from '../../lib/tiles.ts';
import { ErrorBody } from '../../schemas/common.ts';
import type { LayerId } from '../../schemas/layers.ts';
import { TILE_LAYER_IDS, TileJson, TileJsonParams, TileParams, TileQuery } from '../../schemas/tiles.ts';
import { layerFilters } from '../../db/feature-repository.ts';

const MAX_ZOOM = 22;
/** Dongguan's extent (EPSG:4326), for TileJSON bounds. */
const CITY_BOUNDS = [113.5, 22.6, 114.3, 23.2];

const unknownLayer = (id: string) =>
  `params/layer: unknown tile layer '${id}'; layers are ${TILE_LAYER_IDS.join(', ')}`;

function parseInt10(s: string): number {
  return /^\d{1,8}$/.test(s) ? Number(s) : NaN;
}

export const tileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // report counts reach tile_cells through deltas (migrations/0017); this process folds them
  const folding = startTileCellFolding(app.db, (err) => app.log.warn({ err }, 'tile-cell fold failed'));
  app.addHook('onClose', () => folding.stop());

  app.get(
    '/api/tiles/:layer/:z/:x/:y.mvt',
    {
      config: { access: 'read' },
      schema: {
        summary: 'one Mapbox vector tile of a layer (EPSG:3857 z/x/y), filtered and limited to my area',
        tags: ['tiles'],
        params: TileParams,
        querystring: TileQuery,
        response: {
          200: Type.Unknown({ description: 'application/vnd.mapbox-vector-tile' }),
          304: Type.Null(),
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const { layer } = req.params;
      if (!(TILE_LAYER_IDS as readonly string[]).includes(layer))
        return reply.badRequest(unknownLayer(layer));
      const [z, x, y] = [parseInt10(req.params.z), parseInt10(req.params.x), parseInt10(req.params.y)];
      const problem = tileProblem(z, x, y);
      if (problem) return reply.badRequest(`params: ${problem}`);
      const repos = app.reposFor(req);
      let tile: Uint8Array;
      if (layer === 'areas') {
        if (Object.keys(req.query).length > 0)
          return reply.badRequest('querystring: the areas layer takes no filters');
        tile = await repos.tiles.areaTile({ z, x, y });
      } else {
        const accepted: string[] = layerFilters(layer as LayerId).filter((f) => f !== 'from' && f !== 'to');
        for (const name of Object.keys(req.query)) {
          if (!accepted.includes(name)) {
            return reply.badRequest(
              `querystring/${name}: layer '${layer}' has no filter '${name}'; it accepts ${accepted.join(', ')}`,
            );
          }
        }
        tile = await repos.tiles.pointTile(layer as LayerId, { z, x, y }, req.query);
      }
      // Tiles change whenever the data does (teams move, incidents arrive): clients
      // revalidate every time, and an unchanged tile costs a 304.
      const etag = `"${createHash('sha1').update(tile).digest('base64url')}"`;
      reply.header('etag', etag).header('cache-control', 'private, no-cache');
      if (req.headers['if-none-match'] === etag) return reply.code(304).send(null);
      return reply
        .type('application/vnd.mapbox-vector-tile')
        .send(Buffer.from(tile.buffer, tile.byteOffset, tile.byteLength));
    },
  );

  app.get(
    '/api/tiles/:layer.json',
    {
      config: { access: 'read' },
      schema: {
        summary: 'TileJSON of a tile layer',
        tags: ['tiles'],
        params: TileJsonParams,
        querystring: TileQuery,
        response: { 200: TileJson, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (req, reply) => {
      const { layer } = req.params;
      if (!(TILE_LAYER_IDS as readonly string[]).includes(layer))
        return reply.badRequest(unknownLayer(layer));
      const qs = new URLSearchParams(Object.entries(req.query).map(([k, v]) => [k, String(v)])).toString();
      const origin = `${req.protocol}://${req.headers.host ?? 'localhost'}`;
      const vectorLayers =
        layer === 'areas'
          ? [
              ...AREA_TILE_LEVELS.map((l) => ({
                id: l.level,
                fields: { code: 'String', name: 'String' },
                minzoom: l.minZoom,
                maxzoom: MAX_ZOOM,
              })),
              {
                id: 'label',
                fields: { code: 'String', name: 'String', level: 'String' },
                minzoom: 0,
                maxzoom: MAX_ZOOM,
              },
            ]
          : [
              {
                id: layer,
                fields: {
                  id: 'Number',
                  count: 'Number (clusters below the raw zoom)',
                  ...Object.fromEntries(
                    Object.keys(POINT_TILES[layer as LayerId].props).map((k) => [k, 'String|Number']),
                  ),
                },
                minzoom: 0,
                maxzoom: MAX_ZOOM,
                description: `points from zoom ${POINT_TILES[layer as LayerId].rawMinZoom}; below that one point per cell with a count`,
              },
            ];
      return {
        tilejson: '3.0.0' as const,
        name: layer,
        tiles: [`${origin}/api/tiles/${layer}/{z}/{x}/{y}.mvt${qs ? `?${qs}` : ''}`],
        minzoom: 0,
        maxzoom: MAX_ZOOM,
        bounds: CITY_BOUNDS,
        center: [113.75, 22.95, 10],
        vector_layers: vectorLayers,
      };
    },
  );
};
