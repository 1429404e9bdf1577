import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TeamRow } from '../../db/team-repository.ts';
import { DomainError, NotFoundError } from '../../lib/errors.ts';
import { ERRORS_4XX } from '../../schemas/common.ts';
import {
  Coverage,
  CoverageQuery,
  DutyBody,
  IdParams,
  IsochroneQuery,
  Isochrones,
  PositionBody,
  PositionResult,
  Team,
  TeamList,
  TeamQuery,
  Track,
  TrackQuery,
} from '../../schemas/dispatch.ts';

const errors = ERRORS_4XX;

/** A team as the API shows it; `stale` when its last fix is older than the freshness limit. */
function toTeam(t: TeamRow, fixMaxAgeS: number, now: Date) {
  const at = t.position_at ? new Date(t.position_at) : null;
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    capabilities: t.capabilities,
    status: t.status,
    onDuty: t.on_duty,
    homeAreaCode: t.home_area_code,
    positionAt: at?.toISOString() ?? null,
    lon: t.lon,
    lat: t.lat,
    stale: !at || now.getTime() - at.getTime() > fixMaxAgeS * 1000,
    incidentId: t.incident_id,
  };
}

/** Response teams: the list with status and last fix, position fixes, duty, tracks, isochrones, coverage. */
export const teamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const fixMaxAgeS = app.config.fixMaxAgeS;

  app.get(
    '/api/teams',
    {
      config: { access: 'read' },
      schema: {
        summary: 'teams of my area with status and last fix (stale = older than the freshness limit)',
        tags: ['teams'],
        querystring: TeamQuery,
        response: { 200: TeamList, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await app.reposFor(req).teams.listTeams({
        status: q.status?.split(','),
        kind: q.kind?.split(','),
        area: q.area,
        q: q.q,
        limit: q.limit ?? 100,
        offset: q.offset ?? 0,
      });
      const now = new Date();
      return { total: r.total, fixMaxAgeS, teams: r.teams.map((t) => toTeam(t, fixMaxAgeS, now)) };
    },
  );

  app.get(
    '/api/teams/:id',
    {
      config: { access: 'read' },
      schema: { summary: 'one team', tags: ['teams'], params: IdParams, response: { 200: Team, ...errors } },
    },
    async (req) => {
      const t = await app.reposFor(req).teams.getTeam(req.params.id);
      if (!t) throw new NotFoundError('team', req.params.id);
      return toTeam(t, fixMaxAgeS, new Date());
    },
  );

  app.patch(
    '/api/teams/:id/position',
    {
      config: { access: 'report' },
      schema: {
        summary:
          'a position fix from a field app or a vehicle tracker (a fix older than the current one is kept in the history only)',
        tags: ['teams'],
        params: IdParams,
        body: PositionBody,
        response: { 200: PositionResult, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      const r = await app.reposFor(req).teams.recordPosition(req.params.id, {
        lon: b.lon,
        lat: b.lat,
        at: new Date(b.at),
        marginM: app.config.serviceAreaMarginM,
      });
      if (!r) throw new NotFoundError('team', req.params.id);
      return { applied: r.applied, team: toTeam(r.team, fixMaxAgeS, new Date()) };
    },
  );

  app.patch(
    '/api/teams/:id',
    {
      config: { access: 'report' },
      schema: {
        summary: 'put a team on or off duty (dispatched and on scene follow its dispatch)',
        tags: ['teams'],
        params: IdParams,
        body: DutyBody,
        response: { 200: Team, ...errors },
      },
    },
    async (req) => {
      const t = await app.reposFor(req).teams.setDuty(req.params.id, req.body.onDuty);
      if (!t) throw new NotFoundError('team', req.params.id);
      return toTeam(t, fixMaxAgeS, new Date());
    },
  );

  app.get(
    '/api/teams/:id/track',
    {
      config: { access: 'read' },
      schema: {
        summary: 'a team’s position fixes between two times (at most 10,000)',
        tags: ['teams'],
        params: IdParams,
        querystring: TrackQuery,
        response: { 200: Track, ...errors },
      },
    },
    async (req) => {
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (to < from) {
        throw new DomainError(400, 'time_range_reversed', 'querystring: to is before from', {
          from: req.query.from,
          to: req.query.to,
        });
      }
      const r = await app.reposFor(req).teams.teamTrack(req.params.id, from, to);
      if (!r) throw new NotFoundError('team', req.params.id);
      return r.map((p) => ({ ...p, at: new Date(p.at).toISOString() }));
    },
  );

  app.get(
    '/api/teams/:id/isochrones',
    {
      config: { access: 'read' },
      schema: {
        summary: 'where a team can be within each number of minutes by road (GeoJSON)',
        tags: ['teams'],
        params: IdParams,
        querystring: IsochroneQuery,
        response: { 200: Isochrones, ...errors },
      },
    },
    async (req) => {
      const minutes = [...new Set((req.query.minutes ?? '5,10,15').split(',').map(Number))];
      const bad = minutes.find((m) => m < 1 || m > 60);
      if (bad !== undefined) {
        throw new DomainError(400, 'value_out_of_range', `querystring/minutes: ${bad} is not within 1–60`, {
          field: 'querystring/minutes',
          value: bad,
          min: 1,
          max: 60,
        });
      }
      const r = await app.reposFor(req).coverage.teamIsochrones(req.params.id, minutes);
      if (!r) throw new NotFoundError('team', req.params.id);
      return {
        type: 'FeatureCollection' as const,
        features: r.isochrones.map((i) => ({
          type: 'Feature' as const,
          properties: { minutes: i.minutes, areaKm2: Math.round(i.areaKm2 * 1000) / 1000 },
          geometry: i.geometry,
        })),
      };
    },
  );

  app.get(
    '/api/coverage',
    {
      config: { access: 'read' },
      schema: {
        summary: 'the parts of the city no available team reaches by road within the minutes (响应盲区)',
        tags: ['teams'],
        querystring: CoverageQuery,
        response: { 200: Coverage, ...errors },
      },
    },
    async (req) => {
      const c = await app.reposFor(req).coverage.coverage({
        minutes: req.query.minutes ?? 10,
        capability: req.query.capability,
        fixMaxAgeS,
      });
      return c;
    },
  );
};
