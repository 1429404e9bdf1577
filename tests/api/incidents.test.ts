import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PERIODS, deadline } from '../../api/lib/working-time.ts';
import { addStandbyTeam, openTestApp, type Client, type TestApp } from './template.ts';

let seq = 0;
/** Every report of this file carries a client key with this prefix: counts are of those only,
 * so other test files writing to a shared PostgreSQL database at the same time do not count. */
const RUN = `test-${process.pid}-${Date.now()}`;
const key = () => `${RUN}-${++seq}`;
const mine = async (db: TestApp['db']) =>
  (
    await db.query<{ n: number }>('SELECT count(*)::int n FROM incidents WHERE client_key LIKE $1', [
      `${RUN}-%`,
    ])
  ).rows[0]!.n;

describe('incident intake and lifecycle', () => {
  let t: TestApp;
  let dispatcher: Client;
  /** A point inside a grid of 常平镇, and that grid. */
  let cp: { lon: number; lat: number; grid: string };
  beforeAll(async () => {
    t = await openTestApp();
    dispatcher = await t.as('dispatcher-cp');
    const r = await t.db.query<{ lon: number; lat: number; code: string }>(
      `SELECT ST_X(label_point) lon, ST_Y(label_point) lat, code FROM areas
       WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900110%' AND valid_to IS NULL ORDER BY code LIMIT 1`,
    );
    cp = { lon: r.rows[0]!.lon, lat: r.rows[0]!.lat, grid: r.rows[0]!.code };
  });
  afterAll(() => t.close());

  const report = (c: Client, body: Record<string, unknown>) =>
    c.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: key(),
        category: '0501',
        channel: 'desk',
        description: '无照经营游商占道',
        lon: cp.lon,
        lat: cp.lat,
        ...body,
      },
    });
  const count = () => mine(t.db);

  it('lists incident categories without a session', async () => {
    const res = await t.app.inject('/api/categories?kind=incident');
    expect(res.statusCode).toBe(200);
    const cats = res.json();
    expect(cats.find((c: { code: string }) => c.code === '0501')).toMatchObject({
      nameZh: '无照经营游商',
      deadlineAmount: 2,
      deadlineUnit: 'working_hours',
      teamCapability: 'urban_management',
    });
  });

  it('routes a report to its grid, village and town, the responsible team kind and a working-time deadline', async () => {
    const before = Date.now();
    const res = await report(dispatcher, {});
    expect(res.statusCode).toBe(201);
    const inc = res.json();
    expect(inc).toMatchObject({
      status: 'reported',
      created: true,
      gridCode: cp.grid,
      villageCode: cp.grid.slice(0, 12),
      townCode: '441900110',
      teamCapability: 'urban_management',
      category: '0501',
    });
    // 2 working hours from the report time, on the shipped calendar
    const holidays = (
      await t.db.query<{ d: string; k: string }>(
        `SELECT to_char(day, 'YYYY-MM-DD') d, kind k FROM calendar_days`,
      )
    ).rows;
    const cal = {
      holidays: new Set(holidays.filter((h) => h.k === 'holiday').map((h) => h.d)),
      workdays: new Set(holidays.filter((h) => h.k === 'workday').map((h) => h.d)),
      periods: DEFAULT_PERIODS,
    };
    const reported = new Date(inc.reportedAt);
    expect(reported.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(inc.deadlineAt).toBe(deadline(cal, reported, 2, 'working_hours').toISOString());
    expect(inc.minutesLeft).toBeLessThanOrEqual(120);
    expect(inc.overdue).toBe(false);
    const detail = (await dispatcher.inject(`/api/incidents/${inc.id}`)).json();
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['report']);
  });

  it('returns the same incident for the same client key and never stores a second one', async () => {
    const clientKey = key();
    const first = await report(dispatcher, { clientKey });
    const n = await count();
    const again = await report(dispatcher, { clientKey });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, created: false });
    const parallel = await Promise.all(
      [1, 2, 3].map(() => report(dispatcher, { clientKey: `${clientKey}-p` })),
    );
    expect(new Set(parallel.map((r) => r.json().id)).size).toBe(1);
    expect(await count()).toBe(n + 1);
  });

  it.each([
    [{ lon: 22.98, lat: 114.0 }, 422, /swapped/],
    [{ lon: 23.02, lat: 22.98 }, 422, /outside the city/],
    [{ lon: 113.9, lat: 22.3 }, 422, /outside the city/],
    [{ lon: 200 }, 400, /lon/],
    [{ category: '9999' }, 422, /not an incident category/],
    [{ category: '05' }, 400, /category/],
    [{ channel: 'pigeon' }, 400, /channel/],
    [{ description: '' }, 400, /description/],
    [{ clientKey: 'x' }, 400, /clientKey/],
    [{ extra: 1 }, 400, /additional/],
  ])('refuses %j with %i and stores nothing', async (body, status, why) => {
    const n = await count();
    const res = await report(dispatcher, body);
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toMatch(why);
    expect(await count()).toBe(n);
  });

  it('refuses a report outside the reporter’s area, and from a viewer', async () => {
    const humen = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900121%' LIMIT 1`,
      )
    ).rows[0]!;
    const out = await report(dispatcher, humen);
    expect(out.statusCode).toBe(403);
    expect(out.json().message).toMatch(/outside your area/);
    expect((await report(await t.as('viewer'), {})).statusCode).toBe(403);
    // the commander reports anywhere
    expect((await report(await t.as('commander'), humen)).statusCode).toBe(201);
  });

  it('raises the priority inside the impact zone of a major or high risk source and says which', async () => {
    const rs = (
      await t.db.query<{ id: number; lon: number; lat: number }>(
        `SELECT r.id, ST_X(r.geom) lon, ST_Y(r.geom) lat FROM risk_sources r
       WHERE r.level <= 2 AND r.town_code IS NOT NULL ORDER BY r.id LIMIT 1`,
      )
    ).rows[0]!;
    const res = await report(await t.as('commander'), { lon: rs.lon, lat: rs.lat, category: '0501' });
    expect(res.statusCode).toBe(201);
    expect(res.json().priority).toBe(2); // 0501 defaults to 3
    expect(res.json().raisedBy.map((r: { id: number }) => r.id)).toContain(rs.id);
  });

  it('offers open incidents of the same category within 100 m and 24 h as duplicates', async () => {
    const a = (await report(dispatcher, { category: '0102' })).json();
    const b = (await report(dispatcher, { category: '0102', lon: cp.lon + 0.0003 })).json();
    expect(b.possibleDuplicates.map((d: { id: number }) => d.id)).toContain(a.id);
    expect(b.possibleDuplicates[0].distanceM).toBeLessThan(100);
    const other = (await report(dispatcher, { category: '0104', lon: cp.lon + 0.0003 })).json();
    expect(other.possibleDuplicates.map((d: { id: number }) => d.id)).not.toContain(a.id);
  });

  it('takes a burst of concurrent reports together without mixing them up', async () => {
    const n = await count();
    const humen = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900121%' LIMIT 1`,
      )
    ).rows[0]!;
    const repeated = key();
    const bodies: Array<Record<string, unknown>> = [
      ...Array.from({ length: 20 }, (_, i) => ({
        description: `burst ${i}`,
        lon: cp.lon + 0.00001 * i,
        category: i < 2 ? '0103' : '0501',
      })),
      { clientKey: repeated, description: 'burst repeated' },
      { clientKey: repeated, description: 'burst repeated' },
      { siteId: 2_000_000_000, description: 'burst no such site' },
      { ...humen, description: 'burst elsewhere' },
    ];
    const answers = await Promise.all(bodies.map((b) => report(dispatcher, b)));
    answers.slice(0, 20).forEach((res, i) => {
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ description: `burst ${i}`, gridCode: cp.grid, created: true });
    });
    // the two 0103 reports 0.00001° apart: the later one lists the earlier as a possible
    // duplicate, also when both were written by the same statement
    const [early, late] = [answers[0]!.json(), answers[1]!.json()].sort((x, y) => x.id - y.id);
    expect(late.possibleDuplicates.map((d: { id: number }) => d.id)).toContain(early.id);
    const [r1, r2] = [answers[20]!, answers[21]!];
    expect(r1.json().id).toBe(r2.json().id);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 201]);
    expect(answers[22]!.statusCode).toBe(422);
    expect(answers[22]!.json().message).toMatch(/siteId/);
    expect(answers[23]!.statusCode).toBe(403);
    expect(await count()).toBe(n + 21);
    // each stored report has exactly one first timeline entry and one audit record
    const ids = [...answers.slice(0, 21).map((r) => r.json().id as number)];
    const events = await t.db.query<{ incident_id: number; n: number }>(
      `SELECT incident_id, count(*)::int n FROM incident_events WHERE incident_id = ANY ($1::bigint[]) AND action = 'report' GROUP BY 1`,
      [ids],
    );
    expect(events.rows).toHaveLength(21);
    expect(events.rows.every((e) => e.n === 1)).toBe(true);
    const audits = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM audit_log WHERE action = 'incident.report' AND target_id = ANY ($1::text[])`,
      [ids.map(String)],
    );
    expect(audits.rows[0]!.n).toBe(21);
  });

  it('goes through the whole lifecycle with rework, recording every step', async () => {
    const commander = await t.as('commander');
    const id = (await report(dispatcher, {})).json().id;
    const step = (c: Client, action: string, extra: Record<string, unknown> = {}) =>
      c.inject({
        method: 'POST',
        url: `/api/incidents/${id}/transitions`,
        payload: { action, note: `${action} note`, ...extra },
      });
    expect((await step(dispatcher, 'accept')).statusCode).toBe(200);
    // a team is sent through dispatch (POST /api/dispatches), never by a bare transition:
    // the nearest candidate, one of this file's standing by at the point
    const standby = await addStandbyTeam(t.db, {
      capability: 'urban_management',
      lon: cp.lon,
      lat: cp.lat,
      homeAreaCode: cp.grid,
    });
    const team = (await dispatcher.inject(`/api/incidents/${id}/candidates?limit=1`)).json().candidates[0]
      .teamId;
    expect(team).toBe(standby);
    const sent = await dispatcher.inject({
      method: 'POST',
      url: '/api/dispatches',
      payload: { incidentId: id, teamId: team },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    for (const a of ['arrive', 'resolve']) expect((await step(dispatcher, a)).statusCode, a).toBe(200);
    // rework goes back to the team that resolved it
    const fail = await step(commander, 'verify_fail');
    expect(fail.json()).toMatchObject({ status: 'dispatched', reworkCount: 1 });
    for (const a of ['resolve', 'verify_pass', 'close'])
      expect((await step(commander, a)).statusCode, a).toBe(200);
    const detail = (await commander.inject(`/api/incidents/${id}`)).json();
    expect(detail.status).toBe('closed');
    expect(detail.closedAt).not.toBeNull();
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual([
      'report',
      'accept',
      'dispatch',
      'arrive',
      'resolve',
      'verify_fail',
      'resolve',
      'verify_pass',
      'close',
    ]);
    expect(detail.timeline[1]).toMatchObject({
      actor: 'dispatcher-cp',
      fromStatus: 'reported',
      toStatus: 'accepted',
      note: 'accept note',
    });
    expect(detail.actions).toEqual([]);
  });

  it('refuses a transition the state machine does not allow with 409 naming the allowed ones', async () => {
    const id = (await report(dispatcher, {})).json().id;
    const res = await dispatcher.inject({
      method: 'POST',
      url: `/api/incidents/${id}/transitions`,
      payload: { action: 'resolve' },
    });
    expect(res.json().message).toMatch(/allowed: accept, reject/);
    expect(res.statusCode).toBe(409);
    const missing = await dispatcher.inject({
      method: 'POST',
      url: '/api/incidents/99999999/transitions',
      payload: { action: 'accept' },
    });
    expect(missing.statusCode).toBe(404);
    const bad = await dispatcher.inject({
      method: 'POST',
      url: `/api/incidents/${id}/transitions`,
      payload: { action: 'teleport' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a step the role may not take, and lists only the ones it may', async () => {
    const id = (await report(dispatcher, {})).json().id;
    const gw = await t.as('gridworker-cp');
    const res = await gw.inject({
      method: 'POST',
      url: `/api/incidents/${id}/transitions`,
      payload: { action: 'accept' },
    });
    // the grid worker's grid may not hold the point: either way they may not accept
    expect(res.statusCode).toBe(403);
    const detail = (await dispatcher.inject(`/api/incidents/${id}`)).json();
    expect(detail.actions).toEqual(['accept', 'reject', 'merge', 'transfer', 'send_back', 'assign_unit']);
  });

  it('extends the deadline only when an extension is granted', async () => {
    const id = (await report(dispatcher, { category: '9001' })).json().id; // 3 working days
    const go = (action: string, extra: Record<string, unknown> = {}) =>
      dispatcher.inject({
        method: 'POST',
        url: `/api/incidents/${id}/transitions`,
        payload: { action, ...extra },
      });
    await go('accept');
    const before = (await dispatcher.inject(`/api/incidents/${id}`)).json().deadlineAt;
    expect((await go('request_extension')).statusCode).toBe(422);
    expect((await go('request_extension', { hours: 7 })).json().extensionPendingMinutes).toBe(420);
    expect((await go('request_extension', { hours: 7 })).statusCode).toBe(409);
    const granted = (await go('grant_extension')).json();
    expect(granted.extensionPendingMinutes).toBeNull();
    expect(new Date(granted.deadlineAt).getTime()).toBeGreaterThan(new Date(before).getTime());
    expect((await go('deny_extension')).statusCode).toBe(409);
  });

  it('lists the queue in my area by deadline, with overdue counts', async () => {
    const q = (await dispatcher.inject('/api/incidents?limit=1000')).json();
    expect(q.incidents.length).toBeGreaterThan(0);
    expect(q.incidents.every((i: { townCode: string }) => i.townCode === '441900110')).toBe(true);
    const deadlines = q.incidents.map((i: { deadlineAt: string }) => i.deadlineAt).filter(Boolean);
    expect([...deadlines].sort()).toEqual(deadlines);
    expect(q.overdue).toBe(q.incidents.filter((i: { overdue: boolean }) => i.overdue).length);
    const overdue = (await dispatcher.inject('/api/incidents?overdue=true&limit=1000')).json();
    expect(overdue.incidents.every((i: { overdue: boolean }) => i.overdue)).toBe(true);
  });

  it('pages through the queue: counts over all pages, pages in deadline order without gaps', async () => {
    // a town no other test writes to, so that the pages are read from the same set
    const commander = await t.as('commander');
    const q = 'town=441900122';
    // reports in several of its villages, in categories of different deadlines, so that there
    // are pages to read whatever the sample left open there
    const spots = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
         SELECT ST_PointOnSurface(geom) AS p FROM areas
         WHERE parent_code = '441900122' AND level = 'village' AND valid_to IS NULL ORDER BY code LIMIT 7) x`,
    );
    const categories = ['0501', '0106', '9001'];
    for (const [i, spot] of spots.rows.entries()) {
      const r = await report(commander, { category: categories[i % 3], lon: spot.lon, lat: spot.lat });
      expect(r.statusCode, r.body).toBe(201);
    }
    const all = (await commander.inject(`/api/incidents?limit=1000&${q}`)).json();
    expect(all.total).toBe(all.incidents.length);
    expect(all.total).toBeGreaterThan(4);
    const ids: number[] = [];
    for (let offset = 0; offset < all.total; offset += 3) {
      const page = (await commander.inject(`/api/incidents?limit=3&offset=${offset}&${q}`)).json();
      expect(page.total).toBe(all.total);
      expect(page.overdue).toBe(all.overdue);
      ids.push(...page.incidents.map((i: { id: number }) => i.id));
    }
    expect(ids).toEqual(all.incidents.map((i: { id: number }) => i.id));
    const past = (await commander.inject(`/api/incidents?limit=3&offset=${all.total + 10}&${q}`)).json();
    expect([past.incidents.length, past.total]).toEqual([0, all.total]);
    expect((await commander.inject('/api/incidents?offset=-1')).statusCode).toBe(400);
  });
});

