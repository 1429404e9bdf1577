import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type Client, type TestApp } from './template.ts';

let seq = 0;
const key = () => `screen-${process.pid}-${Date.now()}-${++seq}`;

describe('command-centre screen', () => {
  let t: TestApp;
  let commander: Client;
  let point: { lon: number; lat: number };
  beforeAll(async () => {
    t = await openTestApp();
    commander = await t.as('commander');
    point = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
         WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900121%' ORDER BY code LIMIT 1`,
      )
    ).rows[0]!;
  });
  afterAll(() => t.close());

  const summary = async (c: Client) => {
    const res = await c.inject('/api/screen/summary');
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('counts today’s reports by category and status, and ranks towns by open incidents', async () => {
    const before = await summary(commander);
    const report = await commander.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: { clientKey: key(), category: '0201', channel: 'desk', description: '小广告', ...point },
    });
    expect(report.statusCode).toBe(201);
    const after = await summary(commander);
    const n = (s: { today: { byCategory: Array<{ code: string; n: number }> } }) =>
      s.today.byCategory.find((c) => c.code === '0201')?.n ?? 0;
    // on a shared PostGIS database other files report meanwhile: the city's totals grow by at
    // least this report; 小广告 (0201), which no other file reports, by exactly one
    expect(after.today.total).toBeGreaterThanOrEqual(before.today.total + 1);
    expect(n(after)).toBe(n(before) + 1);
    const town = (s: { towns: Array<{ code: string; open: number }> }) =>
      s.towns.find((x) => x.code === '441900121')!;
    expect(town(after).open).toBeGreaterThanOrEqual(town(before).open + 1);
    expect(after.openTotal).toBeGreaterThanOrEqual(before.openTotal + 1);
    expect(after.seq).toBeGreaterThanOrEqual(before.seq);
    // the figures the database gives directly
    const db = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM teams WHERE status = 'available'`,
    );
    expect(after.teams.reduce((k: number, x: { available: number }) => k + x.available, 0)).toBe(
      db.rows[0]!.n,
    );
    const overdue = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM incidents WHERE deadline_at < now()
       AND status IN ('reported', 'accepted', 'dispatched', 'on_scene')`,
    );
    expect(after.overdueTotal).toBe(overdue.rows[0]!.n);
    if (after.onTime.resolved)
      expect(after.onTime.rate).toBeCloseTo(after.onTime.onTime / after.onTime.resolved);
  });

  it('limits the figures to the user’s area', async () => {
    const cp = await summary(await t.as('changping'));
    expect(cp.towns.map((x: { code: string }) => x.code)).toEqual(['441900110']);
    for (const o of cp.overdue) expect(o.townCode).toBe('441900110');
  });

  it('plays back a window: reports with their steps, and team tracks', async () => {
    const from = new Date(Date.now() - 60_000);
    const id = (
      await commander.inject({
        method: 'POST',
        url: '/api/incidents',
        payload: { clientKey: key(), category: '0501', channel: 'desk', description: '回放', ...point },
      })
    ).json().id as number;
    await commander.inject({
      method: 'POST',
      url: `/api/incidents/${id}/transitions`,
      payload: { action: 'accept' },
    });
    const team = (
      await t.db.query<{ id: number }>(
        `SELECT id FROM teams WHERE home_area_code LIKE '441900121%' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    for (const [k, dx] of [0.001, 0.002].entries()) {
      const res = await commander.inject({
        method: 'PATCH',
        url: `/api/teams/${team.id}/position`,
        payload: {
          lon: point.lon + dx,
          lat: point.lat,
          at: new Date(Date.now() - 20_000 + k * 10_000).toISOString(),
        },
      });
      expect(res.statusCode).toBe(200);
    }
    const to = new Date(Date.now() + 1000);
    const res = await commander.inject(`/api/playback?from=${from.toISOString()}&to=${to.toISOString()}`);
    expect(res.statusCode).toBe(200);
    const p = res.json();
    const mine = p.incidents.find((i: { id: number }) => i.id === id);
    expect(mine.steps.map((s: [string, string]) => s[1])).toEqual(['reported', 'accepted']);
    const track = p.tracks.find((x: { teamId: number }) => x.teamId === team.id);
    expect(track.points.map((q: [string, number, number]) => q[1])).toEqual([
      point.lon + 0.001,
      point.lon + 0.002,
    ]);
    expect(
      (await commander.inject(`/api/playback?from=${to.toISOString()}&to=${from.toISOString()}`)).statusCode,
    ).toBe(400);
  });
});
