import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { clock, getCalendar, type IncidentRow } from '../../db/incident-repository.ts';
import {
  HANDOFF_FLAG_AFTER,
  TASKABLE_STATUSES,
  TASK_STEPS,
  TRANSITIONS,
  allowedActions,
} from '../../lib/incident-lifecycle.ts';
import { ErrorBody, Id } from '../../schemas/common.ts';
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
  AddTaskBody,
  JointTask,
  TaskStepBody,
  Supervision,
  SuperviseBody,
  SupervisionAnswerBody,
} from '../../schemas/incidents.ts';
import { SUPERVISION_PERMISSION, type SupervisionRow } from '../../db/supervision-repository.ts';
import { TASK_STEP_PERMISSION, type TaskRow } from '../../db/task-repository.ts';
import type { Scope } from '../../auth/scope.ts';
import { DomainError, NotFoundError } from '../../lib/errors.ts';
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
    leadUnit:
      row.lead_unit_id === null
        ? null
        : { id: row.lead_unit_id, name: row.lead_unit_name ?? '', department: row.lead_department ?? '' },
    handoffs: row.handoffs,
    bounced: row.handoffs > HANDOFF_FLAG_AFTER,
    supervision:
      row.supervision_due === null
        ? null
        : {
            respondBy: new Date(row.supervision_due).toISOString(),
            overdue: new Date(row.supervision_due) < now,
          },
    lon: row.lon,
    lat: row.lat,
  };
}

