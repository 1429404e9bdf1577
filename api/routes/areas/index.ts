import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AreaRow } from '../../db/area-repository.ts';
import {
  AreaCollection,
  AreaDetail,
  AreaListQuery,
  AreaParams,
  PointLookup,
  PointLookupQuery,
  type AreaProperties,
} from '../../schemas/areas.ts';
import { DomainError } from '../../lib/errors.ts';
import { ErrorBody } from '../../schemas/common.ts';

function properties(row: AreaRow): AreaProperties {
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    parentCode: row.parent_code,
    population: row.population,
    households: row.households,
    synthetic: row.synthetic,
    version: row.version,
    validFrom: row.valid_from.toISOString(),
    labelPoint: row.label_lon === null || row.label_lat === null ? null : [row.label_lon, row.label_lat],
  };
}

export const areaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/areas',
    {
      config: { access: 'read' },
      schema: {
        summary: 'list current areas (towns, villages, grids) as GeoJSON',
        tags: ['areas'],
        querystring: AreaListQuery,
        response: { 200: AreaCollection, 400: ErrorBody },
      },
    },
    async (req) => {
      const rows = await app.reposFor(req).areas.listAreas(req.query);
      return {
        type: 'FeatureCollection' as const,
        features: rows.map((row) => ({
          type: 'Feature' as const,
          id: row.code,
          geometry: row.geometry,
          properties: properties(row),
        })),
      };
    },
  );

  app.get(
    '/api/areas/at',
    {
      config: { access: 'read' },
      schema: {
        summary: 'find the town, village and grid containing a point',
        tags: ['areas'],
        querystring: PointLookupQuery,
        response: { 200: PointLookup, 400: ErrorBody },
      },
    },
    async (req) => {
      const { lon, lat } = req.query;
      return { lon, lat, path: await app.reposFor(req).areas.findAreasAtPoint(lon, lat) };
    },
  );

  app.get(
    '/api/areas/:code',
    {
      config: { access: 'read' },
      schema: {
        summary: 'one area with its path town › village › grid',
        tags: ['areas'],
        params: AreaParams,
        response: { 200: AreaDetail, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const repos = app.reposFor(req);
      const row = await repos.areas.getArea(req.params.code);
      if (!row) {
        throw new DomainError(404, 'area_not_found', `no current area with code ${req.params.code}`, {
          code: req.params.code,
        });
      }
      const path = await repos.areaPaths.getAreaPath(row.code);
      return {
        type: 'Feature' as const,
        id: row.code,
        geometry: row.geometry,
        properties: { ...properties(row), path, bbox: row.bbox, childCount: row.child_count },
      };
    },
  );
};
