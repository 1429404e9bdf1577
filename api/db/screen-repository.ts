import { scopeSql, type Scope } from '../auth/scope.ts';
import { OPEN_STATUSES } from '../lib/incident-lifecycle.ts';
import type { Queryable } from './database.ts';

export interface ScreenSummary {
  today: {
    total: number;
    byCategory: Array<{ code: string; name: string; n: number }>;
    byStatus: Array<{ status: string; n: number }>;
  };
  /** Incidents resolved in the last 30 days: how many by their deadline. */
  onTime: { resolved: number; onTime: number };
  overdue: Array<{
    id: number;
    category: string;
    name: string | null;
    priority: number;
    townCode: string | null;
    deadlineAt: Date;
    /** A supervision order (督办) waits for its answer. */
    supervised: boolean;
  }>;
  openTotal: number;
  overdueTotal: number;
  /** Open incidents with a supervision order waiting for its answer. */
  supervisedTotal: number;
  teams: Array<{ kind: string; available: number; busy: number; offDuty: number }>;
  riskSources: Array<{ level: number; n: number }>;
  towns: Array<{ code: string; name: string; open: number; overdue: number }>;
}

/**
 * The command centre's figures for the caller's area: today's incidents (China time) by
 * category and status, the on-time rate of the last 30 days, the overdue list, teams by
 * kind and state, risk sources by level, and towns ranked by open incidents.
 */
