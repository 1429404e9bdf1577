import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

/**
 * The sample city's recent past as loaded (geodata/sample, api/db/sample-history.ts): placed
 * before the load time, with timelines the state machine allows, deadlines mostly kept and
 * the teams' tracks of the last day. Checked in SQL over the stored rows, not through the
 * loader's own fold.
 */
describe('the sample history', () => {
  let t: TestApp;
  let loadedAt: Date;
  beforeAll(async () => {
    // on PostgreSQL a database of its own: on the shared one the other files' reports and
    // fixes land after the sample's load
    t = await openTestApp({}, { privateDatabase: true });
    const r = await t.db.query<{ loaded_at: Date }>(
      `SELECT loaded_at FROM dataset_loads WHERE name = 'sample'`,
    );
    loadedAt = new Date(r.rows[0]!.loaded_at);
  });
  afterAll(() => t.close());

  const one = async <R>(sql: string, params: unknown[] = []): Promise<R> =>
    (await t.db.query<R>(sql, params)).rows[0]!;

  it('lies in the 30 days before the load, every incident with its responsible team kind', async () => {
    const r = await one<{ n: number; nocap: number; wrongcap: number; first: Date; last: Date }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE i.team_capability IS NULL)::int AS nocap,
              count(*) FILTER (WHERE i.team_capability IS DISTINCT FROM c.team_capability)::int AS wrongcap,
              min(i.reported_at) AS first, max(i.reported_at) AS last
       FROM incidents i JOIN categories c ON c.kind = 'incident' AND c.code = i.category
       WHERE i.synthetic`,
    );
    expect(r.n).toBeGreaterThan(400);
    expect(r.nocap).toBe(0);
    expect(r.wrongcap).toBe(0);
    // the load takes a while: a minute of slack on its time
    expect(new Date(r.last).getTime()).toBeLessThanOrEqual(loadedAt.getTime() + 60_000);
    expect(new Date(r.first).getTime()).toBeGreaterThanOrEqual(loadedAt.getTime() - 32 * 86_400_000);
    expect(new Date(r.first).getTime()).toBeLessThan(loadedAt.getTime() - 28 * 86_400_000);
  });

  it('has a timeline for every incident that starts with its report and leads to its status', async () => {
    const r = await one<{ noreport: number; wrongstatus: number; future: number; kinds: string[] }>(
      `SELECT
         count(*) FILTER (WHERE NOT EXISTS (
           SELECT 1 FROM incident_events e WHERE e.incident_id = i.id AND e.action = 'report'
             AND e.at = i.reported_at AND e.to_status = 'reported'))::int AS noreport,
         count(*) FILTER (WHERE i.status IS DISTINCT FROM (
           SELECT e.to_status FROM incident_events e WHERE e.incident_id = i.id AND e.to_status IS NOT NULL
           ORDER BY e.at DESC, e.id DESC LIMIT 1))::int AS wrongstatus,
         count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM incident_events e WHERE e.incident_id = i.id AND e.at > $1::timestamptz + interval '1 minute'))::int AS future,
         (SELECT array_agg(DISTINCT action ORDER BY action) FROM incident_events) AS kinds
       FROM incidents i WHERE i.synthetic`,
      [loadedAt],
    );
    expect(r.noreport).toBe(0);
    expect(r.wrongstatus).toBe(0);
    expect(r.future).toBe(0);
    // the whole lifecycle, and the side roads: rejected, merged, extended, reworked
    for (const a of [
      'report',
      'accept',
      'dispatch',
      'arrive',
      'resolve',
      'verify_pass',
      'close',
      'reject',
      'merge',
      'request_extension',
      'grant_extension',
      'verify_fail',
    ])
      expect(r.kinds).toContain(a);
    // consecutive status changes chain: each starts where the one before ended
    const broken = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT e.from_status, lag(e.to_status) OVER (PARTITION BY e.incident_id ORDER BY e.at, e.id) AS before
         FROM incident_events e WHERE e.to_status IS NOT NULL) x
       WHERE x.before IS NOT NULL AND x.from_status IS DISTINCT FROM x.before`,
    );
    expect(broken.n).toBe(0);
  });

  it('kept most deadlines: 85–95 % resolved on time; the open ones mostly still within theirs', async () => {
    const done = await one<{ n: number; ontime: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE r.at <= i.deadline_at)::int AS ontime
       FROM incidents i
       JOIN LATERAL (SELECT max(e.at) AS at FROM incident_events e
                     WHERE e.incident_id = i.id AND e.action = 'resolve') r ON r.at IS NOT NULL
       WHERE i.synthetic`,
    );
    expect(done.n).toBeGreaterThan(300);
    expect(done.ontime / done.n).toBeGreaterThanOrEqual(0.85);
    expect(done.ontime / done.n).toBeLessThanOrEqual(0.95);
    const open = await one<{ n: number; overdue: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE deadline_at < $1)::int AS overdue FROM incidents
       WHERE synthetic AND status IN ('reported', 'accepted', 'dispatched', 'on_scene')`,
      [loadedAt],
    );
    expect(open.n).toBeGreaterThan(0);
    expect(open.overdue).toBeLessThanOrEqual(open.n / 2);
  });

  it('leaves each team where its dispatch or shift has it', async () => {
    const r = await one<{ mismatched: number; busy: number }>(
      `SELECT count(*) FILTER (WHERE
                (d.status = 'active' AND t.status <> 'dispatched') OR (d.status = 'on_scene' AND t.status <> 'on_scene')
                OR (d.status IS NULL AND t.status IN ('dispatched', 'on_scene')))::int AS mismatched,
              count(d.id)::int AS busy
       FROM teams t LEFT JOIN dispatches d ON d.team_id = t.id AND d.status IN ('active', 'on_scene')
       WHERE t.synthetic`,
    );
    expect(r.mismatched).toBe(0);
    // a dispatch is open only while its incident is out with the team
    const stray = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM dispatches d JOIN incidents i ON i.id = d.incident_id
       WHERE d.status IN ('active', 'on_scene') AND i.status NOT IN ('dispatched', 'on_scene')`,
    );
    expect(stray.n).toBe(0);
  });

  it('has the teams’ tracks of the last 24 hours: they moved, and stand at their last fix', async () => {
    const r = await one<{ n: number; teams: number; moving: number; first: Date; last: Date }>(
      `SELECT count(*)::int AS n, count(DISTINCT team_id)::int AS teams, min(recorded_at) AS first,
              max(recorded_at) AS last,
              (SELECT count(*)::int FROM (SELECT team_id FROM team_positions GROUP BY team_id
                                          HAVING count(DISTINCT ST_AsText(geom)) >= 3) m) AS moving
       FROM team_positions WHERE recorded_at <= $1`,
      [loadedAt],
    );
    expect(r.teams).toBeGreaterThan(1000);
    expect(r.moving).toBeGreaterThan(500);
    const day = 86_400_000;
    expect(new Date(r.first).getTime()).toBeGreaterThanOrEqual(loadedAt.getTime() - day - 60_000);
    expect(new Date(r.last).getTime()).toBeLessThanOrEqual(loadedAt.getTime() + 60_000);
    const away = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM teams t
       JOIN LATERAL (SELECT p.geom FROM team_positions p WHERE p.team_id = t.id
                     ORDER BY p.recorded_at DESC, p.id DESC LIMIT 1) f ON true
       WHERE t.synthetic AND NOT ST_Equals(t.geom, f.geom)`,
    );
    expect(away.n).toBe(0);
  });
});
