import { scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import { DomainError } from '../lib/errors.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';

export interface TeamRow {
  id: number;
  name: string;
  kind: string;
  capabilities: string[];
  status: 'available' | 'dispatched' | 'on_scene' | 'off_duty';
  on_duty: boolean;
  home_area_code: string | null;
  position_at: Date | null;
  lon: number | null;
  lat: number | null;
  /** The open dispatch's incident, if any. */
  incident_id: number | null;
}

const TEAM_COLUMNS = `t.id, t.name, t.kind, t.capabilities, t.status, t.on_duty, t.home_area_code, t.position_at,
  ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat,
  (SELECT d.incident_id FROM dispatches d WHERE d.team_id = t.id AND d.status IN ('active', 'on_scene')
   ORDER BY d.id DESC LIMIT 1) AS incident_id`;

export interface TeamFilter {
  status?: string[];
  kind?: string[];
  /** Teams whose home area lies in this area (a code prefix). */
  area?: string;
  /** Name contains. */
  q?: string;
  limit: number;
  offset: number;
}

/** Teams in the scope (by home area), by name; with the total matching. */
export async function listTeams(
  db: Queryable,
  scope: Scope,
  f: TeamFilter,
): Promise<{ total: number; teams: TeamRow[] }> {
  const params: unknown[] = [];
  const where = [scopeSql(scope, `coalesce(t.home_area_code, '')`, params)];
  if (f.status?.length) {
    params.push(f.status);
    where.push(`t.status = ANY ($${params.length}::text[])`);
  }
  if (f.kind?.length) {
    params.push(f.kind);
    where.push(`t.kind = ANY ($${params.length}::text[])`);
  }
  if (f.area) {
    params.push(`${f.area}%`);
    where.push(`t.home_area_code LIKE $${params.length}`);
  }
  if (f.q) {
    params.push(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`t.name LIKE $${params.length}`);
  }
  const total = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM teams t WHERE ${where.join(' AND ')}`,
    params,
  );
  params.push(f.limit, f.offset);
  const r = await db.query<TeamRow>(
    `SELECT ${TEAM_COLUMNS} FROM teams t WHERE ${where.join(' AND ')}
     ORDER BY t.home_area_code NULLS FIRST, t.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { total: total.rows[0]!.n, teams: r.rows };
}

/** One team; null when there is none or it belongs outside the scope (the two answer alike). */
export async function getTeam(db: Queryable, scope: Scope, id: number): Promise<TeamRow | null> {
  const r = await db.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.id = $1`, [id]);
  const row = r.rows[0];
  if (!row || !scopeCovers(scope, row.home_area_code)) return null;
  return row;
}

export interface PositionFix {
  lon: number;
  lat: number;
  /** When the fix was taken (the device's clock). */
  at: Date;
  /** How far outside the city's towns (metres) a fix may lie. */
  marginM: number;
}

/**
 * Records a position fix (WGS84). The fix always joins the history (team_positions);
 * it moves the team only when it is newer than the team's current fix, so fixes that
 * arrive out of order never move a team back. Null when the team does not exist.
 */
export async function recordPosition(
  db: Database,
  scope: Scope,
  id: number,
  fix: PositionFix,
): Promise<{ applied: boolean; team: TeamRow } | null> {
  if (fix.at.getTime() > Date.now() + 120_000) {
    const at = fix.at.toISOString();
    throw new DomainError(422, 'fix_in_future', `body/at: ${at} is in the future (more than 2 min ahead)`, {
      at,
    });
  }
  const team = await getTeam(db, scope, id);
  if (!team) return null;
  // The service area is the towns plus a margin. A point inside a town is the usual case and
  // cheap (bbox, then point in polygon); only a point outside every town pays for the
  // distance in metres, to the few towns whose bbox, widened by the margin, holds it.
  const served = await db.query<{ ok: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM areas a, ST_SetSRID(ST_MakePoint($1, $2), 4326) AS p
       WHERE a.level = 'town' AND a.valid_to IS NULL
         -- margin/100,000 degrees ≥ margin metres at Dongguan's latitude, in both axes
         AND a.geom && ST_Expand(p, $3 / 100000.0)
         AND (ST_Intersects(a.geom, p) OR ST_DWithin(a.geom::geography, p::geography, $3))) AS ok`,
    [fix.lon, fix.lat, fix.marginM],
  );
  if (!served.rows[0]?.ok) {
    throw new DomainError(
      422,
      'position_outside_service_area',
      `body: the fix ${fix.lon}, ${fix.lat} lies more than ${fix.marginM} m outside the city (WGS84 longitude, latitude expected)`,
      { lon: fix.lon, lat: fix.lat, marginM: fix.marginM },
    );
  }
  const applied = await db.transaction(async (tx) => {
    const moved = await tx.query(
      `UPDATE teams SET geom = ST_SetSRID(ST_MakePoint($2, $3), 4326), position_at = $4
       WHERE id = $1 AND (position_at IS NULL OR position_at < $4)`,
      [id, fix.lon, fix.lat, fix.at],
    );
    const ok = moved.rowCount > 0;
    await tx.query(
      `INSERT INTO team_positions (team_id, recorded_at, geom, applied) VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5)`,
      [id, fix.at, fix.lon, fix.lat, ok],
    );
    if (ok) await tx.query(`SELECT pg_notify('teams', $1)`, [JSON.stringify({ id, op: 'position' })]);
    return ok;
  });
  return { applied, team: (await getTeam(db, scope, id))! };
}

