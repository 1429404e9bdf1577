import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../api/app.ts';
import { openTestApp, type TestApp } from './template.ts';

/** Waits until `probe` gives a value `ok` accepts; there is no time limit but the test's. */
async function until<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the sample city simulator', () => {
  let t: TestApp;
  let second: FastifyInstance | null = null;
  let startedAt: Date;
  const config = { simulate: true as const, simulateSpeed: 20, simulateReportsPerDay: 4320 };

  beforeAll(async () => {
    startedAt = new Date();
    // on PostgreSQL a database of its own: the simulator moves and dispatches teams, which the
    // other files on the shared test database must not see
    t = await openTestApp(config, { privateDatabase: true });
    // a second API process on the same database
    second = await build({
      db: t.db,
      config: { seed: false, webDir: '/nonexistent', ...config },
      logger: false,
    });
    await second.ready();
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('is off unless turned on, and off in tests by default', async () => {
    const off = await build({ db: t.db, config: { seed: false, webDir: '/nonexistent' }, logger: false });
    try {
      await off.ready();
      expect(off.config.simulate).toBe(false);
      expect(off.simulator.enabled).toBe(false);
      expect(off.simulator.active()).toBe(false);
    } finally {
      await off.close();
    }
  });

  it('runs in exactly one of two app instances on one database', async () => {
    const apps = [t.app, second!];
    const active = await until(
      () => apps.filter((a) => a.simulator.active()),
      (a) => a.length > 0,
    );
    expect(active).toHaveLength(1);
    const holder = active[0]!;
    const other = apps.find((a) => a !== holder)!;
    await until(
      () => holder.simulator.ticks(),
      (n) => n >= 5,
    );
    // the other has been waiting all along
    expect(other.simulator.enabled).toBe(true);
    expect(other.simulator.active()).toBe(false);
    expect(other.simulator.ticks()).toBe(0);
  });

  it('drives a dispatched team along the road to the incident and has it arrive', async () => {
    const c = await t.as('commander');
    // a level-1 matter (燃气管道破裂) in 常平镇, reported and accepted by people
    const made = await c.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: `simulator-drive-${Date.now()}`,
        category: '0403',
        channel: 'hotline',
        description: '模拟器测试：燃气管道破裂',
        lon: 114.0012,
        lat: 22.9795,
      },
    });
    expect(made.statusCode).toBe(201);
    const incident = made.json<{ id: number; priority: number; lon: number; lat: number }>();
    expect(incident.priority).toBe(1);
    const acc = await c.inject({
      method: 'POST',
      url: `/api/incidents/${incident.id}/transitions`,
      payload: { action: 'accept' },
    });
    expect(acc.statusCode).toBe(200);
    const cands = (await c.inject(`/api/incidents/${incident.id}/candidates`)).json<{
      candidates: Array<{ teamId: number; distanceM: number }>;
    }>().candidates;
    expect(cands).toHaveLength(5);
    // the farthest of the five: a drive long enough to be seen on the way
    const pick = cands.reduce((a, b) => (b.distanceM > a.distanceM ? b : a));
    const sent = await c.inject({
      method: 'POST',
      url: '/api/dispatches',
      payload: { incidentId: incident.id, teamId: pick.teamId },
    });
    expect(sent.statusCode).toBe(201);
    const dispatch = sent.json<{ id: number; createdAt: string }>();
    const arrived = await until(
      async () =>
        (await c.inject(`/api/dispatches/${dispatch.id}`)).json<{
          status: string;
          arrivedAt: string | null;
        }>(),
      (d) => d.status !== 'active',
    );
    expect(arrived.status).toBe('on_scene');
    // the fixes since it was sent: where it set off, places on the way, the scene
    const fixes = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM team_positions
         WHERE team_id = $1 AND recorded_at >= $2 ORDER BY recorded_at, id`,
        [pick.teamId, new Date(dispatch.createdAt)],
      )
    ).rows;
    expect(new Set(fixes.map((f) => `${f.lon},${f.lat}`)).size).toBeGreaterThanOrEqual(3);
    const last = fixes[fixes.length - 1]!;
    expect(Math.abs(last.lon - 114.0012)).toBeLessThan(1e-5);
    expect(Math.abs(last.lat - 22.9795)).toBeLessThan(1e-5);
    const team = (await c.inject(`/api/teams/${pick.teamId}`)).json<{
      lon: number;
      lat: number;
      status: string;
      stale: boolean;
    }>();
    expect(team.status).toBe('on_scene');
    expect(team.stale).toBe(false);
    // within a metre of the incident (1e-5° is about a metre here)
    expect(Math.abs(team.lon - 114.0012)).toBeLessThan(1e-5);
    expect(Math.abs(team.lat - 22.9795)).toBeLessThan(1e-5);
    // every fix went through the trackers' checks: inside the city's towns
    const outside = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM team_positions p
       WHERE p.team_id = $1 AND p.recorded_at >= $2 AND NOT EXISTS (
         SELECT 1 FROM areas a WHERE a.level = 'town' AND a.valid_to IS NULL
           AND ST_DWithin(a.geom::geography, p.geom::geography, 10000))`,
      [pick.teamId, startedAt],
    );
    expect(outside.rows[0]!.n).toBe(0);
  }, 600_000);

  it('keeps the teams on duty sending fixes, one team after another', async () => {
    // synthetic teams with a fix since `since`
    const teamsWithFixSince = (since: Date) =>
      t.db
        .query<{ n: number }>(
          `SELECT count(DISTINCT p.team_id)::int AS n FROM team_positions p JOIN teams tm ON tm.id = p.team_id
           WHERE tm.synthetic AND p.recorded_at >= $1`,
          [since],
        )
        .then((r) => r.rows[0]!.n);
    // twenty teams report, and then twenty report again: the fixes keep coming
    for (let round = 0; round < 2; round++) {
      const since = new Date();
      await until(
        () => teamsWithFixSince(since),
        (n) => n >= 20,
      );
    }
  }, 600_000);

  it('files synthetic reports through the intake, routed with a deadline and a responsible team kind', async () => {
    const reports = await until(
      async () =>
        (
          await t.db.query<{
            id: number;
            channel: string;
            grid_code: string | null;
            deadline_at: Date | null;
            team_capability: string | null;
            synthetic: boolean;
          }>(
            `SELECT id, channel, grid_code, deadline_at, team_capability, synthetic FROM incidents
             WHERE reported_by = '城市模拟器' AND reported_at >= $1 ORDER BY id`,
            [startedAt],
          )
        ).rows,
      (r) => r.length >= 2,
    );
    for (const r of reports) {
      expect(r.synthetic).toBe(true);
      expect(r.grid_code).toMatch(/^441900\d{9}$/);
      expect(r.deadline_at).not.toBeNull();
      expect(r.team_capability).not.toBeNull();
      expect(['patrol', 'citizen', 'open311', 'video', 'iot', 'hotline', 'venue_code', 'desk']).toContain(
        r.channel,
      );
    }
    // each with its report on the timeline, as any intake writes it
    const c = await t.as('commander');
    const detail = (await c.inject(`/api/incidents/${reports[0]!.id}`)).json<{
      timeline: Array<{ action: string; actor: string }>;
    }>();
    expect(detail.timeline[0]).toMatchObject({ action: 'report', actor: '城市模拟器' });
  });

  it('hands over when the simulating instance stops', async () => {
    const holder = t.app.simulator.active() ? t.app : second!;
    const other = holder === t.app ? second! : t.app;
    if (holder === second) {
      await second.close();
      second = null;
    } else {
      // close the test app's instance only (the database stays open for `second`)
      await holder.close();
    }
    await until(
      () => other.simulator.active(),
      (a) => a,
    );
    expect(holder.simulator.active()).toBe(false);
    await until(
      () => other.simulator.ticks(),
      (n) => n >= 2,
    );
  });
});
