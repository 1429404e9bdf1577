import { createHash } from 'node:crypto';
import { scopeSql, type Scope } from '../auth/scope.ts';
import { minCostAssignment } from '../lib/assignment.ts';
import type { ErrorCode } from '../lib/error-codes.ts';
import { DomainError, NotFoundError, type ErrorParams } from '../lib/errors.ts';
import { ACCESS_SPEED_MS, metres, type RoadGraph, type RoadSearch } from '../lib/road-graph.ts';
import type { Database, Queryable } from './database.ts';
import { unknownTeam } from './dispatch-sync.ts';
import {
  applyTransition,
  getCalendar,
  getIncident,
  incidentPlace,
  type IncidentPlace,
} from './incident-repository.ts';
import { roadGraph } from './road-repository.ts';

/** Lower bound of metres per degree of planar (lon/lat) distance below |lat| + 1°, so KNN order bounds true distance. */
function metresPerDegreeBound(lat: number): number {
  return Math.min(110_574, 111_320 * Math.cos(((Math.abs(lat) + 1) * Math.PI) / 180));
}

export interface Candidate {
  teamId: number;
  name: string;
  kind: string;
  homeAreaCode: string | null;
  positionAt: Date;
  lon: number;
  lat: number;
  /** Straight-line metres to the incident. */
  straightM: number;
  /** Metres along the fastest route (including the straight gaps to and from the network). */
  distanceM: number;
  /** Seconds along the fastest route. */
  travelTimeS: number;
  /** The grid's own grid worker (for grid matters). */
  ownGridWorker: boolean;
  /** The route, team → incident, as [lon, lat] points (WGS84). */
  route: Array<[number, number]>;
}

interface TeamPoint {
  id: number;
  name: string;
  kind: string;
  home_area_code: string | null;
  position_at: Date;
  lon: number;
  lat: number;
  deg: number;
}

/** The road search toward one point, with the point's own gap to the network. */
interface Target {
  graph: RoadGraph;
  search: RoadSearch;
  node: number;
  accessM: number;
  lon: number;
  lat: number;
}

async function targetAt(db: Database, lon: number, lat: number): Promise<Target> {
  const graph = await roadGraph(db);
  const snap = graph.nearestNode(lon, lat);
  if (!snap) {
    throw new DomainError(
      409,
      'road_network_empty',
      'the road network is empty: load road_nodes and road_edges first',
    );
  }
  return {
    graph,
    node: snap.node,
    accessM: snap.distanceM,
    lon,
    lat,
    search: graph.searchToward([
      { node: snap.node, timeS: snap.distanceM / ACCESS_SPEED_MS, lengthM: snap.distanceM },
    ]),
  };
}

/** Road time and route of one team to the target; null when the network does not connect them (or beyond limitS). */
function routeOf(target: Target, team: { lon: number; lat: number }, limitS = Infinity) {
  const snap = target.graph.nearestNode(team.lon, team.lat)!;
  const gapS = snap.distanceM / ACCESS_SPEED_MS;
  const roadS = target.search.timeTo(snap.node, limitS - gapS);
  if (roadS === Infinity) return null;
  return {
    travelTimeS: gapS + roadS,
    distanceM: snap.distanceM + target.search.lengthM[snap.node]!,
    route: () => [
      [team.lon, team.lat] as [number, number],
      ...target.search.pathFrom(snap.node).map((v) => target.graph.coordinates(v)),
      [target.lon, target.lat] as [number, number],
    ],
  };
}

export interface CandidateOptions {
  limit: number;
  /** Positions older than this many seconds do not count. */
  fixMaxAgeS: number;
  now?: Date;
}

/**
 * SQL and parameters selecting the teams that can go to an incident now, in the scope. The
 * capability is written into the text (it is a category's code, checked here) so that the
 * planner can use that capability's partial index (migrations/0014_team_capability_indexes.sql).
 */
function eligibleTeams(scope: Scope, capability: string, freshSince: Date) {
  if (!/^[a-z0-9_]{1,64}$/.test(capability)) throw new Error(`not a capability code: ${capability}`);
  const params: unknown[] = [freshSince];
  const where = [
    `t.status = 'available'`,
    `t.on_duty`,
    `t.capabilities @> ARRAY['${capability}']::text[]`,
    `t.position_at >= $1`,
    scopeSql(scope, `coalesce(t.home_area_code, '')`, params),
  ];
  return { params, where: where.join(' AND ') };
}