/** The fixes of a team between two times, oldest first (its track). */
export async function teamTrack(
  db: Queryable,
  scope: Scope,
  id: number,
  from: Date,
  to: Date,
): Promise<Array<{ at: Date; lon: number; lat: number; applied: boolean }> | null> {
  if (!(await getTeam(db, scope, id))) return null;
  const r = await db.query<{ at: Date; lon: number; lat: number; applied: boolean }>(
    `SELECT recorded_at AS at, ST_X(geom) AS lon, ST_Y(geom) AS lat, applied FROM team_positions
     WHERE team_id = $1 AND recorded_at BETWEEN $2 AND $3 ORDER BY recorded_at, id LIMIT 10000`,
    [id, from, to],
  );
  return r.rows;
}

/**
 * Puts a team on or off duty. Dispatched and on-scene follow the team's dispatch and
 * cannot be set here (409); going off duty while out on an incident is refused too.
 */
export async function setDuty(
  db: Database,
  scope: Scope,
  id: number,
  onDuty: boolean,
): Promise<TeamRow | null> {
  const done = await db.transaction(async (tx) => {
    const r = await tx.query<{ status: string; on_duty: boolean; home_area_code: string | null }>(
      'SELECT status, on_duty, home_area_code FROM teams WHERE id = $1 FOR UPDATE',
      [id],
    );
    const cur = r.rows[0];
    if (!cur || !scopeCovers(scope, cur.home_area_code)) return false;
    if (cur.status === 'dispatched' || cur.status === 'on_scene') {
      throw new DomainError(
        409,
        'team_on_dispatch',
        `team ${id} is ${cur.status}: end or cancel its dispatch first`,
        { teamId: id, status: cur.status },
      );
    }
    await tx.query(`UPDATE teams SET on_duty = $2, status = $3 WHERE id = $1`, [
      id,
      onDuty,
      onDuty ? 'available' : 'off_duty',
    ]);
    await recordAudit(tx, scope, {
      action: onDuty ? 'team.on_duty' : 'team.off_duty',
      targetType: 'team',
      targetId: String(id),
      before: { status: cur.status },
      after: { status: onDuty ? 'available' : 'off_duty' },
    });
    await tx.query(`SELECT pg_notify('teams', $1)`, [JSON.stringify({ id, op: 'status' })]);
    return true;
  });
  return done ? getTeam(db, scope, id) : null;
}
