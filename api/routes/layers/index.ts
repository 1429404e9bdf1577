import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LAYERS, layerFilters, type FeatureFilter } from '../../db/feature-repository.ts';
import { parseBBox } from '../../lib/bbox.ts';
import { DomainError } from '../../lib/errors.ts';
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
import { badFeatureId, missingFeature, unknownLayer } from './errors.ts';

function isLayer(id: string): id is LayerId {
  return (LAYER_IDS as readonly string[]).includes(id);
}

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
    async (req) => {
      const { layer } = req.params;
      if (!isLayer(layer)) throw unknownLayer(layer);
      const { bbox: bboxText, limit = 2000, ...rest } = req.query;
      const filter: FeatureFilter = {};
      if (bboxText !== undefined) {
        const parsed = parseBBox(bboxText);
        if ('error' in parsed) {
          throw new DomainError(400, 'bbox_invalid', `querystring/bbox: ${parsed.error}`, {
            problem: parsed.error,
          });
        }
        filter.bbox = parsed.bbox;
      }
      const accepted = layerFilters(layer);
      for (const [name, value] of Object.entries(rest)) {
        if (value === undefined) continue;
        if (!(accepted as string[]).includes(name)) {
          throw new DomainError(
            400,
            'filter_unknown',
            `querystring/${name}: layer '${layer}' has no filter '${name}'; it accepts ${accepted.join(', ') || 'none'}`,
            { layer, filter: name, accepted: accepted.join(', ') },
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
    async (req) => {
      const { layer, id } = req.params;
      if (!isLayer(layer)) throw unknownLayer(layer);
      if (!/^[1-9][0-9]{0,15}$/.test(id)) throw badFeatureId(id);
      const row = await app.reposFor(req).features.getFeature(layer, Number(id));
      if (!row) throw missingFeature(layer, id);
      return { type: 'Feature' as const, id: row.id, geometry: row.geometry, properties: row.properties };
    },
  );
};
