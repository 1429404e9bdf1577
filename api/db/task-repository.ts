import { scopeCovers, type Scope } from '../auth/scope.ts';
import { DomainError, NotFoundError } from '../lib/errors.ts';
import {
  TASKABLE_STATUSES,
  type IncidentStatus,
  type TaskStatus,
  type TaskStep,
} from '../lib/incident-lifecycle.ts';
import { addWorkingMinutes, type WorkingCalendar } from '../lib/working-time.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';

/**
 * Joint handling (联办, migrations/0023_joint_tasks.sql): the units assisting the lead unit of
 * an incident, each with its task (协办任务). A task is assigned → accepted → done, or refused
 * with a reason; the lead (or a coordinator) may close an open task with a reason. Every step
 * is on the incident's timeline (with the task's unit), in the audit log, and a live event.
 */

/** Statuses of a task still to be done: they keep the incident from being resolved. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ['assigned', 'accepted'];

/** Where each step may start and where it goes; `refuse` and `close` need their reason. */
const STEP_RULES: Record<TaskStep, { from: readonly TaskStatus[]; to: TaskStatus; reason: boolean }> = {
  accept: { from: ['assigned'], to: 'accepted', reason: false },
  done: { from: ['assigned', 'accepted'], to: 'done', reason: false },
  refuse: { from: ['assigned', 'accepted'], to: 'refused', reason: true },
  close: { from: ['assigned', 'accepted'], to: 'closed', reason: true },
};

/** The permission each step needs: the lead's steps (add, close) need `accept`. */
export const TASK_STEP_PERMISSION = {
  add: 'accept',
  accept: 'report',
  done: 'report',
  refuse: 'report',
  close: 'accept',
} as const;

export interface TaskRow {
  id: number;
  incident_id: number;
  unit: { id: number; name: string; department: string };
  task: string;
  status: TaskStatus;
  deadline_at: Date;
  note: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const TASK_COLUMNS = `t.id, t.incident_id::int AS incident_id,
  json_build_object('id', u.id, 'name', u.name, 'department', u.department_code) AS unit,
  t.task, t.status, t.deadline_at, t.note, t.created_by, t.created_at, t.updated_at`;

/** The tasks of an incident (the caller has read the incident), oldest first. */
export async function listTasks(db: Queryable, _scope: Scope, incidentId: number): Promise<TaskRow[]> {
  const r = await db.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM incident_tasks t JOIN units u ON u.id = t.unit_id
     WHERE t.incident_id = $1 ORDER BY t.id`,
    [incidentId],
  );
  return r.rows;
}

/** The open tasks of an incident, for the resolve check (inside the caller's transaction). */
export async function openTasks(tx: Queryable, incidentId: number): Promise<TaskRow[]> {
  const r = await tx.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM incident_tasks t JOIN units u ON u.id = t.unit_id
     WHERE t.incident_id = $1 AND t.status = ANY ($2::text[]) ORDER BY t.id`,
    [incidentId, OPEN_TASK_STATUSES],
  );
  return r.rows;
}

export interface LockedIncident {
  id: number;
  status: IncidentStatus;
  town_code: string;
  area: string;
  lead_unit_id: number | null;
}

/** The incident, locked, or 404 when it is missing or outside the caller's area. */
export async function lockIncident(tx: Queryable, scope: Scope, id: number): Promise<LockedIncident> {
  const r = await tx.query<LockedIncident>(
    `SELECT id::int AS id, status, town_code, coalesce(grid_code, village_code, town_code) AS area, lead_unit_id
     FROM incidents WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const row = r.rows[0];
  if (!row || !scopeCovers(scope, row.area)) throw new NotFoundError('incident', id);
  return row;
}

async function logTaskStep(
  tx: Queryable,
  scope: Scope,
  incidentId: number,
  action: string,
  unitId: number,
  note: string,
  audit: { before?: unknown; after: unknown; taskId: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO incident_events (incident_id, actor, action, note, to_unit_id) VALUES ($1, $2, $3, $4, $5)`,
    [incidentId, scope.name, action, note, unitId],
  );
  await recordAudit(tx, scope, {
    action: `incident.${action}`,
    targetType: 'incident',
    targetId: String(incidentId),
    before: audit.before,
    after: { task: audit.taskId, ...(audit.after as object) },
  });
  await tx.query(`SELECT pg_notify('incidents', $1)`, [JSON.stringify({ id: incidentId, op: action })]);
}

export interface AddTaskInput {
  unitId: number;
  task: string;
  /** Working hours the unit is given. */
  hours: number;
  /** The working calendar the deadline is counted in. */
  calendar: WorkingCalendar;
}

