import type { Scope } from '../auth/scope.ts';
import { DomainError } from '../lib/errors.ts';
import { RATEABLE, type IncidentStatus } from '../lib/incident-lifecycle.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';

/** What a citizen sees of a report (by its tracking code): no staff names, no other reports. */
export interface TrackedReport {
  id: number;
  status: string;
  category: string;
  category_name: string | null;
  reported_at: Date;
  deadline_at: Date | null;
  closed_at: Date | null;
  /** The unit handling it (a department's unit of the town). */
  unit_name: string | null;
  /** The note the handling team left when it resolved it (the latest). */
  result: string | null;
  timeline: Array<{ at: string; action: string; to_status: string | null }>;
  rating: { rating: string; comment: string | null; rated_at: string } | null;
}

/** The steps a citizen is shown: what happened to the report, not the desk's internal moves. */
const PUBLIC_ACTIONS = [
  'report',
  'accept',
  'reject',
  'dispatch',
  'arrive',
  'resolve',
  'verify_pass',
  'verify_fail',
  'close',
  'merge',
  'transfer',
  'send_back',
  'assign_unit',
  'rate',
];

/** A report by its tracking code; null when no report has it. */
export async function trackReport(db: Queryable, code: string): Promise<TrackedReport | null> {
  const r = await db.query<TrackedReport>(
    `SELECT i.id, i.status, i.category, c.name_zh AS category_name, i.reported_at, i.deadline_at, i.closed_at,
            u.name AS unit_name,
            i.result_note AS result,
            (SELECT coalesce(json_agg(json_build_object('at', e.at, 'action', e.action, 'to_status', e.to_status)
                                      ORDER BY e.id), '[]'::json)
             FROM incident_events e WHERE e.incident_id = i.id AND e.action = ANY ($2::text[])) AS timeline,
            (SELECT json_build_object('rating', x.rating, 'comment', x.comment, 'rated_at', x.rated_at)
             FROM incident_ratings x WHERE x.incident_id = i.id) AS rating
     FROM incidents i
     LEFT JOIN categories c ON c.kind = 'incident' AND c.code = i.category
     LEFT JOIN units u ON u.id = i.lead_unit_id
     WHERE i.tracking_code = $1`,
    [code, PUBLIC_ACTIONS],
  );
  return r.rows[0] ?? null;
}

export type Rating = 'satisfied' | 'basic' | 'unsatisfied';

/**
 * The citizen's rating of a resolved report, once (回访与评价). 不满意 (unsatisfied) sends it
 * back for the town to verify again: a verified or closed report returns to `resolved`
 * (and its closing is undone), a resolved one stays there; the town's verifier then passes
 * it or sends the team back (verify_fail, the rework rule). 404 for an unknown code, 409
 * before resolution and for a second rating.
 */
export async function rateReport(
  db: Database,
  scope: Scope,
  code: string,
  input: { rating: Rating; comment?: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const cur = await tx.query<{ id: number; status: IncidentStatus; area: string | null }>(
      `SELECT id, status, coalesce(grid_code, village_code, town_code) AS area FROM incidents
       WHERE tracking_code = $1 FOR UPDATE`,
      [code],
    );
    const row = cur.rows[0];
    if (!row) throw new DomainError(404, 'tracking_code_unknown', 'no report has this tracking code');
    if (!RATEABLE.includes(row.status)) {
      throw new DomainError(
        409,
        'rating_too_early',
        `report ${row.id} is ${row.status}: it can be rated once resolved`,
        {
          id: row.id,
          status: row.status,
        },
      );
    }
    const stored = await tx.query(
      `INSERT INTO incident_ratings (incident_id, rating, comment) VALUES ($1, $2, $3)
       ON CONFLICT (incident_id) DO NOTHING`,
      [row.id, input.rating, input.comment?.trim() || null],
    );
    if (stored.rowCount === 0) {
      throw new DomainError(409, 'rating_given', `report ${row.id} has been rated already`, { id: row.id });
    }
    const to = input.rating === 'unsatisfied' ? 'resolved' : row.status;
    if (to !== row.status) {
      await tx.query(
        `UPDATE incidents SET status = 'resolved', closed_at = NULL, updated_at = now() WHERE id = $1`,
        [row.id],
      );
    }
    await tx.query(
      `INSERT INTO incident_events (incident_id, actor, action, from_status, to_status, note)
       VALUES ($1, $2, 'rate', $3, $4, $5)`,
      [row.id, scope.name, row.status, to, input.comment?.trim() || null],
    );
    await recordAudit(tx, scope, {
      action: 'incident.rate',
      targetType: 'incident',
      targetId: String(row.id),
      before: { status: row.status },
      after: { status: to, rating: input.rating },
    });
    await tx.query(`SELECT pg_notify('incidents', $1)`, [JSON.stringify({ id: row.id, op: 'rate' })]);
  });
}
