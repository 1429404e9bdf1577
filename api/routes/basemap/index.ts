import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GEODATA_DIR } from '../../db/dataset-loader.ts';
import { ErrorBody } from '../../schemas/common.ts';

/** The offline basemap layers, served from geodata/basemap (the allow-list of names). */
export const BASEMAP_LAYERS = [
  'ne10m-land',
  'osm-seas',
  'gshhg-coastline',
  'gshhg-rivers',
  'ne10m-rivers',
  'gshhg-borders',
  'ne10m-coastline',
] as const;

export const basemapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/basemap/:name',
    {
      // Public: geography only (coast, rivers), and the citizen report page needs it.
      config: { access: 'public', rateLimit: { max: 600, timeWindow: 60_000 } },
      schema: {
        summary: 'one offline basemap layer as GeoJSON',
        tags: ['basemap'],
        params: Type.Object({ name: Type.String() }),
        response: { 200: Type.Unknown(), 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const name = req.params.name.replace(/\.geojson$/, '');
      if (!(BASEMAP_LAYERS as readonly string[]).includes(name)) {
        return reply.notFound(`unknown basemap layer '${name}'; layers are ${BASEMAP_LAYERS.join(', ')}`);
      }
      return reply
        .type('application/geo+json')
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(path.join(GEODATA_DIR, 'basemap', `${name}.geojson`)));
    },
  );
};
