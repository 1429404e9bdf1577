import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { roadGraph } from '../../api/db/road-repository.ts';
import { mulberry32 } from '../../geodata/generate/prng.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';
import { openTestApp, type TestApp } from './template.ts';

const databaseUrl = process.env.DATABASE_URL ?? '';

/**
 * What only a PostgreSQL/PostGIS server can show: the in-process router against
 * pgRouting on the same graph, and two API processes competing for one team.
 */
describe.skipIf(!databaseUrl)('dispatch on PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t?.close());

  it('finds the same travel times as pgRouting’s pgr_dijkstraCost, one-way streets included', async () => {
    await t.db.exec('CREATE EXTENSION IF NOT EXISTS pgrouting');
    const g = await roadGraph(t.db);
    const rand = mulberry32(42);
    const pick = () => g.nodeId[Math.floor(rand() * g.n)]!;
    // random nodes, and both ends of a few one-way streets (the way back must differ there)
    const oneway = await t.db.query<{ source: number; target: number }>(
      'SELECT source, target FROM road_edges WHERE oneway ORDER BY id LIMIT 5',
    );
    expect(oneway.rows.length).toBeGreaterThan(0);
    const ends = oneway.rows.flatMap((e) => [e.source, e.target]);
    const sources = [...ends, ...Array.from({ length: 15 }, pick)];
    const targets = [...ends, ...Array.from({ length: 15 }, pick)];
    const r = await t.db.query<{ start_vid: number; end_vid: number; agg_cost: number }>(
      `SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
         'SELECT id, source, target, length_m / (speed_kmh / 3.6) AS cost,
                 CASE WHEN oneway THEN -1 ELSE length_m / (speed_kmh / 3.6) END AS reverse_cost
          FROM road_edges',
         $1::bigint[], $2::bigint[], directed => true)`,
      [sources, targets],
    );
    const reference = new Map(r.rows.map((x) => [`${x.start_vid}>${x.end_vid}`, x.agg_cost]));
    let compared = 0;
    let oneWayDiffers = 0;
    for (const s of sources) {
      const search = g.searchFrom([{ node: g.indexOf(s)!, timeS: 0 }]);
      for (const e of targets) {
        if (s === e) continue;
        const mine = search.timeTo(g.indexOf(e)!);
        const theirs = reference.get(`${s}>${e}`) ?? Infinity;
        if (theirs === Infinity) expect(mine).toBe(Infinity);
        else expect(mine).toBeCloseTo(theirs, 6);
        compared++;
        const back = reference.get(`${e}>${s}`);
        if (back !== undefined && Math.abs(back - theirs) > 1e-6) oneWayDiffers++;
      }
    }
    expect(compared).toBeGreaterThan(500);
    // one-way streets make some trips longer one way than back, in both routers alike
    expect(oneWayDiffers).toBeGreaterThan(0);
  });

  it('gives one team to exactly one of many requests sent through two API processes', async () => {
    const servers: ServerProcess[] = [];
    try {
      const env = { DATABASE_URL: databaseUrl, RISKMAP_WEB_DIR: '/nonexistent', RISKMAP_SEED: '0' };
      servers.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
      const grid = (
        await t.db.query<{ code: string; lon: number; lat: number }>(
          `SELECT code, ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
           WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900110%' AND valid_to IS NULL ORDER BY code LIMIT 1 OFFSET 11`,
        )
      ).rows[0]!;
      const cap = `cap_${Date.now().toString(36)}`;
      const teamId = (Date.now() % 1_000_000_000) * 100 + 77;
      await t.db.query(
        `INSERT INTO teams (id, name, kind, capabilities, status, on_duty, home_area_code, position_at, geom)
         VALUES ($1, '双进程测试队', 'urban_management', $2, 'available', true, $3, now(), ST_SetSRID(ST_MakePoint($4, $5), 4326))`,
        [teamId, [cap], grid.code, grid.lon, grid.lat],
      );
      const dispatcher = await t.as('dispatcher-cp');
      const incidents: number[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await dispatcher.inject({
          method: 'POST',
          url: '/api/incidents',
          payload: {
            clientKey: `two-processes-${cap}-${i}`,
            category: '0501',
            channel: 'desk',
            description: '双进程派遣',
            lon: grid.lon,
            lat: grid.lat,
          },
        });
        const id = res.json().id as number;
        await dispatcher.inject({
          method: 'POST',
          url: `/api/incidents/${id}/transitions`,
          payload: { action: 'accept' },
        });
        incidents.push(id);
      }
      const sessions = await Promise.all(
        servers.map(async (s) => {
          const res = await fetch(`${s.url}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'dispatcher-cp', password: DEFAULT_DEMO_PASSWORD }),
          });
          const cookie = res.headers
            .getSetCookie()
            .find((c) => c.startsWith('riskmap_session='))!
            .split(';')[0]!;
          const { csrfToken } = (await res.json()) as { csrfToken: string };
          return {
            url: s.url,
            headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
          };
        }),
      );
      const statuses = await Promise.all(
        incidents.map(async (incidentId, i) => {
          const s = sessions[i % 2]!;
          const res = await fetch(`${s.url}/api/dispatches`, {
            method: 'POST',
            headers: s.headers,
            body: JSON.stringify({ incidentId, teamId }),
          });
          return res.status;
        }),
      );
      expect(statuses.filter((x) => x === 201)).toHaveLength(1);
      expect(statuses.filter((x) => x === 409)).toHaveLength(39);
      const open = await t.db.query<{ n: number }>(
        `SELECT count(*)::int n FROM dispatches WHERE team_id = $1 AND status IN ('active', 'on_scene')`,
        [teamId],
      );
      expect(open.rows[0]!.n).toBe(1);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }, 180_000);
});