/**
 * Asks a unit of the incident's town to assist with a task (联办). 422 when the unit is not of
 * the town or is the lead unit itself, 409 when the unit has an open task on it already or
 * the incident is no longer being handled.
 */
export async function addTask(
  db: Database,
  scope: Scope,
  incidentId: number,
  input: AddTaskInput,
): Promise<TaskRow> {
  const task = input.task.trim();
  if (!task) throw new DomainError(422, 'task_text_missing', 'body/task: say what the unit is asked to do');
  const cal = input.calendar;
  const id = await db.transaction(async (tx) => {
    const inc = await lockIncident(tx, scope, incidentId);
    if (!TASKABLE_STATUSES.includes(inc.status)) {
      throw new DomainError(
        409,
        'task_incident_closed',
        `incident ${incidentId} is ${inc.status}: no task can be added`,
        {
          id: incidentId,
          status: inc.status,
        },
      );
    }
    const unit = (
      await tx.query<{ id: number; name: string; area_code: string }>(
        'SELECT id, name, area_code FROM units WHERE id = $1',
        [input.unitId],
      )
    ).rows[0];
    if (!unit || unit.area_code !== inc.town_code) {
      throw new DomainError(
        422,
        'unit_unknown',
        `body/unitId: no unit ${input.unitId} in the incident's town`,
        {
          unitId: input.unitId,
        },
      );
    }
    if (unit.id === inc.lead_unit_id) {
      throw new DomainError(
        422,
        'task_unit_is_lead',
        `body/unitId: ${unit.name} handles the incident itself`,
        {
          unit: unit.name,
        },
      );
    }
    const deadline = addWorkingMinutes(cal, new Date(), Math.round(input.hours * 60));
    const ins = await tx.query<{ id: number }>(
      `INSERT INTO incident_tasks (incident_id, unit_id, task, deadline_at, created_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (incident_id, unit_id) WHERE status IN ('assigned', 'accepted') DO NOTHING
       RETURNING id`,
      [incidentId, unit.id, task, deadline, scope.name],
    );
    if (!ins.rows[0]) {
      throw new DomainError(
        409,
        'task_open_already',
        `${unit.name} has an open task on incident ${incidentId}`,
        {
          id: incidentId,
          unit: unit.name,
        },
      );
    }
    await logTaskStep(tx, scope, incidentId, 'task_add', unit.id, task, {
      taskId: ins.rows[0].id,
      after: { unit: unit.name, deadlineAt: deadline.toISOString() },
    });
    return ins.rows[0].id;
  });
  return (await listTasks(db, scope, incidentId)).find((t) => t.id === id)!;
}

/**
 * Moves a task one step (accept, done, refuse, close). 404 when the task is not of the
 * incident or outside the area, 422 when a refusal or a closing has no reason, 409 when the
 * task's status does not allow the step (also when someone else got there first).
 */
export async function stepTask(
  db: Database,
  scope: Scope,
  incidentId: number,
  taskId: number,
  step: { action: TaskStep; note?: string },
): Promise<TaskRow> {
  const rule = STEP_RULES[step.action];
  const note = step.note?.trim() || null;
  if (rule.reason && !note) {
    throw new DomainError(422, 'task_reason_missing', `body/note: '${step.action}' needs the reason`, {
      action: step.action,
    });
  }
  await db.transaction(async (tx) => {
    await lockIncident(tx, scope, incidentId);
    const cur = (
      await tx.query<{ status: TaskStatus; unit_id: number }>(
        'SELECT status, unit_id FROM incident_tasks WHERE id = $1 AND incident_id = $2 FOR UPDATE',
        [taskId, incidentId],
      )
    ).rows[0];
    if (!cur) throw new NotFoundError('task', taskId);
    if (!rule.from.includes(cur.status)) {
      throw new DomainError(
        409,
        'task_step_not_allowed',
        `task ${taskId} is ${cur.status}: '${step.action}' is not allowed`,
        {
          id: taskId,
          status: cur.status,
          action: step.action,
        },
      );
    }
    await tx.query(
      `UPDATE incident_tasks SET status = $2, note = coalesce($3, note), updated_at = now() WHERE id = $1`,
      [taskId, rule.to, note],
    );
    await logTaskStep(tx, scope, incidentId, `task_${step.action}`, cur.unit_id, note ?? '', {
      taskId,
      before: { status: cur.status },
      after: { status: rule.to },
    });
  });
  return (await listTasks(db, scope, incidentId)).find((t) => t.id === taskId)!;
}