interface TimedTeam {
  team: TeamPoint;
  travelTimeS: number;
  distanceM: number;
  route: () => Array<[number, number]>;
}

/**
 * The `limit` eligible teams fastest by road to the target, fastest first (ties by id).
 * Exact: teams come nearest-first in a straight line from the GiST index (KNN), each is
 * timed by the target's search (settled only as far as needed), and the scan stops once
 * a team's straight-line distance at the network's top speed cannot beat the slowest of
 * the best found.
 */
async function fastestTeams(
  db: Database,
  scope: Scope,
  target: Target,
  capability: string,
  freshSince: Date,
  limit: number,
): Promise<TimedTeam[] & { examined: number }> {
  const { params, where } = eligibleTeams(scope, capability, freshSince);
  params.push(target.lon, target.lat);
  const pt = `ST_SetSRID(ST_MakePoint($${params.length - 1}, $${params.length}), 4326)`;
  const perDeg = metresPerDegreeBound(target.lat);
  const best: TimedTeam[] = [];
  let examined = 0;
  let offset = 0;
  params.push(0, 0);
  const [limitParam, offsetParam] = [params.length - 1, params.length];
  const sql = `SELECT t.id, t.name, t.kind, t.home_area_code, t.position_at, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat,
            t.geom <-> ${pt} AS deg
     FROM teams t WHERE ${where}
     -- distance alone, so the KNN scan of the GiST index gives the order (a second sort key
     -- would make the planner sort every eligible team instead)
     ORDER BY t.geom <-> ${pt} LIMIT $${limitParam} OFFSET $${offsetParam}`;
  // kept prepared: the text depends only on the kind of scope
  const prepare = `rm_knn_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
  // pages of nearest teams: small first (the answer is usually near), then larger
  for (const size of [128, 512, 2048, 8192, 1_000_000]) {
    params[limitParam - 1] = size;
    params[offsetParam - 1] = offset;
    const page = await db.query<TeamPoint>(sql, params, { prepare });
    offset += page.rows.length;
    let done = false;
    for (const t of page.rows) {
      const worst = best.length >= limit ? best[best.length - 1]!.travelTimeS : Infinity;
      if ((t.deg * perDeg) / target.graph.maxSpeedMs > worst) {
        done = true;
        break;
      }
      examined++;
      const r = routeOf(target, t, worst);
      if (!r || r.travelTimeS > worst) continue;
      best.push({ team: t, ...r });
      best.sort((a, b) => a.travelTimeS - b.travelTimeS || a.team.id - b.team.id);
      if (best.length > limit) best.pop();
    }
    if (done || page.rows.length < size) break;
  }
  return Object.assign(best, { examined });
}

/**
 * The fastest teams by road for an incident: available, on duty, with the capability
 * its category needs, a position fresher than `fixMaxAgeS`, inside the scope. Exact:
 * teams come nearest-first from the GiST index (straight line, KNN), each is timed on
 * the road network by one search from the incident (settled only as far as needed),
 * and the scan stops once a team's straight-line distance at the network's top speed
 * cannot beat the slowest of the best found — so a team a little farther in a straight
 * line but faster by road is never missed. For a grid matter, the grid's own grid
 * worker comes first, flagged. Null when the incident is missing.
 */
export async function candidates(
  db: Database,
  scope: Scope,
  incidentId: number,
  o: CandidateOptions,
): Promise<{ incident: IncidentPlace; candidates: Candidate[]; examined: number } | null> {
  const incident = await incidentPlace(db, scope, incidentId);
  if (!incident) return null;
  const now = o.now ?? new Date();
  const capability = incident.team_capability;
  if (!capability) return { incident, candidates: [], examined: 0 };
  const target = await targetAt(db, incident.lon, incident.lat);
  const freshSince = new Date(now.getTime() - o.fixMaxAgeS * 1000);
  const found = await fastestTeams(db, scope, target, capability, freshSince, o.limit);
  const toCandidate = (f: TimedTeam, own: boolean): Candidate => ({
    teamId: f.team.id,
    name: f.team.name,
    kind: f.team.kind,
    homeAreaCode: f.team.home_area_code,
    positionAt: f.team.position_at,
    lon: f.team.lon,
    lat: f.team.lat,
    straightM: metres(f.team.lon, f.team.lat, incident.lon, incident.lat),
    distanceM: f.distanceM,
    travelTimeS: f.travelTimeS,
    ownGridWorker: own,
    route: f.route(),
  });
  const best = found.map((f) => toCandidate(f, false));
  const examined = found.examined;
  // grid matters: the grid's own grid worker first, wherever it ranks
  if (capability === 'grid_patrol' && incident.grid_code) {
    const { params, where } = eligibleTeams(scope, capability, freshSince);
    params.push(incident.grid_code);
    const own = await db.query<TeamPoint>(
      `SELECT t.id, t.name, t.kind, t.home_area_code, t.position_at, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, 0 AS deg
       FROM teams t WHERE ${where} AND t.kind = 'grid_worker' AND t.home_area_code = $${params.length}
       ORDER BY t.id`,
      params,
    );
    const mine = own.rows.flatMap((t) => {
      const r = routeOf(target, t);
      return r ? [toCandidate({ team: t, ...r }, true)] : [];
    });
    const ids = new Set(mine.map((c) => c.teamId));
    return { incident, candidates: [...mine, ...best.filter((c) => !ids.has(c.teamId))], examined };
  }
  return { incident, candidates: best, examined };
}

export interface DispatchRow {
  id: number;
  incident_id: number;
  team_id: number;
  team_name: string;
  status: 'active' | 'on_scene' | 'completed' | 'cancelled';
  created_at: Date;
  created_by: string;
  arrived_at: Date | null;
  ended_at: Date | null;
  travel_time_s: number | null;
  distance_m: number | null;
  note: string | null;
}

const DISPATCH_COLUMNS = `d.id, d.incident_id, d.team_id, t.name AS team_name, d.status, d.created_at, d.created_by,
  d.arrived_at, d.ended_at, d.travel_time_s, d.distance_m, d.note`;

/** One dispatch whose incident lies in the scope; null when there is none. */
export async function getDispatch(db: Queryable, scope: Scope, id: number): Promise<DispatchRow | null> {
  const params: unknown[] = [id];
  const inScope = scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params);
  const r = await db.query<DispatchRow & { in_scope: boolean }>(
    `SELECT ${DISPATCH_COLUMNS}, ${inScope} AS in_scope
     FROM dispatches d JOIN teams t ON t.id = d.team_id JOIN incidents i ON i.id = d.incident_id WHERE d.id = $1`,
    params,
  );
  const row = r.rows[0];
  // outside the caller's area answers as missing: an id reveals nothing
  if (!row || !row.in_scope) return null;
  const { in_scope: _, ...d } = row;
  return d;
}

/** Dispatches of incidents in the scope, newest first; `open` = active or on scene. */
export async function listDispatches(
  db: Queryable,
  scope: Scope,
  f: { open?: boolean; incidentId?: number; teamId?: number; limit: number },
): Promise<DispatchRow[]> {
  const params: unknown[] = [];
  const where = [scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params)];
  if (f.open) where.push(`d.status IN ('active', 'on_scene')`);
  if (f.incidentId) {
    params.push(f.incidentId);
    where.push(`d.incident_id = $${params.length}`);
  }
  if (f.teamId) {
    params.push(f.teamId);
    where.push(`d.team_id = $${params.length}`);
  }
  params.push(f.limit);
  const r = await db.query<DispatchRow>(
    `SELECT ${DISPATCH_COLUMNS} FROM dispatches d JOIN teams t ON t.id = d.team_id JOIN incidents i ON i.id = d.incident_id
     WHERE ${where.join(' AND ')} ORDER BY d.id DESC LIMIT $${params.length}`,
    params,
  );
  return r.rows;
}

/**
 * Sends a team to an incident, atomically: the incident moves accepted → dispatched and
 * the team available → dispatched in one transaction, with the road time and distance
 * of its route. Of several simultaneous requests for one team (from any number of API
 * processes) exactly one succeeds; the others get 409 naming who has the team.
 */
export async function dispatchTeam(
  db: Database,
  scope: Scope,
  input: { incidentId: number; teamId: number; note?: string },
): Promise<DispatchRow> {
  const incident = await getIncident(db, scope, input.incidentId);
  if (!incident) throw new NotFoundError('incident', input.incidentId);
  const team = await db.query<{ lon: number | null; lat: number | null }>(
    'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM teams WHERE id = $1',
    [input.teamId],
  );
  const pos = team.rows[0];
  if (!pos) throw unknownTeam(input.teamId);
  let travelTimeS: number | undefined;
  let distanceM: number | undefined;
  if (pos.lon !== null && pos.lat !== null) {
    const r = routeOf(await targetAt(db, incident.lon, incident.lat), { lon: pos.lon, lat: pos.lat });
    travelTimeS = r?.travelTimeS;
    distanceM = r?.distanceM;
  }
  const cal = await getCalendar(db);
  await db.transaction((tx) =>
    applyTransition(
      tx,
      scope,
      input.incidentId,
      {
        action: 'dispatch',
        note: input.note,
        dispatch: { teamId: input.teamId, travelTimeS, distanceM, note: input.note },
      },
      cal,
    ),
  );
  const open = await listDispatches(db, scope, {
    incidentId: input.incidentId,
    teamId: input.teamId,
    open: true,
    limit: 1,
  });
  return open[0]!;
}

/** A step asked of a dispatch that is no longer open for it (409). */
function closedDispatch(id: number, status: string, step: string): DomainError {
  return new DomainError(409, 'dispatch_closed', `dispatch ${id} is ${status}: cannot ${step}`, {
    id,
    status,
    step,
  });
}

/**
 * A step of an open dispatch, through its incident's state machine: arrive (on scene),
 * complete (resolved; the team is free) or cancel (the incident returns to accepted; the
 * team is free). Null when the dispatch is missing; 409 when it is no longer open.
 */
export async function advanceDispatch(
  db: Database,
  scope: Scope,
  id: number,
  step: 'arrive' | 'complete' | 'cancel',
  note?: string,
): Promise<DispatchRow | null> {
  const d = await getDispatch(db, scope, id);
  if (!d) return null;
  const allowed = step === 'arrive' ? ['active'] : ['active', 'on_scene'];
  if (!allowed.includes(d.status)) throw closedDispatch(id, d.status, step);
  const action = step === 'arrive' ? 'arrive' : step === 'complete' ? 'resolve' : 'return';
  const cal = await getCalendar(db);
  await db.transaction((tx) => applyTransition(tx, scope, d.incident_id, { action, note }, cal));
  return getDispatch(db, scope, id);
}

/**
 * Replaces the team of an open dispatch in one transaction: the old one is cancelled
 * (its team freed), the new team sent; if the new team is taken, nothing changes.
 */
export async function reassignDispatch(
  db: Database,
  scope: Scope,
  id: number,
  teamId: number,
  note?: string,
): Promise<DispatchRow | null> {
  const d = await getDispatch(db, scope, id);
  if (!d) return null;
  if (d.status !== 'active') throw closedDispatch(id, d.status, 'reassign');
  if (d.team_id === teamId) {
    throw new DomainError(
      422,
      'team_already_assigned',
      `body/teamId: team ${teamId} already has this dispatch`,
      { teamId },
    );
  }
  const cal = await getCalendar(db);
  await db.transaction(async (tx) => {
    await applyTransition(
      tx,
      scope,
      d.incident_id,
      { action: 'return', note: note ?? `reassigned to team ${teamId}` },
      cal,
    );
    await applyTransition(
      tx,
      scope,
      d.incident_id,
      { action: 'dispatch', note, dispatch: { teamId, note } },
      cal,
    );
  });
  const open = await listDispatches(db, scope, { incidentId: d.incident_id, teamId, open: true, limit: 1 });
  return open[0]!;
}

/** Priority weight in a batch plan: a level-1 incident's travel time counts 8 ×, level 4 once. */
export function priorityWeight(priority: number): number {
  return 2 ** (4 - priority);
}

/** Above this many (incident, eligible team) pairs a plan considers each incident's PLAN_NEAREST fastest teams only. */
export const PLAN_EXACT_PAIRS = 250_000;
/** Teams per incident considered when the plan is too large to time every pair. */
export const PLAN_NEAREST = 20;

export interface PlannedDispatch {
  incidentId: number;
  priority: number;
  incidentLon: number;
  incidentLat: number;
  teamId: number;
  teamName: string;
  teamLon: number;
  teamLat: number;
  travelTimeS: number;
  distanceM: number;
}

export interface DispatchPlan {
  plannedAt: Date;
  /** True when every eligible team was timed to every incident: the plan is optimal outright. */
  exact: boolean;
  /** Teams per incident considered when not exact. */
  nearestPerIncident: number | null;
  incidents: number;
  teams: number;
  assignments: PlannedDispatch[];
  /** Pending incidents left without a team (none eligible, or fewer teams than incidents). */
  unassigned: number[];
  /** Σ priority weight × travel time of the assignments, seconds. */
  weightedTimeS: number;
}

/**
 * A batch plan for the accepted, not yet dispatched incidents of an area (at most 500,
 * most urgent first): which available team goes where so that the total of
 * priority-weighted road times is smallest, with as many incidents served as possible.
 * Solved exactly (Hungarian method, api/lib/assignment.ts) over every (incident,
 * eligible team) pair when there are at most PLAN_EXACT_PAIRS of them; above that, over
 * each incident's PLAN_NEAREST fastest eligible teams (the plan is then optimal among
 * assignments that use only those). Nothing is changed: see applyPlan.
 */
export async function planDispatches(
  db: Database,
  scope: Scope,
  o: { area?: string; fixMaxAgeS: number; maxIncidents?: number; now?: Date },
): Promise<DispatchPlan> {
  const now = o.now ?? new Date();
  const params: unknown[] = [];
  const where = [
    `i.status = 'accepted'`,
    'i.team_capability IS NOT NULL',
    scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params),
  ];
  if (o.area) {
    params.push(`${o.area}%`);
    where.push(`coalesce(i.grid_code, i.village_code, i.town_code) LIKE $${params.length}`);
  }
  params.push(o.maxIncidents ?? 500);
  const pending = await db.query<{
    id: number;
    priority: number;
    capability: string;
    lon: number;
    lat: number;
  }>(
    `SELECT i.id, i.priority, i.team_capability AS capability, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat
     FROM incidents i WHERE ${where.join(' AND ')}
     ORDER BY i.priority, i.deadline_at NULLS LAST, i.id LIMIT $${params.length}`,
    params,
  );
  const incidents = pending.rows;
  const freshSince = new Date(now.getTime() - o.fixMaxAgeS * 1000);
  const capabilities = [...new Set(incidents.map((i) => i.capability))];
  const teamsByCap = new Map<string, TeamPoint[]>();
  for (const cap of capabilities) {
    const e = eligibleTeams(scope, cap, freshSince);
    const r = await db.query<TeamPoint>(
      `SELECT t.id, t.name, t.kind, t.home_area_code, t.position_at, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, 0 AS deg
       FROM teams t WHERE ${e.where} ORDER BY t.id`,
      e.params,
    );
    teamsByCap.set(cap, r.rows);
  }
  const pairs = incidents.reduce((k, i) => k + (teamsByCap.get(i.capability)?.length ?? 0), 0);
  const exact = pairs <= PLAN_EXACT_PAIRS;
  // per incident: the teams considered and their road time and distance
  const options: Array<Array<{ team: TeamPoint; timeS: number; distanceM: number }>> = [];
  for (const inc of incidents) {
    const target = await targetAt(db, inc.lon, inc.lat);
    const list: Array<{ team: TeamPoint; timeS: number; distanceM: number }> = [];
    if (exact) {
      for (const team of teamsByCap.get(inc.capability) ?? []) {
        const r = routeOf(target, team);
        if (r) list.push({ team, timeS: r.travelTimeS, distanceM: r.distanceM });
      }
    } else {
      const found = await fastestTeams(db, scope, target, inc.capability, freshSince, PLAN_NEAREST);
      list.push(...found.map((f) => ({ team: f.team, timeS: f.travelTimeS, distanceM: f.distanceM })));
    }
    options.push(list);
  }
  const teamIndex = new Map<number, number>();
  const teams: TeamPoint[] = [];
  for (const list of options) {
    for (const { team } of list) {
      if (!teamIndex.has(team.id)) {
        teamIndex.set(team.id, teams.length);
        teams.push(team);
      }
    }
  }
  const cost = incidents.map((inc, i) => {
    const row = new Float64Array(teams.length).fill(Infinity);
    for (const opt of options[i]!)
      row[teamIndex.get(opt.team.id)!] = priorityWeight(inc.priority) * opt.timeS;
    return row;
  });
  const { assignment } = minCostAssignment(cost, incidents.length, teams.length);
  const assignments: PlannedDispatch[] = [];
  const unassigned: number[] = [];
  let weightedTimeS = 0;
  incidents.forEach((inc, i) => {
    const j = assignment[i]!;
    if (j < 0) {
      unassigned.push(inc.id);
      return;
    }
    const team = teams[j]!;
    const opt = options[i]!.find((x) => x.team.id === team.id)!;
    weightedTimeS += priorityWeight(inc.priority) * opt.timeS;
    assignments.push({
      incidentId: inc.id,
      priority: inc.priority,
      incidentLon: inc.lon,
      incidentLat: inc.lat,
      teamId: team.id,
      teamName: team.name,
      teamLon: team.lon,
      teamLat: team.lat,
      travelTimeS: opt.timeS,
      distanceM: opt.distanceM,
    });
  });
  return {
    plannedAt: now,
    exact,
    nearestPerIncident: exact ? null : PLAN_NEAREST,
    incidents: incidents.length,
    teams: teams.length,
    assignments,
    unassigned,
    weightedTimeS,
  };
}

/** A planned dispatch that could not be applied, and why (in English, and as a code with its params). */
export interface PlanConflict {
  incidentId: number;
  teamId: number;
  reason: string;
  code: ErrorCode;
  params: ErrorParams;
}

/** Refusal of a whole plan (409): what changed since it was made; nothing was applied. */
export class PlanConflictError extends DomainError {
  override readonly details: { conflicts: PlanConflict[] };
  constructor(readonly conflicts: PlanConflict[]) {
    super(
      409,
      'plan_conflict',
      `${conflicts.length} of the planned dispatches no longer hold; nothing was applied`,
      { count: conflicts.length },
    );
    this.details = { conflicts };
  }
}

/**
 * Applies a (possibly edited) plan as one transaction: every incident must still be
 * accepted and every team still available, each team used once; otherwise nothing is
 * applied and every conflict is reported.
 */
export async function applyPlan(
  db: Database,
  scope: Scope,
  assignments: Array<{ incidentId: number; teamId: number }>,
): Promise<DispatchRow[]> {
  const conflicts: PlanConflict[] = [];
  const seenTeams = new Set<number>();
  const seenIncidents = new Set<number>();
  for (const a of assignments) {
    if (seenTeams.has(a.teamId)) {
      conflicts.push({
        ...a,
        reason: `team ${a.teamId} appears twice in the plan`,
        code: 'plan_team_twice',
        params: { teamId: a.teamId },
      });
    }
    if (seenIncidents.has(a.incidentId)) {
      conflicts.push({
        ...a,
        reason: `incident ${a.incidentId} appears twice in the plan`,
        code: 'plan_incident_twice',
        params: { incidentId: a.incidentId },
      });
    }
    seenTeams.add(a.teamId);
    seenIncidents.add(a.incidentId);
  }
  if (conflicts.length) throw new PlanConflictError(conflicts);
  // road times first, outside the transaction
  const timed: Array<{ incidentId: number; teamId: number; travelTimeS?: number; distanceM?: number }> = [];
  for (const a of assignments) {
    const inc = await db.query<{ lon: number; lat: number }>(
      'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents WHERE id = $1',
      [a.incidentId],
    );
    const team = await db.query<{ lon: number | null; lat: number | null }>(
      'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM teams WHERE id = $1',
      [a.teamId],
    );
    const i = inc.rows[0];
    const t = team.rows[0];
    const r =
      i && t && t.lon !== null && t.lat !== null
        ? routeOf(await targetAt(db, i.lon, i.lat), { lon: t.lon, lat: t.lat })
        : null;
    timed.push({ ...a, travelTimeS: r?.travelTimeS, distanceM: r?.distanceM });
  }
  const cal = await getCalendar(db);
  await db.transaction(async (tx) => {
    for (const a of timed) {
      // each step in its own savepoint, so one refusal does not end the transaction
      // before the others have been checked
      await tx.query('SAVEPOINT plan_step');
      try {
        await applyTransition(
          tx,
          scope,
          a.incidentId,
          {
            action: 'dispatch',
            note: 'batch plan',
            dispatch: {
              teamId: a.teamId,
              travelTimeS: a.travelTimeS,
              distanceM: a.distanceM,
              note: 'batch plan',
            },
          },
          cal,
        );
        await tx.query('RELEASE SAVEPOINT plan_step');
      } catch (err) {
        await tx.query('ROLLBACK TO SAVEPOINT plan_step');
        // a refusal of this step is a conflict; anything else ends the whole plan
        if (!(err instanceof DomainError)) throw err;
        conflicts.push({
          incidentId: a.incidentId,
          teamId: a.teamId,
          reason: err.message,
          code: err.code,
          params: err.params,
        });
      }
    }
    if (conflicts.length) throw new PlanConflictError(conflicts);
  });
  const out: DispatchRow[] = [];
  for (const a of assignments) {
    const d = await listDispatches(db, scope, {
      incidentId: a.incidentId,
      teamId: a.teamId,
      open: true,
      limit: 1,
    });
    out.push(d[0]!);
  }
  return out;
}