function toTask(row: TaskRow, now: Date) {
  return {
    id: row.id,
    unit: row.unit,
    task: row.task,
    status: row.status,
    deadlineAt: row.deadline_at.toISOString(),
    overdue: (row.status === 'assigned' || row.status === 'accepted') && row.deadline_at < now,
    note: row.note,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toSupervision(row: SupervisionRow, now: Date) {
  return {
    id: row.id,
    note: row.note,
    respondBy: row.respond_by.toISOString(),
    issuedBy: row.issued_by,
    issuedAt: row.issued_at.toISOString(),
    answer: row.answer,
    answeredBy: row.answered_by,
    answeredAt: row.answered_at?.toISOString() ?? null,
    overdue: row.answered_at === null && row.respond_by < now,
  };
}

/** 403 unless the caller may order supervision ('issue') or answer an order ('answer'). */
function requireSupervisionPermission(scope: Scope, step: keyof typeof SUPERVISION_PERMISSION) {
  const permission = SUPERVISION_PERMISSION[step];
  if (!scope.permissions.has(permission)) {
    throw new DomainError(
      403,
      'permission_denied',
      `'${step}' on supervision needs the ${permission} permission, which ${scope.role ?? 'this key'} does not have`,
      { permission, role: scope.role ?? 'api_key', action: step },
    );
  }
}

/** 403 unless the caller may take a joint-task step ('add' or one of TASK_STEPS). */
function requireTaskPermission(scope: Scope, step: keyof typeof TASK_STEP_PERMISSION) {
  const permission = TASK_STEP_PERMISSION[step];
  if (!scope.permissions.has(permission)) {
    throw new DomainError(
      403,
      'permission_denied',
      `'${step}' on a joint task needs the ${permission} permission, which ${scope.role ?? 'this key'} does not have`,
      { permission, role: scope.role ?? 'api_key', action: step },
    );
  }
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
      preValidation: async (req) => {
        const b = req.body as { lon?: unknown; lat?: unknown } | undefined;
        if (
          b &&
          Number.isFinite(b.lon) &&
          Number.isFinite(b.lat) &&
          typeof b.lon === 'number' &&
          typeof b.lat === 'number' &&
          Math.abs(b.lat) > 90 &&
          Math.abs(b.lon) <= 90
        ) {
          throw new DomainError(
            422,
            'coordinates_swapped',
            `body: lon ${b.lon} / lat ${b.lat} look swapped: longitude comes first`,
            { lon: b.lon, lat: b.lat },
          );
        }
      },
    },
    async (req, reply) => {
      const photos = checkPhotos(req.body.photos ?? []);
      const r = await app.reposFor(req).incidents.intake({ ...req.body, photos });
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
        params: Type.Object({ id: Id() }),
        response: { 200: IncidentDetail, ...errors, 404: ErrorBody },
      },
    },
    async (req) => {
      const repos = app.reposFor(req);
      const row = await repos.incidents.getIncident(req.params.id);
      if (!row) throw new NotFoundError('incident', req.params.id);
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
          fromUnit: e.from_unit,
          toUnit: e.to_unit,
        })),
        actions: allowedActions(row.status).filter((a) => scope.permissions.has(TRANSITIONS[a].permission)),
        tasks: (await repos.tasks.listTasks(row.id)).map((k) => toTask(k, new Date())),
        taskSteps: (['add', ...TASK_STEPS] as const).filter(
          (k) =>
            scope.permissions.has(TASK_STEP_PERMISSION[k]) &&
            (k !== 'add' || TASKABLE_STATUSES.includes(row.status)),
        ),
        supervisions: (await repos.supervisions.listSupervisions(row.id)).map((k) =>
          toSupervision(k, new Date()),
        ),
        supervisionSteps: (['issue', 'answer'] as const).filter(
          (k) => scope.permissions.has(SUPERVISION_PERMISSION[k]) && TASKABLE_STATUSES.includes(row.status),
        ),
        possibleDuplicates: (await repos.incidents.duplicatesOf(row)).map(dup),
        cameras: (await repos.incidents.nearbyCameras({ lon: row.lon, lat: row.lat })).map((c) => ({
          id: Number(c.id),
          code: c.code,
          name: c.name,
          distanceM: Math.round(c.distance_m),
          url: app.config.cameraUrlTemplate?.replaceAll('{code}', encodeURIComponent(c.code)) ?? null,
        })),
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
          id: Id(),
          seq: Type.Integer({ minimum: 1, maximum: 6 }),
        }),
        response: { 200: Type.Unknown(), ...errors, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const photo = await app.reposFor(req).incidents.getPhoto(req.params.id, req.params.seq);
      if (!photo) {
        throw new DomainError(
          404,
          'photo_not_found',
          `no photo ${req.params.seq} of incident ${req.params.id}`,
          { id: req.params.id, seq: req.params.seq },
        );
      }
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
        params: Type.Object({ id: Id() }),
        body: TransitionBody,
        response: { 200: Incident, ...errors, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const scope = app.requireScope(req);
      const rule = TRANSITIONS[req.body.action];
      if (!scope.permissions.has(rule.permission)) {
        throw new DomainError(
          403,
          'permission_denied',
          `'${req.body.action}' needs the ${rule.permission} permission, which ${scope.role ?? 'this key'} does not have`,
          { permission: rule.permission, role: scope.role ?? 'api_key', action: req.body.action },
        );
      }
      const row = await app.reposFor(req).incidents.transition(req.params.id, req.body);
      return toIncident(row, await getCalendar(app.db), new Date());
    },
  );

  app.post(
    '/api/incidents/:id/tasks',
    {
      config: { access: 'signed_in' },
      schema: {
        summary: 'joint handling (联办): ask another unit of the town to assist, with a task and a deadline',
        tags: ['incidents'],
        params: Type.Object({ id: Id() }),
        body: AddTaskBody,
        response: { 201: JointTask, ...errors, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      requireTaskPermission(app.requireScope(req), 'add');
      const calendar = await getCalendar(app.db);
      const row = await app.reposFor(req).tasks.addTask(req.params.id, { ...req.body, calendar });
      return reply.code(201).send(toTask(row, new Date()));
    },
  );

  app.post(
    '/api/incidents/:id/tasks/:taskId',
    {
      config: { access: 'signed_in' },
      schema: {
        summary:
          "a joint task's step: the assisting unit accepts, finishes or refuses (with the reason); the lead closes it (with the reason)",
        tags: ['incidents'],
        params: Type.Object({ id: Id(), taskId: Id() }),
        body: TaskStepBody,
        response: { 200: JointTask, ...errors, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      requireTaskPermission(app.requireScope(req), req.body.action);
      const row = await app.reposFor(req).tasks.stepTask(req.params.id, req.params.taskId, req.body);
      return toTask(row, new Date());
    },
  );

  app.post(
    '/api/incidents/:id/supervisions',
    {
      config: { access: 'signed_in' },
      schema: {
        summary:
          'supervision (督办): order the unit handling an incident to act, and answer within the working hours given',
        tags: ['incidents'],
        params: Type.Object({ id: Id() }),
        body: SuperviseBody,
        response: { 201: Supervision, ...errors, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      requireSupervisionPermission(app.requireScope(req), 'issue');
      const calendar = await getCalendar(app.db);
      const row = await app.reposFor(req).supervisions.supervise(req.params.id, { ...req.body, calendar });
      return reply.code(201).send(toSupervision(row, new Date()));
    },
  );

  app.post(
    '/api/incidents/:id/supervisions/:supervisionId/answer',
    {
      config: { access: 'signed_in' },
      schema: {
        summary: "the handling unit's answer (反馈) to a supervision order, once",
        tags: ['incidents'],
        params: Type.Object({ id: Id(), supervisionId: Id() }),
        body: SupervisionAnswerBody,
        response: { 200: Supervision, ...errors, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      requireSupervisionPermission(app.requireScope(req), 'answer');
      const row = await app
        .reposFor(req)
        .supervisions.answerSupervision(req.params.id, req.params.supervisionId, req.body);
      return toSupervision(row, new Date());
    },
  );
};
