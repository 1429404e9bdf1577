import { scopeSql, type Scope } from '../auth/scope.ts';
import {
  rankAssessment,
  type AssessedIncident,
  type AssessmentLevel,
  type AssessmentRow,
} from '../lib/assessment.ts';
import type { WorkingCalendar } from '../lib/working-time.ts';
import type { Queryable } from './database.ts';

/** The group of an incident at each level: its town, its village, its lead unit, its last dispatched team. */
const GROUP_SQL: Record<AssessmentLevel, string> = {
  town: 'i.town_code',
  village: 'i.village_code',
  unit: 'i.lead_unit_id::text',
  team: '(SELECT d.team_id::text FROM dispatches d WHERE d.incident_id = i.id ORDER BY d.id DESC LIMIT 1)',
};

/** The name of each group's code at each level. */
const NAME_SQL: Record<AssessmentLevel, string> = {
  town: `SELECT DISTINCT ON (code) code, name FROM areas WHERE code = ANY ($1::text[]) ORDER BY code, valid_from DESC`,
  village: `SELECT DISTINCT ON (code) code, name FROM areas WHERE code = ANY ($1::text[]) ORDER BY code, valid_from DESC`,
  unit: `SELECT id::text AS code, name FROM units WHERE id::text = ANY ($1::text[])`,
  team: `SELECT id::text AS code, name FROM teams WHERE id::text = ANY ($1::text[])`,
};

export interface AssessmentQuery {
  level: AssessmentLevel;
  from: Date;
  to: Date;
  calendar: WorkingCalendar;
  now: Date;
}

export interface NamedAssessmentRow extends AssessmentRow {
  name: string;
}

/**
 * The assessment (考核) of the caller's area: the incidents reported in [from, to) where the
 * caller may see them, read from their timelines (first resolution, failed verifications,
 * 转办/退回 and 督办 steps) and their ratings, grouped at the level and ranked.
 */
export async function assessment(
  db: Queryable,
  scope: Scope,
  q: AssessmentQuery,
): Promise<NamedAssessmentRow[]> {
  const params: unknown[] = [q.from.toISOString(), q.to.toISOString()];
  const inScope = scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params);
  const { rows } = await db.query<{
    grp: string | null;
    status: string;
    reported_at: Date;
    deadline_at: Date | null;
    resolved_at: Date | null;
    reworks: number;
    transfers: number;
    supervisions: number;
    rating: AssessedIncident['rating'];
  }>(
    `SELECT ${GROUP_SQL[q.level]} AS grp, i.status, i.reported_at, i.deadline_at, ev.resolved_at,
            ev.reworks, ev.transfers, ev.supervisions, r.rating
     FROM incidents i
     CROSS JOIN LATERAL (
       SELECT min(e.at) FILTER (WHERE e.to_status = 'resolved') AS resolved_at,
              count(*) FILTER (WHERE e.action = 'verify_fail')::int AS reworks,
              count(*) FILTER (WHERE e.action IN ('transfer', 'send_back'))::int AS transfers,
              count(*) FILTER (WHERE e.action = 'supervise')::int AS supervisions
       FROM incident_events e WHERE e.incident_id = i.id
     ) ev
     LEFT JOIN incident_ratings r ON r.incident_id = i.id
     WHERE i.reported_at >= $1::timestamptz AND i.reported_at < $2::timestamptz AND ${inScope}`,
    params,
  );
  const ranked = rankAssessment(
    rows.map((r) => ({
      group: r.grp,
      status: r.status,
      reportedAt: new Date(r.reported_at),
      deadlineAt: r.deadline_at ? new Date(r.deadline_at) : null,
      resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
      reworks: r.reworks,
      transfers: r.transfers,
      supervisions: r.supervisions,
      rating: r.rating,
    })),
    q.calendar,
    q.now,
  );
  const names = await db.query<{ code: string; name: string }>(NAME_SQL[q.level], [
    ranked.map((r) => r.code),
  ]);
  const nameOf = new Map(names.rows.map((n) => [n.code, n.name]));
  return ranked.map((r) => ({ ...r, name: nameOf.get(r.code) ?? r.code }));
}
