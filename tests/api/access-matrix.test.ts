import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_PASSWORD, DEMO_USERS } from '../../api/auth/bootstrap.ts';
import { sha256 } from '../../api/plugins/auth.ts';
import { ROLE_PERMISSIONS, type Permission } from '../../api/auth/permissions.ts';
import { openTestApp, signIn, type Client, type TestApp } from './template.ts';

/** The routes anyone may call without signing in. Adding one here is a decision. */
const PUBLIC_ROUTES = [
  'GET /api/health',
  'HEAD /api/health',
  'POST /api/auth/login',
  'GET /api/categories',
  'HEAD /api/categories',
  'POST /api/reports',
  // a citizen follows a report and rates it with its tracking code, without an account
  'GET /api/reports/track',
  'HEAD /api/reports/track',
  'POST /api/reports/rating',
  'GET /api/basemap/:name',
  'HEAD /api/basemap/:name',
  'GET /api/basemap-settings',
  'HEAD /api/basemap-settings',
  'GET /api/basemap-settings/style',
  'HEAD /api/basemap-settings/style',
  'GET /api/tiles/basemap/:z/:x/:y.mvt',
  'HEAD /api/tiles/basemap/:z/:x/:y.mvt',
  'GET /open311/v2/services.:format',
  'HEAD /open311/v2/services.:format',
  'GET /open311/v2/services/:code.:format',
  'HEAD /open311/v2/services/:code.:format',
  'POST /open311/v2/requests.:format',
  // GeoReport v2 service discovery: what a 311 client reads before it has a key
  'GET /open311/discovery.:format',
  'HEAD /open311/discovery.:format',
  'GET /open311/v2/discovery.:format',
  'HEAD /open311/v2/discovery.:format',
];

const CHANGPING = '441900110';
const HUMEN = '441900121';

