import { scopeSql, type Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

/** The filters of an incident report; all optional. Times are ISO 8601. */
export interface IncidentReportFilter {
  from?: string;
  to?: string;
  town?: string;
  /** A category (小类) or its 大类. */
  kind?: string;
  status?: string;
}

/** Counts for one group (a town or a category) of the report. */
export interface ReportGroup {
  code: string;
  name: string;
  total: number;
  open: number;
  /** Reached `resolved` (at any time). */
  resolved: number;
  /** Resolved no later than the deadline. */
  onTime: number;
  /** Not resolved and past the deadline now. */
  overdue: number;
}

export interface IncidentReport {
  total: ReportGroup;
  byTown: ReportGroup[];
  byCategory: ReportGroup[];
}

const OPEN = `i.status NOT IN ('resolved', 'verified', 'closed', 'rejected', 'merged')`;

/**
 * Incident counts by town and by category for the incidents reported in the caller's area
 * that match the filter, with the on-time rate's parts: resolved is the first time the
 * incident reached `resolved`; on time when that is no later than its deadline.
 */
export async function incidentReport(
  db: Queryable,
  scope: Scope,
  f: IncidentReportFilter,
): Promise<IncidentReport> {
  const params: unknown[] = [f.from ?? null, f.to ?? null, f.town ?? null, f.kind ?? null, f.status ?? null];
  const where = `($1::timestamptz IS NULL OR i.reported_at >= $1::timestamptz)
    AND ($2::timestamptz IS NULL OR i.reported_at < $2::timestamptz)
    AND ($3::text IS NULL OR i.town_code = $3::text)
    AND ($4::text IS NULL OR i.category = $4::text OR c.parent_code = $4::text)
    AND ($5::text IS NULL OR i.status = $5::text)
    AND ${scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params)}`;
  const { rows } = await db.query<ReportGroup & { grp: string }>(
    `WITH m AS (
       SELECT i.id, i.status, i.town_code, i.category, c.name_zh AS category_name, i.deadline_at,
              (SELECT min(e.at) FROM incident_events e WHERE e.incident_id = i.id AND e.to_status = 'resolved') AS resolved_at
       FROM incidents i
       JOIN categories c ON c.kind = 'incident' AND c.code = i.category
       WHERE ${where}
     )
     SELECT grp, code, name, count(*)::int AS total,
            count(*) FILTER (WHERE ${OPEN.replaceAll('i.', 'm.')})::int AS open,
            count(*) FILTER (WHERE resolved_at IS NOT NULL)::int AS resolved,
            count(*) FILTER (WHERE resolved_at <= deadline_at)::int AS "onTime",
            count(*) FILTER (WHERE resolved_at IS NULL AND deadline_at < now() AND ${OPEN.replaceAll('i.', 'm.')})::int AS overdue
     FROM (
       SELECT m.*, 'town' AS grp, coalesce(m.town_code, '') AS code, coalesce(a.name, '（未定位）') AS name
       FROM m LEFT JOIN areas a ON a.code = m.town_code AND a.valid_to IS NULL
       UNION ALL
       SELECT m.*, 'category', m.category, m.category_name FROM m
       UNION ALL
       SELECT m.*, 'total', '', '合计' FROM m
     ) m
     GROUP BY grp, code, name
     ORDER BY grp, code`,
    params,
  );
  const pick = (g: string) => rows.filter((r) => r.grp === g).map(({ grp: _g, ...r }) => r);
  return {
    total: pick('total')[0] ?? {
      code: '',
      name: '合计',
      total: 0,
      open: 0,
      resolved: 0,
      onTime: 0,
      overdue: 0,
    },
    byTown: pick('town'),
    byCategory: pick('category'),
  };
}
