import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { clock, getCalendar, type IncidentRow } from '../../db/incident-repository.ts';
import { TRANSITIONS, allowedActions } from '../../lib/incident-lifecycle.ts';
import { ErrorBody } from '../../schemas/common.ts';
import {
  CategoryList,
  CategoryQuery,
  IncidentDetail,
  IntakeBody,
  IntakeResult,
  Queue,
  QueueQuery,
  TransitionBody,
  Incident,
} from '../../schemas/incidents.ts';
import { checkPhotos } from '../../lib/photos.ts';
import type { WorkingCalendar } from '../../lib/working-time.ts';
import { failpoint } from '../../lib/failpoints.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

function toIncident(row: IncidentRow, cal: WorkingCalendar, now: Date) {
  const c = clock(cal, row, now);
  return {
    id: row.id,
    clientKey: row.client_key,
    category: row.category,
    categoryName: row.category_name,
    channel: row.channel,
    description: row.description,
    status: row.status,
    priority: row.priority,
    reportedAt: row.reported_at.toISOString(),
    deadlineAt: row.deadline_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    townCode: row.town_code,
    villageCode: row.village_code,
    gridCode: row.grid_code,
    teamCapability: row.team_capability,
    minutesLeft: c.minutesLeft,
    overdue: c.overdue,
    extensionPendingMinutes: row.extension_pending_minutes,
    reworkCount: row.rework_count,
    photoCount: row.photo_count,
    mergedInto: row.merged_into,
    lon: row.lon,
    lat: row.lat,
  };
}

const dup = (d: { id: number; distance_m: number; reported_at: Date; status: string }) => ({
  id: d.id,
  distanceM: Math.round(d.distance_m * 10) / 10,
  reportedAt: d.reported_at.toISOString(),
  status: d.status,
});

/** Categories, one intake for every channel, the dispatcher queue and the lifecycle. */
export const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/categories',
    {
      // the citizen report page lists incident categories before anyone signs in
      config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        summary:
          'categories: site kinds, GB/T 30428 components, risk source kinds, incident categories with deadlines',
        tags: ['incidents'],
        querystring: CategoryQuery,
        response: { 200: CategoryList, 400: ErrorBody },
      },
    },
    async (req) => {
      const rows = await app.repos.categories.listCategories(req.query.kind);
      return rows.map((r) => ({
        kind: r.kind,
        code: r.code,
        parentCode: r.parent_code,
        nameZh: r.name_zh,
        nameEn: r.name_en,
        deadlineAmount: r.deadline_amount,
        deadlineUnit: r.deadline_unit,
        teamCapability: r.team_capability,
        defaultPriority: r.default_priority,
      }));
    },
  );

  app.post(
    '/api/incidents',
    {
      config: { access: 'report' },
      schema: {
        summary:
          'report an incident (any channel): routed to grid and team, deadline and priority worked out',
        tags: ['incidents'],
        body: IntakeBody,
        response: { 200: IntakeResult, 201: IntakeResult, ...errors, 422: ErrorBody },
      },
      // Before the schema's range checks, so swapped coordinates are named as such.
      preValidation: async (req, reply) => {
        const b = req.body as { lon?: unknown; lat?: unknown } | undefined;
        if (
          b &&
          typeof b.lon === 'number' &&
          typeof b.lat === 'number' &&
          Math.abs(b.lat) > 90 &&
          Math.abs(b.lon) <= 90
        ) {
          return reply.code(422).send({
            statusCode: 422,
            error: 'Unprocessable Entity',
            message: `body: lon ${b.lon} / lat ${b.lat} look swapped: longitude comes first`,
          });
        }
      },
    },
    async (req, reply) => {
      const checked = checkPhotos(req.body.photos ?? []);
      if ('error' in checked) return reply.unprocessableEntity(`body/${checked.error}`);
      const r = await app.reposFor(req).incidents.intake({ ...req.body, photos: checked.photos });
      // stored and committed, not yet answered: where a crash must lose nothing
      failpoint('incident-intake-committed');
      const cal = await getCalendar(app.db);
      return reply.code(r.created ? 201 : 200).send({
        ...toIncident(r.incident, cal, new Date()),
        created: r.created,
        raisedBy: r.raisedBy,
        possibleDuplicates: r.possibleDuplicates.map(dup),
      });
    },
  );

  app.get(
    '/api/incidents',
    {
      config: { access: 'read' },
      schema: {
        summary: 'the queue: open incidents in my area, soonest deadline first',
        tags: ['incidents'],
        querystring: QueueQuery,
        response: { 200: Queue, ...errors },
      },
    },
    async (req) => {
      const { rows, total, overdue } = await app
        .reposFor(req)
        .incidents.queue({ ...req.query, limit: req.query.limit ?? 200 });
      const cal = await getCalendar(app.db);
      const now = new Date();
      return { total, overdue, incidents: rows.map((r) => toIncident(r, cal, now)) };
    },
  );

  app.get(
    '/api/incidents/:id',
    {
      config: { access: 'read' },
      schema: {
        summary: 'one incident with its timeline, clock, possible duplicates and the actions I may take',
        tags: ['incidents'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: IncidentDetail, ...errors, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const repos = app.reposFor(req);
      const row = await repos.incidents.getIncident(req.params.id);
      if (!row) return reply.notFound(`no incident ${req.params.id}`);
      const scope = app.requireScope(req);
      const cal = await getCalendar(app.db);
      return {
        ...toIncident(row, cal, new Date()),
        timeline: (await repos.incidents.timeline(row.id)).map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          actor: e.actor,
          action: e.action,
          fromStatus: e.from_status,
          toStatus: e.to_status,
          note: e.note,
        })),
        actions: allowedActions(row.status).filter((a) => scope.permissions.has(TRANSITIONS[a].permission)),
        possibleDuplicates: (await repos.incidents.duplicatesOf(row)).map(dup),
      };
    },
  );

  app.get(
    '/api/incidents/:id/photos/:seq',
    {
      config: { access: 'read' },
      schema: {
        summary: 'a photo sent with the report',
        tags: ['incidents'],
        params: Type.Object({
          id: Type.Integer({ minimum: 1 }),
          seq: Type.Integer({ minimum: 1, maximum: 6 }),
        }),
        response: { 200: Type.Unknown(), ...errors, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const photo = await app.reposFor(req).incidents.getPhoto(req.params.id, req.params.seq);
      if (!photo) return reply.notFound(`no photo ${req.params.seq} of incident ${req.params.id}`);
      return reply
        .type(photo.content_type)
        .header('cache-control', 'private, max-age=86400')
        .send(photo.bytes);
    },
  );

  app.post(
    '/api/incidents/:id/transitions',
    {
      config: { access: 'signed_in' },
      schema: {
        summary:
          'move an incident through its lifecycle (accept, dispatch, resolve, verify, close, extensions …)',
        tags: ['incidents'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: TransitionBody,
        response: { 200: Incident, ...errors, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const scope = app.requireScope(req);
      const rule = TRANSITIONS[req.body.action];
      if (!scope.permissions.has(rule.permission)) {
        return reply.forbidden(
          `'${req.body.action}' needs the ${rule.permission} permission, which ${scope.role ?? 'this key'} does not have`,
        );
      }
      const row = await app.reposFor(req).incidents.transition(req.params.id, req.body);
      return toIncident(row, await getCalendar(app.db), new Date());
    },
  );
};
