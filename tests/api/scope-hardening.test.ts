import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStandbyTeam, openTestApp, signIn, type Client, type TestApp } from './template.ts';

const CHANGPING = '441900110';
const HUMEN = '441900121';
/** An id no row has: bigint, far above any sequence a test database reaches. */
const MISSING_ID = 8_000_000_001;

/** Calls `f` once; later calls get the same promise. */
function memo<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

/** A strong password of our own (the demo password is not accepted for new ones). */
const PASSWORD = 'Qz7-lantern-orchid-41';

describe('accounts and scope: nothing reaches or reveals past the caller’s area', () => {
  let t: TestApp;
  let admin: Client;
  /** An admin whose home area is 常平镇 only. */
  let townAdmin: Client;
  const suffix = randomUUID().slice(0, 8);

  async function createUser(username: string, role: string, homeAreaCode: string): Promise<number> {
    const res = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username, displayName: username, role, homeAreaCode, password: PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as number;
  }

  async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
    const r = await t.db.query<T & object>(sql, params);
    if (!r.rows[0]) throw new Error(`no row for ${sql}`);
    return r.rows[0];
  }

  beforeAll(async () => {
    t = await openTestApp();
    admin = await t.as('admin');
    await createUser(`cp-admin-${suffix}`, 'admin', CHANGPING);
    townAdmin = await signIn(t.app, `cp-admin-${suffix}`, PASSWORD);
  });
  afterAll(() => t.close());

  it('refuses a town admin any change to a user whose grants reach past the town, and changes nothing', async () => {
    const id = await createUser(`cp-roamer-${suffix}`, 'dispatcher', CHANGPING);
    const granted = await admin.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      payload: { grants: [HUMEN] },
    });
    expect(granted.statusCode, granted.body).toBe(200);

    // visible in the list, but not to be changed: a new password would let the town admin act in 虎门镇
    const changes = [
      { password: 'Another-strong-pass-77' },
      { displayName: 'renamed' },
      { disabled: true },
      { role: 'viewer' },
      { grants: [] },
    ];
    for (const payload of changes) {
      const res = await townAdmin.inject({ method: 'PATCH', url: `/api/users/${id}`, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(403);
      expect(res.json()).toMatchObject({ code: 'user_beyond_scope' });
      expect(res.json().message).toContain(HUMEN);
    }
    const after = (await admin.inject(`/api/users/${id}`)).json();
    expect(after).toMatchObject({ displayName: `cp-roamer-${suffix}`, role: 'dispatcher', disabled: false });
    expect(after.grants).toEqual([HUMEN]);
    // the old password still signs in; the attempted one does not
    expect((await signIn(t.app, `cp-roamer-${suffix}`, PASSWORD)).cookie).toBeTruthy();
    const stolen = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: `cp-roamer-${suffix}`, password: 'Another-strong-pass-77' },
    });
    expect(stolen.statusCode).toBe(401);

    // a user whose reach lies inside the town is the town admin's to change
    const local = await createUser(`cp-local-${suffix}`, 'viewer', CHANGPING);
    const ok = await townAdmin.inject({
      method: 'PATCH',
      url: `/api/users/${local}`,
      payload: {
        displayName: 'renamed',
        grants: [
          (
            await one<{ code: string }>(
              `SELECT code FROM areas WHERE level = 'village' AND valid_to IS NULL AND parent_code = $1 ORDER BY code LIMIT 1`,
              [CHANGPING],
            )
          ).code,
        ],
      },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('shows a town admin only the audit records about the town, without addresses or API-key events', async () => {
    const humenUser = await createUser(`hm-user-${suffix}`, 'viewer', HUMEN);
    const changpingUser = await createUser(`cp-user-${suffix}`, 'viewer', CHANGPING);
    const key = await admin.inject({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: `cp-key-${suffix}`, permissions: ['read'], areaCode: CHANGPING },
    });
    expect(key.statusCode).toBe(201);
    await signIn(t.app, `hm-user-${suffix}`, PASSWORD);
    await signIn(t.app, `cp-user-${suffix}`, PASSWORD);

    type Entry = { action: string; targetType: string; targetId: string | null; address: string | null };
    const seen = async (c: Client): Promise<Entry[]> => {
      const res = await c.inject('/api/audit?limit=500');
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    const about = (list: Entry[], type: string, id: number) =>
      list.filter((e) => e.targetType === type && e.targetId === String(id)).map((e) => e.action);

    const city = await seen(admin);
    expect(about(city, 'user', humenUser)).toEqual(expect.arrayContaining(['user.create', 'auth.login']));
    expect(city.some((e) => e.targetType === 'api_key')).toBe(true);
    expect(city.find((e) => e.action === 'auth.login')?.address).toBeTruthy();

    const town = await seen(townAdmin);
    expect(about(town, 'user', changpingUser)).toEqual(expect.arrayContaining(['user.create', 'auth.login']));
    expect(about(town, 'user', humenUser)).toEqual([]);
    expect(town.filter((e) => e.targetType === 'api_key' || e.action.startsWith('api_key.'))).toEqual([]);
    expect(town.filter((e) => e.address !== null)).toEqual([]);
    // every record the town admin sees is about the town: its targets resolve inside it
    const areas = await t.db.query<{ area_code: string | null }>(
      `SELECT area_code FROM audit_log WHERE id = ANY ($1::bigint[])`,
      [town.map((e) => (e as unknown as { id: number }).id)],
    );
    expect(areas.rows.filter((r) => !r.area_code?.startsWith(CHANGPING))).toEqual([]);
  });

  describe('an object outside your area answers exactly as a missing one', () => {
    /** One request with an id of an object in 虎门镇, and the same request with an id nobody has. */
    interface Probe {
      route: string;
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      url: (id: string) => string;
      outside: () => Promise<string>;
      missing?: string;
      payload?: Record<string, unknown>;
      /** Open311 takes an API key in the query. */
      viaKey?: boolean;
    }

    let key: string;
    const humen = {
      incident: () =>
        one<{ id: string }>(`SELECT id::text FROM incidents WHERE town_code = $1 ORDER BY id LIMIT 1`, [
          HUMEN,
        ]).then((r) => r.id),
      team: () =>
        one<{ id: string }>(
          `SELECT id::text FROM teams WHERE home_area_code LIKE $1 || '%' ORDER BY id LIMIT 1`,
          [HUMEN],
        ).then((r) => r.id),
      site: () =>
        one<{ id: string }>(`SELECT id::text FROM sites WHERE town_code = $1 ORDER BY id LIMIT 1`, [
          HUMEN,
        ]).then((r) => r.id),
      risk: () =>
        one<{ id: string }>(`SELECT id::text FROM risk_sources WHERE town_code = $1 ORDER BY id LIMIT 1`, [
          HUMEN,
        ]).then((r) => r.id),
      grid: () =>
        one<{ code: string }>(
          `SELECT code FROM areas WHERE level = 'grid' AND valid_to IS NULL AND code LIKE $1 || '%' ORDER BY code LIMIT 1`,
          [HUMEN],
        ).then((r) => r.code),
      village: () =>
        one<{ code: string }>(
          `SELECT code FROM areas WHERE level = 'village' AND valid_to IS NULL AND parent_code = $1 ORDER BY code LIMIT 1`,
          [HUMEN],
        ).then((r) => r.code),
      user: () =>
        one<{ id: string }>(`SELECT id::text FROM users WHERE username = 'humen'`).then((r) => r.id),
      apiKey: async () => {
        const res = await admin.inject({
          method: 'POST',
          url: '/api/api-keys',
          payload: { name: `hm-key-${suffix}`, permissions: ['read'], areaCode: HUMEN },
        });
        return String(res.json().id);
      },
      import: async () => {
        const res = await admin.inject({
          method: 'POST',
          url: `/api/imports?layer=sites&filename=hm-${suffix}.csv`,
          headers: { 'content-type': 'application/octet-stream' },
          payload: Buffer.from('名称,类型,经度,纬度\n虎门测试点,school,113.67,22.82\n'),
        });
        expect(res.statusCode, res.body).toBe(201);
        return String(res.json().id);
      },
      dispatch: memo(async () => {
        const inc = await one<{ lon: number; lat: number }>(
          `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents WHERE grid_code LIKE $1 || '%' ORDER BY id LIMIT 1`,
          [HUMEN],
        );
        const rep = await admin.inject({
          method: 'POST',
          url: '/api/incidents',
          payload: {
            clientKey: `hm-${suffix}`,
            category: '0505',
            lon: inc.lon,
            lat: inc.lat,
            description: '虎门 测试',
            channel: 'desk',
          },
        });
        expect(rep.statusCode, rep.body).toBe(201);
        const id = rep.json().id as number;
        await admin.inject({
          method: 'POST',
          url: `/api/incidents/${id}/transitions`,
          payload: { action: 'accept' },
        });
        const team = await one<{ id: number }>(
          `SELECT id FROM teams WHERE home_area_code LIKE $1 || '%' AND status = 'available' AND on_duty ORDER BY id LIMIT 1`,
          [HUMEN],
        );
        const d = await admin.inject({
          method: 'POST',
          url: '/api/dispatches',
          payload: { incidentId: id, teamId: team.id },
        });
        expect(d.statusCode, d.body).toBe(201);
        return String(d.json().id);
      }),
    };

    const probes: Probe[] = [
      { route: 'GET /api/users/:id', method: 'GET', url: (id) => `/api/users/${id}`, outside: humen.user },
      {
        route: 'PATCH /api/users/:id',
        method: 'PATCH',
        url: (id) => `/api/users/${id}`,
        outside: humen.user,
        payload: { displayName: 'x' },
      },
      {
        route: 'POST /api/api-keys/:id/revoke',
        method: 'POST',
        url: (id) => `/api/api-keys/${id}/revoke`,
        outside: humen.apiKey,
      },
      {
        route: 'GET /api/incidents/:id',
        method: 'GET',
        url: (id) => `/api/incidents/${id}`,
        outside: humen.incident,
      },
      {
        route: 'GET /api/incidents/:id/photos/:seq',
        method: 'GET',
        url: (id) => `/api/incidents/${id}/photos/1`,
        outside: humen.incident,
      },
      {
        route: 'GET /api/incidents/:id/candidates',
        method: 'GET',
        url: (id) => `/api/incidents/${id}/candidates`,
        outside: humen.incident,
      },
      {
        route: 'POST /api/incidents/:id/transitions',
        method: 'POST',
        url: (id) => `/api/incidents/${id}/transitions`,
        outside: humen.incident,
        payload: { action: 'accept' },
      },
      {
        route: 'POST /api/incidents/:id/tasks',
        method: 'POST',
        url: (id) => `/api/incidents/${id}/tasks`,
        outside: humen.incident,
        payload: { unitId: 1, task: '协助', hours: 8 },
      },
      {
        route: 'POST /api/incidents/:id/tasks/:taskId',
        method: 'POST',
        url: (id) => `/api/incidents/${id}/tasks/1`,
        outside: humen.incident,
        payload: { action: 'accept' },
      },
      {
        route: 'POST /api/incidents/:id/supervisions',
        method: 'POST',
        url: (id) => `/api/incidents/${id}/supervisions`,
        outside: humen.incident,
        payload: { note: '督办', hours: 4 },
      },
      {
        route: 'POST /api/incidents/:id/supervisions/:supervisionId/answer',
        method: 'POST',
        url: (id) => `/api/incidents/${id}/supervisions/1/answer`,
        outside: humen.incident,
        payload: { answer: '反馈' },
      },
      { route: 'GET /api/teams/:id', method: 'GET', url: (id) => `/api/teams/${id}`, outside: humen.team },
      {
        route: 'PATCH /api/teams/:id',
        method: 'PATCH',
        url: (id) => `/api/teams/${id}`,
        outside: humen.team,
        payload: { onDuty: true },
      },
      {
        route: 'PATCH /api/teams/:id/position',
        method: 'PATCH',
        url: (id) => `/api/teams/${id}/position`,
        outside: humen.team,
        payload: { lon: 113.67, lat: 22.82, at: new Date().toISOString() },
      },
      {
        route: 'GET /api/teams/:id/track',
        method: 'GET',
        url: (id) => `/api/teams/${id}/track`,
        outside: humen.team,
      },
      {
        route: 'GET /api/teams/:id/isochrones',
        method: 'GET',
        url: (id) => `/api/teams/${id}/isochrones`,
        outside: humen.team,
      },
      {
        route: 'GET /api/dispatches/:id',
        method: 'GET',
        url: (id) => `/api/dispatches/${id}`,
        outside: humen.dispatch,
      },
      {
        route: 'POST /api/dispatches/:id/arrive',
        method: 'POST',
        url: (id) => `/api/dispatches/${id}/arrive`,
        outside: humen.dispatch,
      },
      {
        route: 'POST /api/dispatches/:id/reassign',
        method: 'POST',
        url: (id) => `/api/dispatches/${id}/reassign`,
        outside: humen.dispatch,
        payload: { teamId: 1 },
      },
      {
        route: 'GET /api/risk-sources/:id/exposed',
        method: 'GET',
        url: (id) => `/api/risk-sources/${id}/exposed`,
        outside: humen.risk,
      },
      {
        route: 'GET /api/layers/:layer/features/:id',
        method: 'GET',
        url: (id) => `/api/layers/sites/features/${id}`,
        outside: humen.site,
      },
      {
        route: 'GET /api/layers/:layer/features/:id/context',
        method: 'GET',
        url: (id) => `/api/layers/sites/features/${id}/context`,
        outside: humen.site,
      },
      {
        route: 'GET /api/sites/:id/qr.:format',
        method: 'GET',
        url: (id) => `/api/sites/${id}/qr.svg`,
        outside: humen.site,
      },
      {
        route: 'GET /ogc/collections/:collectionId/items/:featureId',
        method: 'GET',
        url: (id) => `/ogc/collections/sites/items/${id}`,
        outside: humen.site,
      },
      {
        route: 'GET /api/areas/:code',
        method: 'GET',
        url: (code) => `/api/areas/${code}`,
        outside: humen.village,
        missing: `${HUMEN}999`,
      },
      {
        route: 'GET /api/grids/:code',
        method: 'GET',
        url: (code) => `/api/grids/${code}`,
        outside: humen.grid,
        missing: `${HUMEN}999999`,
      },
      {
        route: 'PUT /api/grids/:code',
        method: 'PUT',
        url: (code) => `/api/grids/${code}`,
        outside: humen.grid,
        missing: `${HUMEN}999999`,
        payload: { version: 1, name: 'x' },
      },
      {
        route: 'DELETE /api/grids/:code',
        method: 'DELETE',
        url: (code) => `/api/grids/${code}?version=1`,
        outside: humen.grid,
        missing: `${HUMEN}999999`,
      },
      {
        route: 'GET /api/grids/:code/history',
        method: 'GET',
        url: (code) => `/api/grids/${code}/history`,
        outside: humen.grid,
        missing: `${HUMEN}999999`,
      },
      {
        route: 'GET /api/imports/:id',
        method: 'GET',
        url: (id) => `/api/imports/${id}`,
        outside: humen.import,
      },
      {
        route: 'POST /api/imports/:id/cancel',
        method: 'POST',
        url: (id) => `/api/imports/${id}/cancel`,
        outside: humen.import,
      },
      {
        route: 'POST /api/imports/:id/undo',
        method: 'POST',
        url: (id) => `/api/imports/${id}/undo`,
        outside: humen.import,
      },
      {
        route: 'GET /api/imports/:id/rejections',
        method: 'GET',
        url: (id) => `/api/imports/${id}/rejections`,
        outside: humen.import,
      },
      {
        route: 'POST /api/imports/:id/run',
        method: 'POST',
        url: (id) => `/api/imports/${id}/run`,
        outside: humen.import,
        payload: { mapping: {}, crs: 'wgs84' },
      },
      {
        route: 'GET /open311/v2/requests/:id.:format',
        method: 'GET',
        url: (id) => `/open311/v2/requests/${id}.json?api_key=${key}`,
        outside: humen.incident,
        viaKey: true,
      },
    ];

    beforeAll(async () => {
      const res = await admin.inject({
        method: 'POST',
        url: '/api/api-keys',
        payload: { name: `cp-311-${suffix}`, permissions: ['read', 'report'], areaCode: CHANGPING },
      });
      key = res.json().key as string;
    });

    const normalise = (res: LightMyRequestResponse, id: string) => ({
      status: res.statusCode,
      type: res.headers['content-type'],
      body: res.body.replace(new RegExp(`\\b${id}\\b`, 'g'), '<id>'),
    });

    it.each(probes.map((p) => [p.route, p] as const))('%s', async (_route, p) => {
      const outside = await p.outside();
      const missing = p.missing ?? String(MISSING_ID);
      const send = (id: string) =>
        p.viaKey
          ? t.app.inject({ method: p.method, url: p.url(id) })
          : townAdmin.inject({ method: p.method, url: p.url(id), payload: p.payload });
      const a = await send(outside);
      const b = await send(missing);
      expect(a.statusCode, a.body).toBeGreaterThanOrEqual(400);
      expect(a.statusCode, a.body).toBeLessThan(500);
      expect(normalise(a, outside)).toEqual(normalise(b, missing));
    });

    it('covers every route that names an object in its path', () => {
      const named = t.app.routeAccess
        .filter((r) => r.method !== 'HEAD' && /:(id|code|featureId)\b/.test(r.url))
        // reference data anyone may read, not objects of an area
        .filter(
          (r) =>
            !r.url.startsWith('/open311/v2/services/') &&
            r.url !== '/api/dispatches/:id/complete' &&
            r.url !== '/api/dispatches/:id/cancel',
        )
        .map((r) => `${r.method} ${r.url}`);
      const probed = new Set(probes.map((p) => p.route));
      // split is a grid write like PUT (same lookup), complete/cancel like arrive
      probed.add('POST /api/grids/:code/split');
      expect(named.filter((r) => !probed.has(r))).toEqual([]);
    });
  });

  describe('idempotency keys belong to their caller', () => {
    async function citizen(clientKey: string, description: string) {
      const p = await one<{ lon: number; lat: number }>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents WHERE grid_code LIKE $1 || '%' ORDER BY id LIMIT 1`,
        [CHANGPING],
      );
      return t.app.inject({
        method: 'POST',
        url: '/api/reports',
        payload: { clientKey, category: '0505', lon: p.lon, lat: p.lat, description },
        remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      });
    }

    it('a citizen’s key does not swallow a hotline report, and a guessed key reveals nothing', async () => {
      const keyText = `shared-${suffix}`;
      const first = await citizen(keyText, '路口车辆乱停放');
      expect(first.statusCode, first.body).toBe(201);
      const mine = first.json();
      expect(Object.keys(mine).sort()).toEqual(['created', 'deadlineAt', 'id', 'status', 'trackingCode']);
      expect(mine.trackingCode).toMatch(/^[A-Za-z0-9_-]{16}$/);

      // the 12345 hotline's integration uses the same key text: a report of its own
      const hotlineKey = await admin.inject({
        method: 'POST',
        url: '/api/api-keys',
        payload: { name: `12345-${suffix}`, permissions: ['read', 'report'], areaCode: CHANGPING },
      });
      const p = await one<{ lon: number; lat: number }>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents WHERE grid_code LIKE $1 || '%' ORDER BY id LIMIT 1`,
        [CHANGPING],
      );
      const hotline = await t.app.inject({
        method: 'POST',
        url: '/api/incidents',
        headers: { 'x-api-key': hotlineKey.json().key },
        payload: {
          clientKey: keyText,
          category: '0505',
          lon: p.lon,
          lat: p.lat,
          description: '热线来电',
          channel: 'hotline',
        },
      });
      expect(hotline.statusCode, hotline.body).toBe(201);
      expect(hotline.json().id).not.toBe(mine.id);
      expect(hotline.json().description).toBe('热线来电');

      // a second signed-in user's same key is theirs too
      const desk = await (
        await t.as('dispatcher-cp')
      ).inject({
        method: 'POST',
        url: '/api/incidents',
        payload: {
          clientKey: keyText,
          category: '0505',
          lon: p.lon,
          lat: p.lat,
          description: '窗口受理',
          channel: 'desk',
        },
      });
      expect(desk.statusCode, desk.body).toBe(201);

      // someone else trying the citizen's key with another report learns nothing
      const guess = await citizen(keyText, '别的内容');
      expect(guess.statusCode).toBe(409);
      expect(guess.json()).toMatchObject({ code: 'client_key_used' });
      expect(guess.body).not.toContain(String(mine.id));
      expect(guess.body).not.toContain(mine.trackingCode);

      // the citizen's own retry gets the same report back, with nothing more
      const retry = await citizen(keyText, '路口车辆乱停放');
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual({ ...mine, created: false });

      const stored = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM incidents WHERE client_key = $1`,
        [keyText],
      );
      expect(stored.rows[0]!.n).toBe(3);
    });
  });

  describe('dispatch goes through dispatch', () => {
    it('refuses the dispatch transition without a team, and rework goes back to the team that resolved it', async () => {
      const dispatcher = await t.as('dispatcher-cp');
      const p = await one<{ lon: number; lat: number }>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents WHERE grid_code LIKE $1 || '%' ORDER BY id LIMIT 1`,
        [CHANGPING],
      );
      const rep = await dispatcher.inject({
        method: 'POST',
        url: '/api/incidents',
        payload: {
          clientKey: `dd-${suffix}`,
          category: '0505',
          lon: p.lon,
          lat: p.lat,
          description: '派遣测试',
          channel: 'desk',
        },
      });
      const id = rep.json().id as number;
      const step = (c: Client, action: string) =>
        c.inject({ method: 'POST', url: `/api/incidents/${id}/transitions`, payload: { action } });
      expect((await step(dispatcher, 'accept')).statusCode).toBe(200);
      const bare = await step(dispatcher, 'dispatch');
      expect(bare.statusCode).toBe(422);
      expect(bare.json()).toMatchObject({ code: 'dispatch_needs_team' });
      expect(bare.json().message).toContain('POST /api/dispatches');
      expect((await dispatcher.inject(`/api/incidents/${id}`)).json().status).toBe('accepted');

      // the nearest candidate: this file's team standing by at the point
      const standby = await addStandbyTeam(t.db, {
        capability: 'public_security',
        lon: p.lon,
        lat: p.lat,
        homeAreaCode: CHANGPING,
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
      expect((await step(dispatcher, 'resolve')).statusCode).toBe(200);
      const commander = await t.as('commander');
      const fail = await step(commander, 'verify_fail');
      expect(fail.json()).toMatchObject({ status: 'dispatched', reworkCount: 1 });
      const open = await t.db.query<{ team_id: number }>(
        `SELECT team_id FROM dispatches WHERE incident_id = $1 AND status IN ('active', 'on_scene')`,
        [id],
      );
      expect(open.rows.map((r) => Number(r.team_id))).toEqual([Number(team)]);
    });

    it('never leaves an incident dispatched without an open dispatch', async () => {
      // the invariant over everything this file reported (other files may share the database)
      const r = await t.db.query<{ id: number }>(
        `SELECT i.id FROM incidents i
         WHERE i.status IN ('dispatched', 'on_scene') AND i.client_key LIKE '%' || $1
           AND NOT EXISTS (SELECT 1 FROM dispatches d WHERE d.incident_id = i.id AND d.status IN ('active', 'on_scene'))`,
        [suffix],
      );
      expect(r.rows).toEqual([]);
    });
  });
});
