import type { Scope } from '../auth/scope.ts';
import { DomainError, NotFoundError } from '../lib/errors.ts';
import { TASKABLE_STATUSES } from '../lib/incident-lifecycle.ts';
import { addWorkingMinutes, type WorkingCalendar } from '../lib/working-time.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';
import { lockIncident } from './task-repository.ts';

/**
 * Supervision (督办, migrations/0024_supervision.sql): an order on an incident still being
 * handled, with a note and the time by which its handling unit must answer (反馈); the unit
 * answers once. Both are on the timeline, in the audit log and a live event.
 */

/** The permission to order supervision (commanders, town coordinators, admins) and to answer. */
export const SUPERVISION_PERMISSION = { issue: 'close', answer: 'accept' } as const;

export interface SupervisionRow {
  id: number;
  incident_id: number;
  note: string;
  respond_by: Date;
  issued_by: string;
  issued_at: Date;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | null;
}

const COLUMNS = `id, incident_id::int AS incident_id, note, respond_by, issued_by, issued_at, answer, answered_by, answered_at`;

/** The supervision orders of an incident (the caller has read the incident), oldest first. */
export async function listSupervisions(
  db: Queryable,
  _scope: Scope,
  incidentId: number,
): Promise<SupervisionRow[]> {
  const r = await db.query<SupervisionRow>(
    `SELECT ${COLUMNS} FROM incident_supervisions WHERE incident_id = $1 ORDER BY id`,
    [incidentId],
  );
  return r.rows;
}

async function logStep(
  tx: Queryable,
  scope: Scope,
  incidentId: number,
  action: 'supervise' | 'supervision_answer',
  note: string,
  after: Record<string, unknown>,
): Promise<void> {
  await tx.query(`INSERT INTO incident_events (incident_id, actor, action, note) VALUES ($1, $2, $3, $4)`, [
    incidentId,
    scope.name,
    action,
    note,
  ]);
  await recordAudit(tx, scope, {
    action: `incident.${action}`,
    targetType: 'incident',
    targetId: String(incidentId),
    after,
  });
  await tx.query(`SELECT pg_notify('incidents', $1)`, [JSON.stringify({ id: incidentId, op: action })]);
}

/**
 * Orders supervision on an incident still being handled: the unit must answer within `hours`
 * working hours. 409 when the incident is no longer being handled or an order waits for its
 * answer already; 422 without a note.
 */
export async function supervise(
  db: Database,
  scope: Scope,
  incidentId: number,
  input: { note: string; hours: number; calendar: WorkingCalendar },
): Promise<SupervisionRow> {
  const note = input.note.trim();
  if (!note) throw new DomainError(422, 'supervision_note_missing', 'body/note: say what the unit must do');
  const id = await db.transaction(async (tx) => {
    const inc = await lockIncident(tx, scope, incidentId);
    if (!TASKABLE_STATUSES.includes(inc.status)) {
      throw new DomainError(
        409,
        'supervision_incident_closed',
        `incident ${incidentId} is ${inc.status}: it is no longer being handled`,
        { id: incidentId, status: inc.status },
      );
    }
    const open = await tx.query(
      'SELECT 1 FROM incident_supervisions WHERE incident_id = $1 AND answered_at IS NULL',
      [incidentId],
    );
    if (open.rows.length > 0) {
      throw new DomainError(
        409,
        'supervision_open_already',
        `incident ${incidentId} has a supervision order waiting for its answer`,
        { id: incidentId },
      );
    }
    const respondBy = addWorkingMinutes(input.calendar, new Date(), Math.round(input.hours * 60));
    const ins = await tx.query<{ id: number }>(
      `INSERT INTO incident_supervisions (incident_id, note, respond_by, issued_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [incidentId, note, respondBy, scope.name],
    );
    const sid = ins.rows[0]!.id;
    await logStep(tx, scope, incidentId, 'supervise', note, {
      supervision: sid,
      respondBy: respondBy.toISOString(),
    });
    return sid;
  });
  return (await listSupervisions(db, scope, incidentId)).find((s) => s.id === id)!;
}

/** The handling unit's answer (反馈) to an order, once. 404 when the order is not of the incident; 409 when answered. */
export async function answerSupervision(
  db: Database,
  scope: Scope,
  incidentId: number,
  supervisionId: number,
  input: { answer: string },
): Promise<SupervisionRow> {
  const answer = input.answer.trim();
  if (!answer) throw new DomainError(422, 'supervision_answer_missing', 'body/answer: say what was done');
  await db.transaction(async (tx) => {
    await lockIncident(tx, scope, incidentId);
    const cur = (
      await tx.query<{ answered_at: Date | null }>(
        'SELECT answered_at FROM incident_supervisions WHERE id = $1 AND incident_id = $2 FOR UPDATE',
        [supervisionId, incidentId],
      )
    ).rows[0];
    if (!cur) throw new NotFoundError('supervision', supervisionId);
    if (cur.answered_at) {
      throw new DomainError(
        409,
        'supervision_answered',
        `supervision order ${supervisionId} has its answer`,
        {
          id: supervisionId,
        },
      );
    }
    await tx.query(
      `UPDATE incident_supervisions SET answer = $2, answered_by = $3, answered_at = now() WHERE id = $1`,
      [supervisionId, answer, scope.name],
    );
    await logStep(tx, scope, incidentId, 'supervision_answer', answer, { supervision: supervisionId });
  });
  return (await listSupervisions(db, scope, incidentId)).find((s) => s.id === supervisionId)!;
}