describe('photos with a report', () => {
  let t: TestApp;
  let c: Client;
  let at: { lon: number; lat: number };
  beforeAll(async () => {
    t = await openTestApp();
    c = await t.as('commander');
    at = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas WHERE level = 'grid' AND synthetic AND valid_to IS NULL ORDER BY code LIMIT 1`,
      )
    ).rows[0]!;
  });
  afterAll(() => t.close());

  // a 1×1 PNG
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  const send = (photos: unknown) =>
    c.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: key(),
        category: '0102',
        channel: 'patrol',
        description: '附照片',
        ...at,
        photos,
      },
    });

  it('stores photos and serves them back', async () => {
    const res = await send([{ contentType: 'image/png', data: png.toString('base64') }]);
    expect(res.statusCode).toBe(201);
    expect(res.json().photoCount).toBe(1);
    const photo = await c.inject(`/api/incidents/${res.json().id}/photos/1`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.rawPayload.equals(png)).toBe(true);
    expect((await c.inject(`/api/incidents/${res.json().id}/photos/2`)).statusCode).toBe(404);
  });

  it.each([
    [
      [{ contentType: 'image/png', data: Buffer.from('not an image at all').toString('base64') }],
      /not a JPEG, PNG or WebP/,
    ],
    [
      [{ contentType: 'image/jpeg', data: png.toString('base64') }],
      /declared image\/jpeg but the data is image\/png/,
    ],
    [
      [
        {
          contentType: 'image/png',
          data: Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]).toString('base64'),
        },
      ],
      /more than 2097152/,
    ],
    [[{ contentType: 'image/png', data: '***' }], /not base64/],
  ])('refuses a bad photo and stores nothing', async (photos, why) => {
    const n = await mine(t.db);
    const res = await send(photos);
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(why);
    expect(await mine(t.db)).toBe(n);
  });

  it('refuses a wrong content type and a photo type it does not take', async () => {
    const res = await c.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: 'category=0102',
      headers: { 'content-type': 'text/plain' },
    });
    // text is not a report: refused before anything is looked at
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/body must be object/);
    expect((await send([{ contentType: 'image/gif', data: png.toString('base64') }])).statusCode).toBe(400);
  });
});

describe('merging duplicates', () => {
  let t: TestApp;
  let d: Client;
  let at: { lon: number; lat: number };
  beforeAll(async () => {
    t = await openTestApp();
    d = await t.as('dispatcher-cp');
    at = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900110%' AND code NOT LIKE '4419001109%' ORDER BY code DESC LIMIT 1`,
      )
    ).rows[0]!;
  });
  afterAll(() => t.close());

  const report = () =>
    d.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: { clientKey: key(), category: '0106', channel: 'desk', description: '绿地脏乱', ...at },
    });

  it('links a duplicate to its master and keeps both records and timelines', async () => {
    const master = (await report()).json();
    const dup = (await report()).json();
    expect(dup.possibleDuplicates.map((x: { id: number }) => x.id)).toContain(master.id);
    const res = await d.inject({
      method: 'POST',
      url: `/api/incidents/${dup.id}/transitions`,
      payload: { action: 'merge', into: master.id, note: '同一处' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'merged', mergedInto: master.id });
    const m = (await d.inject(`/api/incidents/${master.id}`)).json();
    expect(m.status).toBe('reported');
    expect(m.timeline.map((e: { action: string }) => e.action)).toEqual(['report', 'merged_in']);
    const x = (await d.inject(`/api/incidents/${dup.id}`)).json();
    expect(x.timeline.map((e: { action: string }) => e.action)).toEqual(['report', 'merge']);
    // a merged incident is no longer offered as a duplicate, nor merged again
    const third = (await report()).json();
    expect(third.possibleDuplicates.map((y: { id: number }) => y.id)).not.toContain(dup.id);
    const again = await d.inject({
      method: 'POST',
      url: `/api/incidents/${third.id}/transitions`,
      payload: { action: 'merge', into: dup.id },
    });
    expect(again.statusCode).toBe(409);
    expect(
      (
        await d.inject({
          method: 'POST',
          url: `/api/incidents/${third.id}/transitions`,
          payload: { action: 'merge' },
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await d.inject({
          method: 'POST',
          url: `/api/incidents/${third.id}/transitions`,
          payload: { action: 'merge', into: third.id },
        })
      ).statusCode,
    ).toBe(422);
  });
});
