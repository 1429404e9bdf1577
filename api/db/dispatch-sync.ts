import { scopeCovers, type Scope } from '../auth/scope.ts';
import { DomainError } from '../lib/errors.ts';
import type { IncidentAction } from '../lib/incident-lifecycle.ts';
import type { Queryable } from './database.ts';

export interface DispatchStep {
  /** dispatch: the team sent (none = dispatched to a department, no team tracked). */
  teamId?: number;
  /** dispatch: the road time (s) and distance (m) the dispatcher saw. */
  travelTimeS?: number;
  distanceM?: number;
  note?: string;
}

interface TeamLock {
  id: number;
  name: string;
  status: string;
  on_duty: boolean;
  home_area_code: string | null;
}

/** Why a team cannot be sent (409), naming who has it when it is out on another incident. */
async function busyError(tx: Queryable, team: TeamLock): Promise<DomainError> {
  const open = await tx.query<{ incident_id: number; created_by: string; created_at: Date }>(
    `SELECT incident_id, created_by, created_at FROM dispatches
     WHERE team_id = $1 AND status IN ('active', 'on_scene') ORDER BY id DESC LIMIT 1`,
    [team.id],
  );
  const d = open.rows[0];
  if (d) {
    const at = new Date(d.created_at).toISOString();
    return new DomainError(
      409,
      'team_dispatched',
      `team ${team.id} (${team.name}) is already dispatched to incident ${d.incident_id} by ${d.created_by} at ${at}`,
      { teamId: team.id, team: team.name, incidentId: d.incident_id, by: d.created_by, at },
    );
  }
  if (!team.on_duty || team.status === 'off_duty') {
    return new DomainError(409, 'team_off_duty', `team ${team.id} (${team.name}) is off duty`, {
      teamId: team.id,
      team: team.name,
    });
  }
  return new DomainError(
    409,
    'team_unavailable',
    `team ${team.id} (${team.name}) is ${team.status}, not available`,
    { teamId: team.id, team: team.name, status: team.status },
  );
}

/** A team that does not exist or lies outside the caller's area (alike), as the body names it. */
export function unknownTeam(teamId: number): DomainError {
  return new DomainError(422, 'team_unknown', `body/teamId: there is no team ${teamId}`, { teamId });
}

/**
 * Keeps dispatches and team statuses in step with an incident transition, inside the
 * transition's own database transaction (the incident row is already locked, so the
 * lock order is always incident, then team). Returns words for the timeline note.
 *
 * - dispatch with a team: the team must be available and on duty; it gets one open
 *   dispatch (the unique index dispatches_one_open_per_team makes a second impossible
 *   even across API processes) and the status dispatched;
 * - arrive: the open dispatch and its team go on_scene;
 * - resolve: the open dispatch completes and its team is available again;
 * - return: the open dispatch is cancelled and its team is available again.
 */
export async function syncDispatch(
  tx: Queryable,
  scope: Scope,
  incidentId: number,
  action: IncidentAction,
  step: DispatchStep,
): Promise<string | null> {
  if (action === 'dispatch' && step.teamId !== undefined) {
    const t = await tx.query<TeamLock>(
      'SELECT id, name, status, on_duty, home_area_code FROM teams WHERE id = $1 FOR UPDATE',
      [step.teamId],
    );
    const team = t.rows[0];
    // a team outside the caller's area answers as a missing one
    if (!team || !scopeCovers(scope, team.home_area_code)) throw unknownTeam(step.teamId);
    if (team.status !== 'available' || !team.on_duty) throw await busyError(tx, team);
    await tx.query(
      `INSERT INTO dispatches (incident_id, team_id, created_by, travel_time_s, distance_m, note)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [incidentId, team.id, scope.name, step.travelTimeS ?? null, step.distanceM ?? null, step.note ?? null],
    );
    await tx.query(`UPDATE teams SET status = 'dispatched' WHERE id = $1`, [team.id]);
    await tx.query(`SELECT pg_notify('teams', $1)`, [JSON.stringify({ id: team.id, op: 'dispatched' })]);
    return `team ${team.id} ${team.name}`;
  }
  if (action === 'verify_fail') return null; // redispatchForRework does it
  const change: Partial<
    Record<IncidentAction, { from: string[]; to: string; team: string; ended: boolean }>
  > = {
    arrive: { from: ['active'], to: 'on_scene', team: 'on_scene', ended: false },
    resolve: { from: ['active', 'on_scene'], to: 'completed', team: 'available', ended: true },
    return: { from: ['active', 'on_scene'], to: 'cancelled', team: 'available', ended: true },
  };
  const c = change[action];
  if (!c) return null;
  const d = await tx.query<{ team_id: number }>(
    `UPDATE dispatches SET status = $2,
            arrived_at = CASE WHEN $2 = 'on_scene' THEN now() ELSE arrived_at END,
            ended_at = CASE WHEN $3 THEN now() ELSE ended_at END
     WHERE incident_id = $1 AND status = ANY ($4::text[])
     RETURNING team_id`,
    [incidentId, c.to, c.ended, c.from],
  );
  if (d.rows.length === 0) return null;
  const teams = d.rows.map((r) => r.team_id);
  // an off-duty team stays off duty when its job ends
  await tx.query(
    `UPDATE teams SET status = $2 WHERE id = ANY ($1::bigint[]) AND status IN ('dispatched', 'on_scene')`,
    [teams, c.team],
  );
  for (const id of teams) {
    await tx.query(`SELECT pg_notify('teams', $1)`, [JSON.stringify({ id, op: c.team })]);
  }
  return `team ${teams.join(', ')}`;
}

/**
 * 返工: a resolved incident that fails verification goes back to the team that resolved it
 * (a new dispatch, so it is never `dispatched` with nobody sent). Returns words for the
 * timeline, or null when that team cannot take it now (busy, off duty, or none): the
 * incident then goes back to accepted for the dispatcher to send someone.
 */
export async function redispatchForRework(
  tx: Queryable,
  scope: Scope,
  incidentId: number,
): Promise<string | null> {
  const last = await tx.query<TeamLock>(
    `SELECT t.id, t.name, t.status, t.on_duty, t.home_area_code
     FROM dispatches d JOIN teams t ON t.id = d.team_id
     WHERE d.incident_id = $1 AND d.status = 'completed'
     ORDER BY d.ended_at DESC NULLS LAST, d.id DESC LIMIT 1
     FOR UPDATE OF t`,
    [incidentId],
  );
  const team = last.rows[0];
  if (!team || team.status !== 'available' || !team.on_duty) return null;
  await tx.query(
    `INSERT INTO dispatches (incident_id, team_id, created_by, note) VALUES ($1, $2, $3, 'rework')`,
    [incidentId, team.id, scope.name],
  );
  await tx.query(`UPDATE teams SET status = 'dispatched' WHERE id = $1`, [team.id]);
  await tx.query(`SELECT pg_notify('teams', $1)`, [JSON.stringify({ id: team.id, op: 'dispatched' })]);
  return `rework: team ${team.id} ${team.name} sent again`;
}
