import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError, NotFoundError } from '../../lib/errors.ts';
import { ErrorBody, Id } from '../../schemas/common.ts';
import { FeatureParams, LAYER_IDS, type LayerId } from '../../schemas/layers.ts';
import {
  AreaStats,
  AreaStatsQuery,
  AroundQuery,
  AroundResult,
  ExposureResult,
  FeatureContext,
  SearchQuery,
  SearchResult,
} from '../../schemas/map.ts';
import { badFeatureId, missingFeature, unknownLayer } from '../layers/errors.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const per10k = (n: number, population: number | null) =>
  population && population > 0 ? Math.round((n / population) * 10_000 * 100) / 100 : null;

/** Search, "what is around this point", risk-source exposure, area statistics and feature context. */
export const mapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/search',
    {
      config: { access: 'read' },
      schema: {
        summary: 'search areas, sites, risk sources, teams and incidents by name, code or number',
        tags: ['map'],
        querystring: SearchQuery,
        response: { 200: SearchResult, ...errors },
      },
    },
    async (req) => {
      const q = req.query.q.trim();
      if (!q)
        throw new DomainError(400, 'search_query_blank', 'querystring/q: must contain more than spaces');
      const rows = await app.reposFor(req).search.search(q, req.query.limit ?? 20);
      return {
        q,
        hits: rows.map((r) => ({
          kind: r.kind,
          id: r.id,
          label: r.label,
          detail: r.detail,
          lon: r.lon,
          lat: r.lat,
          bbox: r.bbox,
        })),
      };
    },
  );

  app.get(
    '/api/around',
    {
      config: { access: 'read' },
      schema: {
        summary: 'risk sources, key sites and teams within a radius (metres) of a point',
        tags: ['map'],
        querystring: AroundQuery,
        response: { 200: AroundResult, ...errors },
      },
    },
    async (req) => {
      const { lon, lat, radius = 500, limit = 100 } = req.query;
      const r = await app.reposFor(req).around.around(lon, lat, radius, limit);
      const byLevel = [0, 0, 0, 0];
      for (const s of r.riskSources) byLevel[s.level - 1]! += 1;
      return {
        lon,
        lat,
        radius,
        riskSources: r.riskSources.map((s) => ({
          id: s.id,
          name: s.name,
          kind: s.kind,
          kindName: s.kind_name,
          level: s.level,
          impactRadiusM: s.impact_radius_m,
          insideImpact: s.distance_m <= s.impact_radius_m,
          distanceM: Math.round(s.distance_m * 10) / 10,
          lon: s.lon,
          lat: s.lat,
        })),
        riskSourcesByLevel: byLevel,
        sites: r.sites.map((s) => ({
          id: s.id,
          name: s.name,
          kind: s.kind,
          kindName: s.kind_name,
          distanceM: Math.round(s.distance_m * 10) / 10,
          lon: s.lon,
          lat: s.lat,
        })),
        teams: r.teams.map((t) => ({
          id: t.id,
          name: t.name,
          kind: t.kind,
          status: t.status,
          onDuty: t.on_duty,
          distanceM: Math.round(t.distance_m * 10) / 10,
          lon: t.lon,
          lat: t.lat,
        })),
      };
    },
  );

  app.get(
    '/api/risk-sources/:id/exposed',
    {
      config: { access: 'read' },
      schema: {
        summary: "key sites inside a risk source's impact radius",
        tags: ['map'],
        params: Type.Object({ id: Id() }),
        response: { 200: ExposureResult, ...errors, 404: ErrorBody },
      },
    },
    async (req) => {
      const r = await app.reposFor(req).around.exposedSites(req.params.id, 500);
      if (!r) throw new NotFoundError('risk_source', req.params.id);
      return {
        source: { ...r.source, impactRadiusM: r.source.impact_radius_m },
        sites: r.sites.map((s) => ({
          id: s.id,
          name: s.name,
          kind: s.kind,
          kindName: s.kind_name,
          distanceM: Math.round(s.distance_m * 10) / 10,
          lon: s.lon,
          lat: s.lat,
        })),
      };
    },
  );

  app.get(
    '/api/stats/areas',
    {
      config: { access: 'read' },
      schema: {
        summary:
          'per town or village: open incidents, risk sources, level-weighted risk index, per 10,000 residents',
        tags: ['map'],
        querystring: AreaStatsQuery,
        response: { 200: AreaStats, ...errors },
      },
    },
    async (req) => {
      const rows = await app.reposFor(req).stats.areaStats(req.query.level as 'town' | 'village');
      return rows.map((r) => ({
        code: r.code,
        name: r.name,
        population: r.population,
        openIncidents: r.open_incidents,
        riskSources: r.risk_sources,
        riskIndex: r.risk_index,
        openIncidentsPer10k: per10k(r.open_incidents, r.population),
        riskIndexPer10k: per10k(r.risk_index, r.population),
      }));
    },
  );

  app.get(
    '/api/layers/:layer/features/:id/context',
    {
      config: { access: 'read' },
      schema: {
        summary: 'the area path town › village › grid of a feature and its linked incidents',
        tags: ['layers'],
        params: FeatureParams,
        response: { 200: FeatureContext, ...errors, 404: ErrorBody },
      },
    },
    async (req) => {
      const { layer, id } = req.params;
      if (!(LAYER_IDS as readonly string[]).includes(layer)) throw unknownLayer(layer);
      if (!/^[1-9][0-9]{0,15}$/.test(id)) throw badFeatureId(id);
      const repos = app.reposFor(req);
      const f = await repos.features.getFeature(layer as LayerId, Number(id));
      if (!f) throw missingFeature(layer, id);
      const path = f.area_code
        ? (await repos.areaPaths.getAreaPath(f.area_code)).filter((p) => p.level !== 'city')
        : [];
      const incidents = await repos.features.linkedIncidents(layer as LayerId, Number(id), 100, 20);
      return {
        path,
        incidents: incidents.map((i) => ({
          id: i.id,
          category: i.category,
          categoryName: i.category_name,
          status: i.status,
          priority: i.priority,
          reportedAt: i.reported_at.toISOString(),
          description: i.description,
          distanceM: Math.round(i.distance_m * 10) / 10,
        })),
      };
    },
  );
};
