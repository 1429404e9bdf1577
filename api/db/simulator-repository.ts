import pg from 'pg';
import type { DeskIncident } from '../lib/simulator/desk.ts';
import type { OpenDispatch, ReportPlace, TeamRow } from '../lib/simulator/engine.ts';
import { isTeamKind } from '../lib/simulator/schedule.ts';
import type { Database } from './database.ts';

/**
 * What the city simulator reads and the few marks it writes. Everything it changes in the
 * city — fixes, dispatch steps, duty, reports, the desk's transitions — goes through the
 * same repository functions as the API's routes (api/plugins/simulator.ts binds them); this
 * module holds only its own reads and the synthetic marker.
 */

/** Advisory lock key (pg_try_advisory_lock) of the one simulator per database: 'rmsim'. */
export const SIMULATOR_LOCK_KEY = 0x726d73696d;

/** True when this database loaded the sample city (the simulator's default). */
export async function hasSampleCity(db: Database): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM dataset_loads WHERE name = 'sample'`)).rowCount > 0;
}

interface DispatchSql {
  team_id: number;
  id: number;
  incident_id: number;
  status: 'active' | 'on_scene';
  lon: number;
  lat: number;
  capability: string | null;
  arrived_at: Date | null;
}

const OPEN_DISPATCHES = `SELECT d.team_id, d.id, d.incident_id, d.status, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
    i.team_capability AS capability, d.arrived_at
  FROM dispatches d JOIN teams t ON t.id = d.team_id JOIN incidents i ON i.id = d.incident_id
  WHERE t.synthetic AND d.status IN ('active', 'on_scene')`;

function toDispatch(r: DispatchSql): OpenDispatch {
  return {
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    status: r.status,
    lon: r.lon,
    lat: r.lat,
    capability: r.capability,
    arrivedAtMs: r.arrived_at === null ? null : new Date(r.arrived_at).getTime(),
  };
}

/** The open dispatches of synthetic teams (whoever's incident they serve), by team id. */
export async function openSyntheticDispatches(db: Database): Promise<Map<number, OpenDispatch>> {
  const r = await db.query<DispatchSql>(OPEN_DISPATCHES);
  return new Map(r.rows.map((d) => [Number(d.team_id), toDispatch(d)]));
}

/** Every synthetic team of a kind the simulator knows, with its position and open dispatch. */
export async function syntheticTeams(db: Database): Promise<TeamRow[]> {
  const [teams, open] = await Promise.all([
    db.query<{ id: number; kind: string; on_duty: boolean; lon: number | null; lat: number | null }>(
      `SELECT id, kind, on_duty, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM teams WHERE synthetic ORDER BY id`,
    ),
    openSyntheticDispatches(db),
  ]);
  const out: TeamRow[] = [];
  for (const t of teams.rows) {
    if (!isTeamKind(t.kind)) continue;
    const id = Number(t.id);
    out.push({ id, kind: t.kind, onDuty: t.on_duty, lon: t.lon, lat: t.lat, dispatch: open.get(id) ?? null });
  }
  return out;
}

/** On duty or not, by synthetic team id. */
export async function syntheticDuty(db: Database): Promise<Map<number, boolean>> {
  const r = await db.query<{ id: number; on_duty: boolean }>(`SELECT id, on_duty FROM teams WHERE synthetic`);
  return new Map(r.rows.map((t) => [Number(t.id), t.on_duty]));
}

/** The synthetic key sites with an address: where synthetic reports are placed. */
export async function reportPlaces(db: Database): Promise<ReportPlace[]> {
  const r = await db.query<{ id: number; address: string; lon: number; lat: number }>(
    `SELECT id, address, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM sites
     WHERE synthetic AND address IS NOT NULL AND address <> '' ORDER BY id LIMIT 5000`,
  );
  return r.rows.map((s) => ({ siteId: Number(s.id), address: s.address, lon: s.lon, lat: s.lat }));
}

/** Marks an incident the simulator reported as synthetic (as the sample's own are). */
export async function markSynthetic(db: Database, incidentId: number): Promise<void> {
  await db.query(`UPDATE incidents SET synthetic = true WHERE id = $1 AND NOT synthetic`, [incidentId]);
}

/** The synthetic incidents among `ids`, in order. */
export async function syntheticAmong(db: Database, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const r = await db.query<{ id: number }>(
    `SELECT id FROM incidents WHERE id = ANY($1::bigint[]) AND synthetic ORDER BY id`,
    [ids],
  );
  const found = new Set(r.rows.map((i) => Number(i.id)));
  return ids.filter((id) => found.has(id));
}

/**
 * Synthetic incidents waiting for the desk (reported, accepted, resolved, verified), the
 * longest waiting first; those people report are left to people.
 */
export async function deskQueue(db: Database, limit = 200): Promise<DeskIncident[]> {
  const r = await db.query<{
    id: number;
    status: string;
    priority: number;
    rework_count: number;
    updated_at: Date;
  }>(
    `SELECT id, status, priority, rework_count, updated_at FROM incidents
     WHERE synthetic AND status IN ('reported', 'accepted', 'resolved', 'verified')
     ORDER BY updated_at, id LIMIT $1`,
    [limit],
  );
  return r.rows.map((i) => ({
    id: Number(i.id),
    status: i.status,
    priority: i.priority,
    reworkCount: i.rework_count,
    sinceMs: new Date(i.updated_at).getTime(),
  }));
}

/** Deletes synthetic teams' fixes recorded before `before`; how many. */
export async function pruneSyntheticFixes(db: Database, before: Date): Promise<number> {
  const r = await db.query(
    `DELETE FROM team_positions p USING teams t
     WHERE t.id = p.team_id AND t.synthetic AND p.recorded_at < $1`,
    [before],
  );
  return r.rowCount;
}

/** The right to simulate, held until `release` (or until its connection is lost: `lost`). */
export interface SimulatorLease {
  release(): Promise<void>;
  /** Resolves when the lease ends without `release` (the lock's connection was lost). */
  lost: Promise<void>;
}

/** The embedded engine's databases with a simulator in this process (one process opens its files). */
const embeddedHolders = new WeakSet<Database>();

/**
 * Takes the one simulator lease of a database, or null when another holder has it. On a
 * PostgreSQL server the lease is a session advisory lock (SIMULATOR_LOCK_KEY) on a connection
 * of its own, held for as long as this process simulates: any number of API processes on one
 * database run one simulator, and when its process ends the server frees the lock for the
 * next to take. The embedded engine is opened by one process only; there the lease is held
 * per Database object, so two apps built on one database (tests) still run one simulator.
 */
export async function acquireSimulatorLease(
  db: Database,
  databaseUrl: string | undefined,
): Promise<SimulatorLease | null> {
  if (db.backend === 'embedded' || !databaseUrl) {
    if (embeddedHolders.has(db)) return null;
    embeddedHolders.add(db);
    return {
      release: async () => void embeddedHolders.delete(db),
      lost: new Promise<void>(() => undefined),
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'riskmap-simulator' });
  let onLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => (onLost = resolve));
  let released = false;
  client.on('error', () => onLost());
  client.on('end', () => {
    if (!released) onLost();
  });
  await client.connect();
  const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
    SIMULATOR_LOCK_KEY,
  ]);
  if (!r.rows[0]?.ok) {
    released = true;
    await client.end();
    return null;
  }
  return {
    lost,
    async release() {
      if (released) return;
      released = true;
      // ending the session frees its advisory locks
      await client.end().catch(() => undefined);
    },
  };
}
