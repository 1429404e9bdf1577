import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roadGraph } from '../../api/db/road-repository.ts';
import { ACCESS_SPEED_MS } from '../../api/lib/road-graph.ts';
import { mulberry32 } from '../../geodata/generate/prng.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

/**
 * Dispatch against the sample city's road network. Every case makes its own teams with a
 * capability no other data has, so that only they are eligible (also on a shared
 * PostgreSQL test database).
 */
let seq = 0;
const unique = () => `${Date.now().toString(36)}${process.pid.toString(36)}${++seq}`;
let nextTeamId = (Date.now() % 1_000_000_000) * 100;

describe('dispatch', () => {
  let t: TestApp;
  let dispatcher: Client;
  /** A grid of 常平镇 (the dispatcher's town) and its label point. */
  let grid: { code: string; lon: number; lat: number };
  beforeAll(async () => {
    t = await openTestApp();
    dispatcher = await t.as('dispatcher-cp');
    const r = await t.db.query<{ code: string; lon: number; lat: number }>(
      `SELECT code, ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
       WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900110%' AND code NOT LIKE '4419001109%' ORDER BY code DESC LIMIT 1 OFFSET 3`,
      // (not in a fixture village 9xx, which other files make and move away meanwhile)
    );
    grid = r.rows[0]!;
  });
  afterAll(() => t.close());

  const send = (incidentId: number, teamId: number) =>
    dispatcher.inject({ method: 'POST', url: '/api/dispatches', payload: { incidentId, teamId } });
  const step = (dispatchId: number, what: string, payload: object) =>
    dispatcher.inject({ method: 'POST', url: `/api/dispatches/${dispatchId}/${what}`, payload });

  /** An accepted incident at a point, needing `capability`. */
  async function acceptedIncident(capability: string, at = grid): Promise<number> {
    const res = await dispatcher.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: `dispatch-${unique()}`,
        category: '0501',
        channel: 'desk',
        description: '派遣测试',
        lon: at.lon,
        lat: at.lat,
      },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as number;
    await t.db.query('UPDATE incidents SET team_capability = $2 WHERE id = $1', [id, capability]);
    const acc = await dispatcher.inject({
      method: 'POST',
      url: `/api/incidents/${id}/transitions`,
      payload: { action: 'accept' },
    });
    expect(acc.statusCode).toBe(200);
    return id;
  }

  interface TeamFixture {
    id: number;
    lon: number;
    lat: number;
  }
  /** Teams with `capability` at the given points, available and freshly fixed unless told otherwise. */
  async function teams(
    capability: string,
    points: Array<[number, number]>,
    o: { status?: string; onDuty?: boolean; fixAgeS?: number } = {},
  ): Promise<TeamFixture[]> {
    const out: TeamFixture[] = [];
    for (const [lon, lat] of points) {
      const id = ++nextTeamId;
      await t.db.query(
        `INSERT INTO teams (id, name, kind, capabilities, status, on_duty, home_area_code, position_at, geom)
         VALUES ($1, $2, 'urban_management', $3, $4, $5, $6, now() - make_interval(secs => $7), ST_SetSRID(ST_MakePoint($8, $9), 4326))`,
        [
          id,
          `测试队${id}`,
          [capability],
          o.status ?? 'available',
          o.onDuty ?? true,
          grid.code,
          o.fixAgeS ?? 0,
          lon,
          lat,
        ],
      );
      out.push({ id, lon, lat });
    }
    return out;
  }

  /** Points around the grid within about `km`, deterministic. */
  function around(seed: number, n: number, km: number): Array<[number, number]> {
    const rand = mulberry32(seed);
    return Array.from({ length: n }, () => [
      grid.lon + ((rand() - 0.5) * 2 * km) / 102,
      grid.lat + ((rand() - 0.5) * 2 * km) / 111,
    ]);
  }

  /** Road times of every team to the incident the slow way: one full search, then each team. */
  async function bruteForce(incident: { lon: number; lat: number }, fixtures: TeamFixture[]) {
    const g = await roadGraph(t.db);
    const inc = g.nearestNode(incident.lon, incident.lat)!;
    const search = g.searchToward([{ node: inc.node, timeS: inc.distanceM / ACCESS_SPEED_MS }]);
    search.settleWithin(Infinity);
    return fixtures
      .map((f) => {
        const s = g.nearestNode(f.lon, f.lat)!;
        return { id: f.id, timeS: s.distanceM / ACCESS_SPEED_MS + search.timeS[s.node]! };
      })
      .filter((x) => x.timeS < Infinity)
      .sort((a, b) => a.timeS - b.timeS || a.id - b.id);
  }

  it('ranks candidates by road time exactly as timing every team does, not by straight distance', async () => {
    const cap = `cap_${unique()}`;
    const fixtures = await teams(cap, around(7, 40, 4));
    const id = await acceptedIncident(cap);
    const res = await dispatcher.inject(`/api/incidents/${id}/candidates?limit=5`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const expected = (await bruteForce(grid, fixtures)).slice(0, 5);
    expect(body.candidates.map((c: { teamId: number }) => c.teamId)).toEqual(expected.map((e) => e.id));
    body.candidates.forEach((c: { travelTimeS: number }, i: number) =>
      expect(c.travelTimeS).toBeCloseTo(expected[i]!.timeS, 6),
    );
    // the straight-line order is a different one: KNN alone would have answered wrongly
    const straight = [...body.candidates].sort(
      (a: { straightM: number }, b: { straightM: number }) => a.straightM - b.straightM,
    );
    expect(straight.map((c: { teamId: number }) => c.teamId)).not.toEqual(expected.map((e) => e.id));
    const first = body.candidates[0];
    expect(first.route.type).toBe('LineString');
    expect(first.route.coordinates[0]).toEqual([first.lon, first.lat]);
    expect(first.distanceM).toBeGreaterThanOrEqual(first.straightM - 1);
    expect(Date.parse(first.eta) - Date.now()).toBeGreaterThan(first.travelTimeS * 1000 - 5000);
    expect(body.examined).toBeLessThanOrEqual(40);
  });

  it('leaves out teams that are busy, off duty, stale or without the capability', async () => {
    const cap = `cap_${unique()}`;
    const near = around(3, 4, 0.5);
    const [ok] = await teams(cap, [near[0]!]);
    await teams(cap, [near[1]!], { status: 'dispatched' });
    await teams(cap, [near[2]!], { status: 'off_duty', onDuty: false });
    await teams(cap, [near[3]!], { fixAgeS: 3600 });
    await teams(`other_${unique()}`, [near[0]!]);
    const id = await acceptedIncident(cap);
    const res = await dispatcher.inject(`/api/incidents/${id}/candidates?limit=10`);
    expect(res.json().candidates.map((c: { teamId: number }) => c.teamId)).toEqual([ok!.id]);
  });

  it('sends one team once: of 50 simultaneous requests exactly one wins, the others learn who has it', async () => {
    const cap = `cap_${unique()}`;
    const [team] = await teams(cap, around(11, 1, 1));
    const incidents = [];
    for (let i = 0; i < 50; i++) incidents.push(await acceptedIncident(cap));
    const answers = await Promise.all(
      incidents.map((incidentId) =>
        dispatcher.inject({
          method: 'POST',
          url: '/api/dispatches',
          payload: { incidentId, teamId: team!.id },
        }),
      ),
    );
    const won = answers.filter((a) => a.statusCode === 201);
    const lost = answers.filter((a) => a.statusCode === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    const winner = won[0]!.json();
    for (const l of lost)
      expect(l.json().message).toMatch(
        new RegExp(`already dispatched to incident ${winner.incidentId} by dispatcher-cp`),
      );
    const open = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM dispatches WHERE team_id = $1 AND status IN ('active', 'on_scene')`,
      [team!.id],
    );
    expect(open.rows[0]!.n).toBe(1);
    const statuses = await t.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int n FROM incidents WHERE id = ANY ($1::bigint[]) GROUP BY status ORDER BY status',
      [incidents],
    );
    expect(statuses.rows).toEqual([
      { status: 'accepted', n: 49 },
      { status: 'dispatched', n: 1 },
    ]);
  });

  it('follows a dispatch through arrival and completion, and cancels and reassigns', async () => {
    const cap = `cap_${unique()}`;
    const [a, b] = await teams(cap, around(5, 2, 1));
    const teamStatus = async (id: number) =>
      (await t.db.query<{ status: string }>('SELECT status FROM teams WHERE id = $1', [id])).rows[0]!.status;
    const incStatus = async (id: number) =>
      (await t.db.query<{ status: string }>('SELECT status FROM incidents WHERE id = $1', [id])).rows[0]!
        .status;

    const i1 = await acceptedIncident(cap);
    const d = (await send(i1, a!.id)).json();
    expect(d).toMatchObject({ incidentId: i1, teamId: a!.id, status: 'active', createdBy: 'dispatcher-cp' });
    expect(d.travelTimeS).toBeGreaterThan(0);
    expect([await teamStatus(a!.id), await incStatus(i1)]).toEqual(['dispatched', 'dispatched']);

    // reassign to b: a is free again, b is out, the incident stays dispatched
    const r = await step(d.id, 'reassign', { teamId: b!.id });
    expect(r.statusCode).toBe(200);
    const d2 = r.json();
    expect(d2).toMatchObject({ teamId: b!.id, status: 'active' });
    expect([await teamStatus(a!.id), await teamStatus(b!.id), await incStatus(i1)]).toEqual([
      'available',
      'dispatched',
      'dispatched',
    ]);
    const arrive = await step(d2.id, 'arrive', {});
    expect(arrive.json()).toMatchObject({ status: 'on_scene' });
    expect([await teamStatus(b!.id), await incStatus(i1)]).toEqual(['on_scene', 'on_scene']);
    expect(
      (await dispatcher.inject({ method: 'POST', url: `/api/dispatches/${d2.id}/arrive`, payload: {} }))
        .statusCode,
    ).toBe(409);
    const done = await step(d2.id, 'complete', {});
    expect(done.json()).toMatchObject({ status: 'completed' });
    expect([await teamStatus(b!.id), await incStatus(i1)]).toEqual(['available', 'resolved']);

    // cancel: the incident returns to accepted and the team is free
    const i2 = await acceptedIncident(cap);
    const d3 = (await send(i2, a!.id)).json();
    await step(d3.id, 'cancel', { note: '改派' });
    expect([await teamStatus(a!.id), await incStatus(i2)]).toEqual(['available', 'accepted']);

    // a generic 'return' on the incident cancels its dispatch the same way
    const d4 = (await send(i2, a!.id)).json();
    await dispatcher.inject({
      method: 'POST',
      url: `/api/incidents/${i2}/transitions`,
      payload: { action: 'return' },
    });
    expect((await dispatcher.inject(`/api/dispatches/${d4.id}`)).json().status).toBe('cancelled');
    expect(await teamStatus(a!.id)).toBe('available');
    const timeline = (await dispatcher.inject(`/api/incidents/${i1}`)).json().timeline as Array<{
      action: string;
      note: string | null;
    }>;
    expect(timeline.map((e) => e.action)).toEqual([
      'report',
      'accept',
      'dispatch',
      'return',
      'dispatch',
      'arrive',
      'resolve',
    ]);
    expect(timeline[2]!.note).toContain(`team ${a!.id}`);
  });

  it('refuses bad dispatch requests with the reason and changes nothing', async () => {
    const cap = `cap_${unique()}`;
    const [team] = await teams(cap, around(13, 1, 1));
    const reported = (
      await dispatcher.inject({
        method: 'POST',
        url: '/api/incidents',
        payload: {
          clientKey: `dispatch-${unique()}`,
          category: '0501',
          channel: 'desk',
          description: 'x',
          lon: grid.lon,
          lat: grid.lat,
        },
      })
    ).json().id as number;
    const post = (payload: object) => dispatcher.inject({ method: 'POST', url: '/api/dispatches', payload });
    const notAccepted = await post({ incidentId: reported, teamId: team!.id });
    expect(notAccepted.statusCode).toBe(409);
    expect(notAccepted.json().message).toMatch(/reported.*allowed: accept/);
    expect((await post({ incidentId: reported, teamId: 1 })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await post({ incidentId: 2 ** 40, teamId: team!.id })).statusCode).toBe(404);
    expect((await post({ incidentId: 'x', teamId: team!.id })).statusCode).toBe(400);
    const noTeam = await post({ incidentId: await acceptedIncident(cap), teamId: 2 ** 40 });
    expect(noTeam.statusCode).toBe(422);
    expect(noTeam.json().message).toMatch(/no team/);
    expect((await t.as('viewer')).csrfToken).toBeTruthy();
    expect(
      (
        await (
          await t.as('viewer')
        ).inject({
          method: 'POST',
          url: '/api/dispatches',
          payload: { incidentId: reported, teamId: team!.id },
        })
      ).statusCode,
    ).toBe(403);
    const open = await t.db.query<{ n: number }>(
      'SELECT count(*)::int n FROM dispatches WHERE team_id = $1',
      [team!.id],
    );
    expect(open.rows[0]!.n).toBe(0);
  });

  it('keeps every position fix but moves a team only forward in time', async () => {
    const cap = `cap_${unique()}`;
    const [team] = await teams(cap, [[grid.lon, grid.lat]], { fixAgeS: 600 });
    const fix = (lon: number, at: Date) =>
      dispatcher.inject({
        method: 'PATCH',
        url: `/api/teams/${team!.id}/position`,
        payload: { lon, lat: grid.lat, at: at.toISOString() },
      });
    const now = Date.now();
    const newer = await fix(grid.lon + 0.001, new Date(now - 10_000));
    expect(newer.json()).toMatchObject({ applied: true, team: { lon: grid.lon + 0.001, stale: false } });
    const older = await fix(grid.lon + 0.002, new Date(now - 60_000));
    expect(older.statusCode).toBe(200);
    expect(older.json()).toMatchObject({ applied: false, team: { lon: grid.lon + 0.001 } });
    const track = await dispatcher.inject(
      `/api/teams/${team!.id}/track?from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`,
    );
    expect(track.json().map((p: { lon: number; applied: boolean }) => [p.lon, p.applied])).toEqual([
      [grid.lon + 0.002, false],
      [grid.lon + 0.001, true],
    ]);
    expect((await fix(grid.lon, new Date(now + 3_600_000))).statusCode).toBe(422);
    const bad = await dispatcher.inject({
      method: 'PATCH',
      url: `/api/teams/${team!.id}/position`,
      payload: { lon: 500, lat: grid.lat, at: new Date().toISOString() },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (
        await dispatcher.inject({
          method: 'PATCH',
          url: `/api/teams/${2 ** 40}/position`,
          payload: { lon: grid.lon, lat: grid.lat, at: new Date().toISOString() },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('plans a batch optimally on a small case, applies it all or nothing', async () => {
    const cap = `cap_${unique()}`;
    // a grid of its own so that no other test's incidents are in the plan
    const area = (
      await t.db.query<{ code: string; lon: number; lat: number }>(
        `SELECT code, ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
         WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900110%' AND valid_to IS NULL ORDER BY code LIMIT 1 OFFSET 7`,
      )
    ).rows[0]!;
    const fixtures = await teams(cap, around(21, 4, 3));
    const incs: number[] = [];
    for (let k = 0; k < 3; k++) incs.push(await acceptedIncident(cap, area));
    await t.db.query('UPDATE incidents SET priority = $2 WHERE id = $1', [incs[0], 1]);
    const res = await dispatcher.inject({
      method: 'POST',
      url: '/api/dispatches/plan',
      payload: { area: area.code },
    });
    expect(res.statusCode).toBe(200);
    const plan = res.json();
    const mine = plan.assignments.filter((a: { incidentId: number }) => incs.includes(a.incidentId));
    expect(mine).toHaveLength(3);
    expect(plan.exact).toBe(true);
    // exhaustive: every way of giving the 3 incidents 3 of the 4 teams
    const times = await bruteForce(area, fixtures);
    const time = (id: number) => times.find((x) => x.id === id)!.timeS;
    const weight = [8, 2, 2]; // priorities 1, 3, 3
    let best = Infinity;
    for (const p of fixtures)
      for (const q of fixtures)
        for (const r of fixtures) {
          if (new Set([p.id, q.id, r.id]).size < 3) continue;
          best = Math.min(best, weight[0]! * time(p.id) + weight[1]! * time(q.id) + weight[2]! * time(r.id));
        }
    const got = mine.reduce(
      (s: number, a: { incidentId: number; teamId: number }) =>
        s + weight[incs.indexOf(a.incidentId)]! * time(a.teamId),
      0,
    );
    expect(got).toBeCloseTo(best, 6);

    const apply = (assignments: object[]) =>
      dispatcher.inject({ method: 'POST', url: '/api/dispatches/plan/apply', payload: { assignments } });
    const pairs = mine.map((a: { incidentId: number; teamId: number }) => ({
      incidentId: a.incidentId,
      teamId: a.teamId,
    }));
    // one team taken since planning: the whole plan is refused, nothing applied
    const taken = pairs[0].teamId;
    await t.db.query(`UPDATE teams SET status = 'off_duty', on_duty = false WHERE id = $1`, [taken]);
    const refused = await apply(pairs);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().conflicts).toEqual([
      expect.objectContaining({ teamId: taken, reason: expect.stringMatching(/off duty/) }),
    ]);
    const none = await t.db.query<{ n: number }>(
      'SELECT count(*)::int n FROM dispatches WHERE incident_id = ANY ($1::bigint[])',
      [incs],
    );
    expect(none.rows[0]!.n).toBe(0);
    await t.db.query(`UPDATE teams SET status = 'available', on_duty = true WHERE id = $1`, [taken]);
    const ok = await apply(pairs);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toHaveLength(3);
    expect((await apply(pairs)).statusCode).toBe(409);
  });

  it('draws isochrones that grow with the minutes, and the uncovered part of the city', async () => {
    const cap = `cap_${unique()}`;
    const before = (await dispatcher.inject(`/api/coverage?minutes=10&capability=${cap}`)).json();
    expect(before.teams).toBe(0);
    expect(before.uncoveredKm2).toBeCloseTo(before.cityKm2, 6);
    const [team] = await teams(cap, [[grid.lon, grid.lat]]);
    const iso = await dispatcher.inject(`/api/teams/${team!.id}/isochrones?minutes=5,10,15`);
    expect(iso.statusCode).toBe(200);
    const areas = iso.json().features.map((f: { properties: { areaKm2: number } }) => f.properties.areaKm2);
    expect(areas[0]).toBeGreaterThan(0);
    expect(areas[1]).toBeGreaterThan(areas[0]);
    expect(areas[2]).toBeGreaterThan(areas[1]);
    const after = (await dispatcher.inject(`/api/coverage?minutes=10&capability=${cap}`)).json();
    expect(after.teams).toBe(1);
    expect(after.uncoveredKm2).toBeLessThan(before.uncoveredKm2 - areas[1] * 0.5);
    expect((await dispatcher.inject(`/api/teams/${team!.id}/isochrones?minutes=0`)).statusCode).toBe(400);
  });
});
