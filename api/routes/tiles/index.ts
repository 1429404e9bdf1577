import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AREA_TILE_LEVELS, POINT_TILES } from '../../db/tile-repository.ts';
import { publicBaseUrl } from '../../lib/public-url.ts';
import { tileProblem } from '../../lib/tiles.ts';
import { ErrorBody } from '../../schemas/common.ts';
import type { LayerId } from '../../schemas/layers.ts';
import { TILE_LAYER_IDS, TileJson, TileJsonParams, TileParams, TileQuery } from '../../schemas/tiles.ts';
import { layerFilters } from '../../db/feature-repository.ts';
import { DomainError } from '../../lib/errors.ts';

const MAX_ZOOM = 22;
/** Dongguan's extent (EPSG:4326), for TileJSON bounds. */
const CITY_BOUNDS = [113.5, 22.6, 114.3, 23.2];

const unknownLayer = (id: string) =>
  `params/layer: unknown tile layer '${id}'; layers are ${TILE_LAYER_IDS.join(', ')}`;

/**
 * If-None-Match against a tile's tag, by the weak comparison RFC 9110 asks for: a list of tags,
 * `W/` ignored, `*` matches. (A compressed tile's coding suffix is taken off before this, in
 * api/plugins/compression.ts.)
 */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Sends an encoded tile with its ETag, or a 304 when the client holds it already. */
function sendTile(req: FastifyRequest, reply: FastifyReply, tile: Uint8Array, cacheControl: string) {
  const etag = `"${createHash('sha1').update(tile).digest('base64url')}"`;
  reply.header('etag', etag).header('cache-control', cacheControl);
  if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) return reply.code(304).send(null);
  return reply
    .type('application/vnd.mapbox-vector-tile')
    .send(Buffer.from(tile.buffer, tile.byteOffset, tile.byteLength));
}

function parseInt10(s: string): number {
  return /^\d{1,8}$/.test(s) ? Number(s) : NaN;
}

/** A tile request the layer cannot answer: coordinates out of range, a filter it does not take (400). */
function tileInvalid(message: string): DomainError {
  return new DomainError(400, 'tile_invalid', message, { message });
}

export const tileRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      if (!(TILE_LAYER_IDS as readonly string[]).includes(layer)) throw tileInvalid(unknownLayer(layer));
      const [z, x, y] = [parseInt10(req.params.z), parseInt10(req.params.x), parseInt10(req.params.y)];
      const problem = tileProblem(z, x, y);
      if (problem) throw tileInvalid(`params: ${problem}`);
      const repos = app.reposFor(req);
      let tile: Uint8Array;
      if (layer === 'areas') {
        if (Object.keys(req.query).length > 0)
          throw tileInvalid('querystring: the areas layer takes no filters');
        tile = await repos.tiles.areaTile({ z, x, y });
      } else {
        const accepted: string[] = layerFilters(layer as LayerId).filter((f) => f !== 'from' && f !== 'to');
        for (const name of Object.keys(req.query)) {
          if (!accepted.includes(name)) {
            throw tileInvalid(
              `querystring/${name}: layer '${layer}' has no filter '${name}'; it accepts ${accepted.join(', ')}`,
            );
          }
        }
        tile = await repos.tiles.pointTile(layer as LayerId, { z, x, y }, req.query);
      }
      // Tiles change whenever the data does (teams move, incidents arrive): clients
      // revalidate every time, and an unchanged tile costs a 304.
      return sendTile(req, reply, tile, 'private, no-cache');
    },
  );

  app.get(
    '/api/tiles/basemap/:z/:x/:y.mvt',
    {
      // Public: geography only (roads, place names), drawn under every map, the citizen's
      // location picker included. A map view asks a dozen tiles at a time.
      config: { access: 'public', rateLimit: { max: 3000, timeWindow: 60_000 } },
      schema: {
        summary:
          'one vector tile of the basemap context: roads by class (layer road) and town, village and grid names (layer place)',
        tags: ['tiles'],
        params: Type.Object({
          z: Type.String({ maxLength: 8 }),
          x: Type.String({ maxLength: 8 }),
          y: Type.String({ maxLength: 8 }),
        }),
        response: {
          200: Type.Unknown({ description: 'application/vnd.mapbox-vector-tile' }),
          304: Type.Null(),
          400: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const [z, x, y] = [parseInt10(req.params.z), parseInt10(req.params.x), parseInt10(req.params.y)];
      const problem = tileProblem(z, x, y);
      if (problem) throw tileInvalid(`params: ${problem}`);
      const tile = await app.repos.basemapTiles.basemapTile({ z, x, y });
      // The same for everyone, and changed only when roads or areas are: shared caches may keep
      // it, revalidating (a 304) so that an edited grid shows its new name.
      return sendTile(req, reply, tile, 'public, no-cache');
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
    async (req) => {
      const { layer } = req.params;
      if (!(TILE_LAYER_IDS as readonly string[]).includes(layer)) throw tileInvalid(unknownLayer(layer));
      const qs = new URLSearchParams(Object.entries(req.query).map(([k, v]) => [k, String(v)])).toString();
      const origin = publicBaseUrl(req);
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