describe('access control', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  it('answers 401 without a session on every route except the public ones (discovered from the app)', async () => {
    const routes = t.app.routeAccess;
    expect(routes.length).toBeGreaterThan(15);
    const publicOnes = routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    expect(publicOnes.sort()).toEqual([...PUBLIC_ROUTES].sort());
    for (const r of routes) {
      if (r.access === 'public' || r.method === 'HEAD') continue;
      const url = r.url
        .replace(/:code/g, CHANGPING)
        .replace(/:layer/g, 'sites')
        .replace(/:[a-z]+/gi, '1')
        .replace('*', 'x');
      const res = await t.app.inject({
        method: r.method as 'GET',
        url,
        payload: r.method === 'GET' ? undefined : {},
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      const body = res.json();
      expect(body.message ?? body[0]?.description, `${r.method} ${r.url}`).toMatch(/sign in/);
    }
  });

  it('refuses a forged or expired session cookie', async () => {
    const res = await t.app.inject({ url: '/api/layers', headers: { cookie: 'riskmap_session=forged' } });
    expect(res.statusCode).toBe(401);
    // a session of its own, so the other cases' sessions stay live
    const c = await signIn(t.app, 'viewer', DEFAULT_DEMO_PASSWORD);
    const hash = sha256(c.cookie.split('=')[1]!);
    await t.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      hash,
    ]);
    expect((await c.inject('/api/layers')).statusCode).toBe(401);
  });

  /** A team (grid worker) inside an area: teams exist in every grid of the sample. */
  async function teamIn(prefix: string): Promise<number> {
    const r = await t.db.query<{ id: number }>(
      `SELECT id FROM teams WHERE home_area_code LIKE $1 || '%' AND geom IS NOT NULL ORDER BY id LIMIT 1`,
      [prefix],
    );
    return r.rows[0]!.id;
  }

  const users = [{ username: 'admin', role: 'admin' as const, homeAreaCode: '441900' }, ...DEMO_USERS];

  describe.each(users)('$username ($role, home $homeAreaCode)', ({ username, role, homeAreaCode }) => {
    let c: Client;
    const cityWide = homeAreaCode === '441900';
    const may = (p: Permission) => ROLE_PERMISSIONS[role].includes(p);
    // Outside = a town that is not (part of) the user's home area.
    const outsideTown = homeAreaCode.startsWith(HUMEN) ? CHANGPING : HUMEN;
    beforeAll(async () => {
      c = await t.as(username);
    });

    it('reads areas inside its scope; outside it they answer as missing ones', async () => {
      expect((await c.inject(`/api/areas/${homeAreaCode}`)).statusCode).toBe(200);
      const out = await c.inject(`/api/areas/${outsideTown}`);
      expect(out.statusCode).toBe(cityWide ? 200 : 404);
      if (!cityWide) expect(out.json().message).toBe(`no current area with code ${outsideTown}`);
      // the city itself is an ancestor of every scope: shown for context
      expect((await c.inject('/api/areas/441900')).statusCode).toBe(200);
    });

    it('reads features inside its scope; outside it they answer as missing ones', async () => {
      const inside = await teamIn(homeAreaCode.length > 6 ? homeAreaCode : CHANGPING);
      const outside = await teamIn(outsideTown);
      expect((await c.inject(`/api/layers/teams/features/${inside}`)).statusCode).toBe(200);
      expect((await c.inject(`/api/layers/teams/features/${outside}`)).statusCode).toBe(cityWide ? 200 : 404);
    });

    it('lists only features and areas inside its scope', async () => {
      const fc = (await c.inject('/api/layers/teams/features?limit=20000')).json();
      expect(fc.features.length).toBeGreaterThan(0);
      const homes: string[] = fc.features.map(
        (f: { properties: { homeAreaCode: string } }) => f.properties.homeAreaCode,
      );
      expect(homes.every((h) => cityWide || h.startsWith(homeAreaCode))).toBe(true);
      // with a bbox too: the scope and the box share one parameter list
      const boxed = await c.inject('/api/layers/teams/features?bbox=113.5,22.6,114.3,23.2&limit=20000');
      expect(boxed.statusCode).toBe(200);
      // the sample city's teams (other files on a shared database add and remove teams of their own meanwhile)
      const sample = new Set(
        (await t.db.query<{ id: string }>('SELECT id FROM teams WHERE synthetic')).rows.map((r) =>
          Number(r.id),
        ),
      );
      const sampleIds = (list: Array<{ id: number }>) =>
        list
          .map((f) => Number(f.id))
          .filter((id) => sample.has(id))
          .sort((a, b) => a - b);
      expect(sampleIds(boxed.json().features)).toEqual(sampleIds(fc.features));
      expect(sampleIds(fc.features).length).toBeGreaterThan(0);
      const foreign = (await c.inject(`/api/layers/sites/features?town=${outsideTown}&limit=20000`)).json();
      expect(foreign.features.length > 0).toBe(cityWide);
      const towns = (await c.inject('/api/areas?level=town&geometry=false')).json().features;
      expect(towns.length).toBe(cityWide ? 36 : 1);
      const counts = (await c.inject('/api/layers')).json();
      const all = (await (await t.as('commander')).inject('/api/layers')).json();
      expect(counts[0].count <= all[0].count).toBe(true);
      if (!cityWide) expect(counts[0].count).toBeLessThan(all[0].count);
    });

    it('manages users, API keys and the audit log only when the role table says so', async () => {
      const expected = may('manage_users') ? 200 : 403;
      for (const url of ['/api/users', '/api/api-keys', '/api/audit']) {
        const res = await c.inject(url);
        expect(res.statusCode, url).toBe(expected);
        if (expected === 403) expect(res.json().message).toMatch(/may not manage users/);
      }
      const create = await c.inject({
        method: 'POST',
        url: '/api/users',
        payload: {
          username: `made-by-${username}`,
          displayName: 'x',
          role: 'viewer',
          homeAreaCode,
          password: 'Coordinator-grant-19',
        },
      });
      expect(create.statusCode).toBe(may('manage_users') ? 201 : 403);
    });
  });

  it('lets an explicit grant open a neighbouring town to a town coordinator', async () => {
    const admin = await t.as('admin');
    // a coordinator of its own: on a shared server database, other files use `humen`
    const username = `humen-grant-${Date.now() % 1_000_000}`;
    const created = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: {
        username,
        displayName: '虎门镇 统筹员',
        role: 'town_coordinator',
        homeAreaCode: HUMEN,
        password: 'Coordinator-grant-19',
      },
    });
    expect(created.statusCode).toBe(201);
    const coordinator = await signIn(t.app, username, 'Coordinator-grant-19');
    expect((await coordinator.inject(`/api/areas/${CHANGPING}`)).statusCode).toBe(404);
    const res = await admin.inject({
      method: 'PATCH',
      url: `/api/users/${created.json().id}`,
      payload: { grants: [CHANGPING] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().grants).toEqual([CHANGPING]);
    // grants are read per request: the same session now reaches 常平镇
    expect((await coordinator.inject(`/api/areas/${CHANGPING}`)).statusCode).toBe(200);
  });
});
