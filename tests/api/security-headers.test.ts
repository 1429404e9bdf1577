import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../api/app.ts';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { loadConfig, type Config } from '../../api/config.ts';
import { basemapOrigins } from '../../api/plugins/security-headers.ts';
import { openTestApp, signIn, type TestApp } from './template.ts';

/** A Content-Security-Policy header as directive → sources. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(typeof header, `${res.statusCode} ${res.body.slice(0, 200)}`).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

const TILE_SERVER = 'http://10.1.2.3:8080';
const WALL = 'https://wall.example.org:8443';

describe('security headers', () => {
  let t: TestApp;
  let webDir: string;
  /** The same database with the settings of a plain install: nothing may frame /screen. */
  let plain: FastifyInstance;
  beforeAll(async () => {
    webDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-web-'));
    await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>riskmap</title>');
    const basemap: Config['basemap'] = {
      kind: 'raster',
      url: `${TILE_SERVER}/tiles/{z}/{x}/{y}.png`,
      crs: 'wgs84',
      attribution: null,
      maxzoom: 18,
      style: null,
    };
    t = await openTestApp({ webDir, basemap, screenFrameAncestors: [WALL, 'https://*.wall.example.org'] });
    plain = await build({ db: t.db, config: { seed: false, webDir }, logger: false });
    await plain.ready();
  });
  afterAll(async () => {
    await plain.close();
    await t.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('every answer carries the policy, nosniff, a referrer policy and refuses to be framed', async () => {
    const answers = [
      await t.app.inject('/'),
      await t.app.inject('/incidents'),
      await t.app.inject('/api/health'),
      await t.app.inject('/api/areas'), // 401
      await t.app.inject('/api/nothing-here'), // 404
      await t.app.inject('/open311/v2/services.json'),
      await t.app.inject('/ogc'),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 401, 404, 200, 401]);
    for (const res of answers) {
      expect(csp(res).get('frame-ancestors')).toEqual(["'none'"]);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it("allows only this origin, the web app's workers, images and live socket, and the tile server", async () => {
    const policy = csp(await t.app.inject({ url: '/', headers: { host: 'riskmap.example.org' } }));
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('script-src-attr')).toEqual(["'none'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'self'"]);
    expect(policy.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('child-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('font-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:', TILE_SERVER]);
    expect(policy.get('connect-src')).toEqual([
      "'self'",
      'ws://riskmap.example.org',
      'wss://riskmap.example.org',
      TILE_SERVER,
    ]);
    // an intranet install is plain HTTP: upgrading would break every request
    expect(policy.has('upgrade-insecure-requests')).toBe(false);
    // a Host header that is not a host cannot write into the policy
    const forged = csp(
      await t.app.inject({ url: '/', headers: { host: "evil; script-src 'unsafe-inline'" } }),
    );
    expect(forged.get('script-src')).toEqual(["'self'"]);
    expect(forged.get('connect-src')).toContain('ws://localhost');
  });

  it('with the offline basemap nothing outside this origin is allowed', async () => {
    const policy = csp(await plain.inject({ url: '/', headers: { host: 'riskmap.example.org' } }));
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(policy.get('connect-src')).toEqual([
      "'self'",
      'ws://riskmap.example.org',
      'wss://riskmap.example.org',
    ]);
  });

  it('lets the configured video-wall controllers frame /screen, and nothing else', async () => {
    for (const url of ['/screen', '/screen?mode=playback', '/screen/']) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(csp(res).get('frame-ancestors'), url).toEqual([WALL, 'https://*.wall.example.org']);
      expect(res.headers['x-frame-options'], url).toBeUndefined();
    }
    for (const url of ['/', '/screens', '/admin?next=/screen', '/api/screen/summary']) {
      const res = await t.app.inject(url);
      expect(csp(res).get('frame-ancestors'), url).toEqual(["'none'"]);
      expect(res.headers['x-frame-options'], url).toBe('DENY');
    }
    // without RISKMAP_SCREEN_FRAME_ANCESTORS /screen is no different
    const res = await plain.inject('/screen');
    expect(csp(res).get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('lets only the API documentation page use inline styles (Swagger UI adds a <style>), never inline scripts', async () => {
    const viewer = await t.as('viewer');
    const page = await viewer.inject('/api/docs/');
    expect(page.statusCode).toBe(200);
    const policy = csp(page);
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    // no inline script for the policy to refuse: every script is a file of this origin
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = await viewer.inject('/api/docs/static/swagger-initializer.js');
    expect(script.statusCode).toBe(200);
    for (const url of ['/', '/api/docsx', '/api/health?next=/api/docs'])
      expect(csp(await t.app.inject(url)).get('style-src'), url).toEqual(["'self'"]);
  });
});

describe('deployment settings', () => {
  it('allows the servers a vector basemap style names, not only the tile server', () => {
    expect(
      basemapOrigins({
        kind: 'vector',
        url: 'http://10.1.2.3/mvt/{z}/{x}/{y}.pbf',
        crs: 'wgs84',
        attribution: null,
        maxzoom: 18,
        style: {
          version: 8,
          glyphs: 'http://10.1.2.4:8080/fonts/{fontstack}/{range}.pbf',
          sprite: [
            { id: 'default', url: 'https://sprites.example.org/s' },
            { id: 'local', url: '/sprites/s' },
          ],
          sources: {
            roads: { type: 'vector' },
            hills: { type: 'raster', tiles: ['http://10.1.2.5/h/{z}/{x}/{y}.png'] },
          },
          layers: [],
        },
      }),
    ).toEqual(['http://10.1.2.3', 'http://10.1.2.4:8080', 'https://sprites.example.org', 'http://10.1.2.5']);
    expect(basemapOrigins({ kind: 'offline' })).toEqual([]);
  });

  it('listens on this machine only unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('reads RISKMAP_TRUST_PROXY as Fastify trustProxy: off by default', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ RISKMAP_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ RISKMAP_TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(loadConfig({ RISKMAP_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ RISKMAP_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
    ]);
    // a hop count would leave X-Forwarded-Proto unread (Fastify cannot check the peer)
    expect(() => loadConfig({ RISKMAP_TRUST_PROXY: '2' })).toThrow(/RISKMAP_TRUST_PROXY/);
  });

  it('reads RISKMAP_SCREEN_FRAME_ANCESTORS as origins, and refuses anything that is not one', () => {
    expect(loadConfig({}).screenFrameAncestors).toEqual([]);
    expect(
      loadConfig({ RISKMAP_SCREEN_FRAME_ANCESTORS: ' https://wall.example.org  http://10.0.0.9:8000 ' })
        .screenFrameAncestors,
    ).toEqual(['https://wall.example.org', 'http://10.0.0.9:8000']);
    for (const bad of ["https://a.example.org; script-src 'unsafe-inline'", '*', 'javascript:alert(1)']) {
      expect(() => loadConfig({ RISKMAP_SCREEN_FRAME_ANCESTORS: bad }), bad).toThrow(
        /RISKMAP_SCREEN_FRAME_ANCESTORS/,
      );
    }
  });
});

describe('behind a reverse proxy', () => {
  let t: TestApp;
  /** The same database, believing X-Forwarded-* from any peer. */
  let trusting: FastifyInstance;
  /** The same database, believing only a proxy at an address the requests do not come from. */
  let elsewhere: FastifyInstance;
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'maps.example.org' };

  beforeAll(async () => {
    t = await openTestApp();
    trusting = await build({
      db: t.db,
      config: { seed: false, webDir: '/nonexistent', trustProxy: true },
      logger: false,
    });
    elsewhere = await build({
      db: t.db,
      config: { seed: false, webDir: '/nonexistent', trustProxy: ['10.9.9.9'] },
      logger: false,
    });
    await Promise.all([trusting.ready(), elsewhere.ready()]);
  });
  afterAll(async () => {
    await trusting.close();
    await elsewhere.close();
    await t.close();
  });

  const login = (app: FastifyInstance) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: forwarded,
      payload: { username: 'viewer', password: DEFAULT_DEMO_PASSWORD },
    });
  const sessionCookie = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(200);
    const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const cookie = raw.find((c) => c.startsWith('riskmap_session='));
    expect(cookie).toBeDefined();
    return cookie!;
  };

  it('marks the session cookie Secure when a trusted proxy says the client used HTTPS', async () => {
    expect(sessionCookie(await login(trusting))).toMatch(/;\s*Secure/i);
    // the same header from a peer that is not trusted changes nothing
    expect(sessionCookie(await login(t.app))).not.toMatch(/;\s*Secure/i);
    expect(sessionCookie(await login(elsewhere))).not.toMatch(/;\s*Secure/i);
  });

  it('writes OGC API and TileJSON links for the address the client used, only when the proxy is trusted', async () => {
    const links = async (app: FastifyInstance) => {
      const c = await signIn(app, 'viewer', DEFAULT_DEMO_PASSWORD);
      const landing = await c.inject({ url: '/ogc', headers: forwarded });
      expect(landing.statusCode, landing.body).toBe(200);
      const items = await c.inject({ url: '/ogc/collections/sites/items?limit=1', headers: forwarded });
      const tilejson = await c.inject({ url: '/api/tiles/sites.json', headers: forwarded });
      expect(tilejson.statusCode, tilejson.body).toBe(200);
      return [
        ...landing.json().links.map((l: { href: string }) => l.href),
        ...items.json().links.map((l: { href: string }) => l.href),
        ...tilejson.json().tiles,
      ] as string[];
    };
    const trusted = await links(trusting);
    expect(trusted.length).toBeGreaterThan(5);
    for (const href of trusted) expect(href).toMatch(/^https:\/\/maps\.example\.org\/(ogc|api)\b/);
    for (const app of [t.app, elsewhere]) {
      for (const href of await links(app)) expect(href).toMatch(/^http:\/\/localhost:80\/(ogc|api)\b/);
    }
  });
});
