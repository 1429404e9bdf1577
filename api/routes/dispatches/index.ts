import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { DispatchRow } from '../../db/dispatch-repository.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { ERRORS_4XX, ErrorBody } from '../../schemas/common.ts';
import {
  ApplyPlanBody,
  CandidateList,
  CandidatesQuery,
  Dispatch,
  DispatchBody,
  DispatchList,
  DispatchQuery,
  IdParams,
  Plan,
  PlanBody,
  PlanConflicts,
  ReassignBody,
  StepBody,
} from '../../schemas/dispatch.ts';

const errors = ERRORS_4XX;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A dispatch as the API shows it. */
export function toDispatch(d: DispatchRow) {
  return {
    id: d.id,
    incidentId: d.incident_id,
    teamId: d.team_id,
    teamName: d.team_name,
    status: d.status,
    createdAt: new Date(d.created_at).toISOString(),
    createdBy: d.created_by,
    arrivedAt: iso(d.arrived_at),
    endedAt: iso(d.ended_at),
    travelTimeS: d.travel_time_s,
    distanceM: d.distance_m,
    note: d.note,
  };
}

/**
 * Dispatch (DESIGN.md §5): the fastest suitable teams for an incident by road, sending
 * one atomically, its steps (arrive, complete, cancel, reassign), and batch plans.
 */
export const dispatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/incidents/:id/candidates',
    {
      config: { access: 'dispatch' },
      schema: {
        summary: 'the fastest available teams with the capability the incident needs, by road time',
        tags: ['dispatch'],
        params: IdParams,
        querystring: CandidatesQuery,
        response: { 200: CandidateList, ...errors },
      },
    },
    async (req) => {
      const fixMaxAgeS = app.config.fixMaxAgeS;
      const now = new Date();
      const r = await app
        .reposFor(req)
        .dispatches.candidates(req.params.id, { limit: req.query.limit ?? 5, fixMaxAgeS, now });
      if (!r) throw new NotFoundError('incident', req.params.id);
      return {
        incidentId: r.incident.id,
        capability: r.incident.team_capability,
        fixMaxAgeS,
        examined: r.examined,
        candidates: r.candidates.map((c) => ({
          ...c,
          positionAt: new Date(c.positionAt).toISOString(),
          eta: new Date(now.getTime() + c.travelTimeS * 1000).toISOString(),
          route: { type: 'LineString' as const, coordinates: c.route },
        })),
      };
    },
  );

  app.get(
    '/api/dispatches',
    {
      config: { access: 'read' },
      schema: {
        summary: 'dispatches of incidents in my area, newest first',
        tags: ['dispatch'],
        querystring: DispatchQuery,
        response: { 200: DispatchList, ...errors },
      },
    },
    async (req) => {
      const rows = await app
        .reposFor(req)
        .dispatches.listDispatches({ ...req.query, limit: req.query.limit ?? 200 });
      return rows.map(toDispatch);
    },
  );

  app.post(
    '/api/dispatches',
    {
      config: { access: 'dispatch' },
      schema: {
        summary: 'send a team to an accepted incident (atomic: 409 names who has the team)',
        tags: ['dispatch'],
        body: DispatchBody,
        response: { 201: Dispatch, ...errors },
      },
    },
    async (req, reply) => {
      const d = await app.reposFor(req).dispatches.dispatchTeam(req.body);
      return reply.code(201).send(toDispatch(d));
    },
  );

  app.get(
    '/api/dispatches/:id',
    {
      config: { access: 'read' },
      schema: {
        summary: 'one dispatch',
        tags: ['dispatch'],
        params: IdParams,
        response: { 200: Dispatch, ...errors },
      },
    },
    async (req) => {
      const d = await app.reposFor(req).dispatches.getDispatch(req.params.id);
      if (!d) throw new NotFoundError('dispatch', req.params.id);
      return toDispatch(d);
    },
  );

  const steps = [
    ['arrive', 'report', 'the team is on scene'],
    ['complete', 'report', 'the work is done: the incident is resolved and the team free'],
    ['cancel', 'dispatch', 'call the team back: the incident returns to accepted and the team is free'],
  ] as const;
  for (const [step, access, summary] of steps) {
    app.post(
      `/api/dispatches/:id/${step}`,
      {
        config: { access },
        schema: {
          summary,
          tags: ['dispatch'],
          params: IdParams,
          body: StepBody,
          response: { 200: Dispatch, ...errors },
        },
      },
      async (req) => {
        const d = await app.reposFor(req).dispatches.advanceDispatch(req.params.id, step, req.body?.note);
        if (!d) throw new NotFoundError('dispatch', req.params.id);
        return toDispatch(d);
      },
    );
  }

  app.post(
    '/api/dispatches/:id/reassign',
    {
      config: { access: 'dispatch' },
      schema: {
        summary: 'send another team instead (one transaction: if the new team is taken, nothing changes)',
        tags: ['dispatch'],
        params: IdParams,
        body: ReassignBody,
        response: { 200: Dispatch, ...errors },
      },
    },
    async (req) => {
      const d = await app
        .reposFor(req)
        .dispatches.reassignDispatch(req.params.id, req.body.teamId, req.body.note);
      if (!d) throw new NotFoundError('dispatch', req.params.id);
      return toDispatch(d);
    },
  );

  app.post(
    '/api/dispatches/plan',
    {
      config: { access: 'dispatch' },
      schema: {
        summary:
          'plan teams for the accepted incidents of an area (least priority-weighted road time); changes nothing',
        tags: ['dispatch'],
        body: PlanBody,
        response: { 200: Plan, ...errors },
      },
    },
    async (req) => {
      const plan = await app.reposFor(req).dispatches.planDispatches({
        area: req.body.area,
        maxIncidents: req.body.maxIncidents,
        fixMaxAgeS: app.config.fixMaxAgeS,
      });
      return { ...plan, plannedAt: plan.plannedAt.toISOString() };
    },
  );

  app.post(
    '/api/dispatches/plan/apply',
    {
      config: { access: 'dispatch' },
      schema: {
        summary: 'apply a (possibly edited) plan, all or nothing; 409 lists what changed since planning',
        tags: ['dispatch'],
        body: ApplyPlanBody,
        response: { 201: DispatchList, 409: PlanConflicts, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (req, reply) => {
      // a plan that no longer holds is a PlanConflictError, answered 409 with its conflicts
      const rows = await app.reposFor(req).dispatches.applyPlan(req.body.assignments);
      return reply.code(201).send(rows.map(toDispatch));
    },
  );
};
