import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LAYERS, layerFilters, type FeatureFilter } from '../../db/feature-repository.ts';
import { parseBBox } from '../../lib/bbox.ts';
import { ErrorBody } from '../../schemas/common.ts';
import {
  Feature,
  FeatureCollection,
  FeatureParams,
  FeatureQuery,
  LAYER_IDS,
  LayerList,
  LayerParams,
  type LayerId,
} from '../../schemas/layers.ts';

function isLayer(id: string): id is LayerId {
  return (LAYER_IDS as readonly string[]).includes(id);
}

const unknownLayer = (id: string) => `unknown layer '${id}'; layers are ${LAYER_IDS.join(', ')}`;

export const layerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/layers',
    {
      config: { access: 'read' },
      schema: { summary: 'list the map layers', tags: ['layers'], response: { 200: LayerList } },
    },
    async (req) => {
      const counts = await app.reposFor(req).features.countLayers();
      return LAYER_IDS.map((id) => ({
        id,
        nameZh: LAYERS[id].nameZh,
        nameEn: LAYERS[id].nameEn,
        geometry: LAYERS[id].geometry,
        filters: ['bbox', 'limit', ...layerFilters(id)],
        count: counts[id],
      }));
    },
  );

  app.get(
    '/api/layers/:layer/features',
    {
      config: { access: 'read' },
      schema: {
        summary: 'features of a layer in a bbox as GeoJSON',
        tags: ['layers'],
        params: LayerParams,
        querystring: FeatureQuery,
        response: { 200: FeatureCollection, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const { layer } = req.params;
      if (!isLayer(layer)) return reply.notFound(unknownLayer(layer));
      const { bbox: bboxText, limit = 2000, ...rest } = req.query;
      const filter: FeatureFilter = {};
      if (bboxText !== undefined) {
        const parsed = parseBBox(bboxText);
        if ('error' in parsed) return reply.badRequest(`querystring/bbox: ${parsed.error}`);
        filter.bbox = parsed.bbox;
      }
      const accepted = layerFilters(layer);
      for (const [name, value] of Object.entries(rest)) {
        if (value === undefined) continue;
        if (!(accepted as string[]).includes(name)) {
          return reply.badRequest(
            `querystring/${name}: layer '${layer}' has no filter '${name}'; it accepts ${accepted.join(', ') || 'none'}`,
          );
        }
      }
      Object.assign(filter, rest);
      const { features, truncated } = await app.reposFor(req).features.listFeatures(layer, filter, limit);
      return {
        type: 'FeatureCollection' as const,
        features: features.map((f) => ({
          type: 'Feature' as const,
          id: f.id,
          geometry: f.geometry,
          properties: f.properties,
        })),
        truncated,
      };
    },
  );

  app.get(
    '/api/layers/:layer/features/:id',
    {
      config: { access: 'read' },
      schema: {
        summary: 'one feature of a layer',
        tags: ['layers'],
        params: FeatureParams,
        response: { 200: Feature, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const { layer, id } = req.params;
      if (!isLayer(layer)) return reply.notFound(unknownLayer(layer));
      if (!/^[1-9][0-9]{0,15}$/.test(id))
        return reply.badRequest(`params/id: '${id}' is not a feature id (a positive integer)`);
      const row = await app.reposFor(req).features.getFeature(layer, Number(id));
      if (!row) return reply.notFound(`no feature ${id} in layer '${layer}'`);
      return { type: 'Feature' as const, id: row.id, geometry: row.geometry, properties: row.properties };
    },
  );
};