export async function screenSummary(db: Queryable, scope: Scope): Promise<ScreenSummary> {
  const p = (): unknown[] => [];
  const area = (alias: string, params: unknown[]) =>
    scopeSql(scope, `coalesce(${alias}.grid_code, ${alias}.village_code, ${alias}.town_code)`, params);
  // today in China time (UTC+8), as the wall clock in the centre shows it
  const today = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
  const dayStart = `((${today})::timestamp AT TIME ZONE 'Asia/Shanghai')`;

  let params = p();
  const byCategory = await db.query<{ code: string; name: string; n: number }>(
    `SELECT i.category AS code, coalesce(c.name_zh, i.category) AS name, count(*)::int AS n
     FROM incidents i LEFT JOIN categories c ON c.kind = 'incident' AND c.code = i.category
     WHERE i.reported_at >= ${dayStart} AND ${area('i', params)}
     GROUP BY 1, 2 ORDER BY n DESC, code LIMIT 12`,
    params,
  );
  params = p();
  const byStatus = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM incidents i
     WHERE i.reported_at >= ${dayStart} AND ${area('i', params)} GROUP BY 1 ORDER BY 1`,
    params,
  );
  params = p();
  const onTime = await db.query<{ resolved: number; on_time: number }>(
    `SELECT count(*)::int AS resolved, count(*) FILTER (WHERE e.at <= i.deadline_at)::int AS on_time
     FROM incidents i
     JOIN LATERAL (SELECT min(at) AS at FROM incident_events WHERE incident_id = i.id AND to_status = 'resolved') e ON true
     WHERE e.at >= now() - interval '30 days' AND i.deadline_at IS NOT NULL AND ${area('i', params)}`,
    params,
  );
  params = [OPEN_STATUSES];
  const overdueWhere = `i.status = ANY ($1::text[]) AND i.status NOT IN ('resolved', 'verified') AND i.deadline_at < now() AND ${area('i', params)}`;
  const overdue = await db.query<ScreenSummary['overdue'][number]>(
    `SELECT i.id, i.category, c.name_zh AS name, i.priority, i.town_code AS "townCode", i.deadline_at AS "deadlineAt",
            EXISTS (SELECT 1 FROM incident_supervisions s WHERE s.incident_id = i.id AND s.answered_at IS NULL) AS supervised
     FROM incidents i LEFT JOIN categories c ON c.kind = 'incident' AND c.code = i.category
     WHERE ${overdueWhere} ORDER BY i.deadline_at LIMIT 20`,
    params,
  );
  const counts = await db.query<{ open: number; overdue: number; supervised: number }>(
    `SELECT count(*)::int AS open, count(*) FILTER (WHERE i.deadline_at < now() AND i.status NOT IN ('resolved', 'verified'))::int AS overdue,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM incident_supervisions s WHERE s.incident_id = i.id AND s.answered_at IS NULL))::int AS supervised
     FROM incidents i WHERE i.status = ANY ($1::text[]) AND ${area('i', (params = [OPEN_STATUSES]))}`,
    params,
  );
  params = p();
  const teams = await db.query<ScreenSummary['teams'][number]>(
    `SELECT kind, count(*) FILTER (WHERE status = 'available')::int AS available,
            count(*) FILTER (WHERE status IN ('dispatched', 'on_scene'))::int AS busy,
            count(*) FILTER (WHERE status = 'off_duty')::int AS "offDuty"
     FROM teams t WHERE ${scopeSql(scope, `coalesce(t.home_area_code, '')`, params)} GROUP BY kind ORDER BY kind`,
    params,
  );
  params = p();
  const risk = await db.query<{ level: number; n: number }>(
    `SELECT level, count(*)::int AS n FROM risk_sources r WHERE ${area('r', params)} GROUP BY level ORDER BY level`,
    params,
  );
  params = [OPEN_STATUSES];
  const towns = await db.query<ScreenSummary['towns'][number]>(
    `SELECT a.code, a.name, count(i.id)::int AS open,
            count(i.id) FILTER (WHERE i.deadline_at < now() AND i.status NOT IN ('resolved', 'verified'))::int AS overdue
     FROM areas a
     LEFT JOIN incidents i ON i.town_code = a.code AND i.status = ANY ($1::text[])
     WHERE a.level = 'town' AND a.valid_to IS NULL AND ${scopeSql(scope, 'a.code', params)}
     GROUP BY a.code, a.name ORDER BY open DESC, a.code LIMIT 40`,
    params,
  );
  return {
    today: {
      total: byStatus.rows.reduce((k, r) => k + r.n, 0),
      byCategory: byCategory.rows,
      byStatus: byStatus.rows,
    },
    onTime: { resolved: onTime.rows[0]?.resolved ?? 0, onTime: onTime.rows[0]?.on_time ?? 0 },
    overdue: overdue.rows,
    openTotal: counts.rows[0]?.open ?? 0,
    overdueTotal: counts.rows[0]?.overdue ?? 0,
    supervisedTotal: counts.rows[0]?.supervised ?? 0,
    teams: teams.rows,
    riskSources: risk.rows,
    towns: towns.rows,
  };
}

export interface Playback {
  incidents: Array<{
    id: number;
    reportedAt: Date;
    lon: number;
    lat: number;
    priority: number;
    category: string;
    /** Status changes in the window, oldest first: [time, status]. */
    steps: Array<[string, string]>;
  }>;
  tracks: Array<{ teamId: number; kind: string; points: Array<[string, number, number]> }>;
  truncated: boolean;
}

/**
 * What happened in a time window, to replay: incidents reported in it with their status
 * changes, and team tracks (position fixes). At most `maxIncidents` incidents and
 * `maxFixes` fixes (then `truncated`), in the caller's area.
 */
export async function playback(
  db: Queryable,
  scope: Scope,
  from: Date,
  to: Date,
  limits = { maxIncidents: 20_000, maxFixes: 200_000 },
): Promise<Playback> {
  const params: unknown[] = [from, to, limits.maxIncidents + 1];
  const inc = await db.query<{
    id: number;
    reported_at: Date;
    lon: number;
    lat: number;
    priority: number;
    category: string;
    steps: Array<[string, string]> | null;
  }>(
    `SELECT i.id, i.reported_at, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.priority, i.category,
            (SELECT json_agg(json_build_array(e.at, e.to_status) ORDER BY e.id) FROM incident_events e
             WHERE e.incident_id = i.id AND e.to_status IS NOT NULL AND e.at <= $2) AS steps
     FROM incidents i
     WHERE i.reported_at BETWEEN $1 AND $2
       AND ${scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params)}
     ORDER BY i.reported_at, i.id LIMIT $3`,
    params,
  );
  const tparams: unknown[] = [from, to, limits.maxFixes + 1];
  const fixes = await db.query<{ team_id: number; kind: string; at: Date; lon: number; lat: number }>(
    `SELECT p.team_id, t.kind, p.recorded_at AS at, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
     FROM team_positions p JOIN teams t ON t.id = p.team_id
     WHERE p.recorded_at BETWEEN $1 AND $2 AND ${scopeSql(scope, `coalesce(t.home_area_code, '')`, tparams)}
     ORDER BY p.team_id, p.recorded_at, p.id LIMIT $3`,
    tparams,
  );
  const truncated = inc.rows.length > limits.maxIncidents || fixes.rows.length > limits.maxFixes;
  const tracks = new Map<number, Playback['tracks'][number]>();
  for (const f of fixes.rows.slice(0, limits.maxFixes)) {
    let tr = tracks.get(f.team_id);
    if (!tr) tracks.set(f.team_id, (tr = { teamId: f.team_id, kind: f.kind, points: [] }));
    tr.points.push([new Date(f.at).toISOString(), f.lon, f.lat]);
  }
  return {
    incidents: inc.rows.slice(0, limits.maxIncidents).map((r) => ({
      id: r.id,
      reportedAt: r.reported_at,
      lon: r.lon,
      lat: r.lat,
      priority: r.priority,
      category: r.category,
      steps: (r.steps ?? []).map(([at, s]) => [new Date(at).toISOString(), s] as [string, string]),
    })),
    tracks: [...tracks.values()],
    truncated,
  };
}
