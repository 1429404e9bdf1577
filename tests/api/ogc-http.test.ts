import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import { openTestApp, type TestApp } from './template.ts';

const ORIGIN = 'https://gis.example.org';

/**
 * What a browser or a GIS client meets around the standard interfaces: unknown paths answer in
 * the interface's format (never the web app's page), and pages on the origins in
 * RISKMAP_CORS_ORIGINS may read /ogc, /api/tiles and /open311 (with preflight), nothing else.
 */
describe('paths and cross-origin reads of the standard interfaces', () => {
  let t: TestApp;
  let webDir: string;
  let key: string;
  beforeAll(async () => {
    webDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-web-'));
    await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>风险一张图</title>');
    t = await openTestApp({ webDir, corsOrigins: [ORIGIN] });
    const admin = await t.as('admin');
    key = (
      await admin.inject({
        method: 'POST',
        url: '/api/api-keys',
        payload: { name: 'web GIS', permissions: ['read'], areaCode: '441900' },
      })
    ).json().key;
  });
  afterAll(async () => {
    await t.close();
    await rm(webDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { 'x-api-key': key, ...headers } });

  it('answers the OGC landing page with or without the slash, as JSON', async () => {
    for (const url of ['/ogc', '/ogc/']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^application\/json/);
    }
  });

  it('answers unknown paths under /ogc, /api and /open311 with a 404 in JSON (or Open311 XML), never the page', async () => {
    for (const url of [
      '/ogc/nothing',
      '/ogc/collections/sites/items/1/more',
      '/api/nothing',
      '/api/tiles/x',
    ]) {
      for (const headers of [{}, { accept: 'text/html' }] as Array<Record<string, string>>) {
        const res = await get(url, headers);
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type'], url).toMatch(/^application\/json/);
        expect(res.json().message, url).toContain(url);
      }
    }
    const o311 = await get('/open311/nothing');
    expect(o311.statusCode).toBe(404);
    expect(o311.json()).toEqual([{ code: 404, description: 'no route GET /open311/nothing' }]);
    const xml = await get('/open311/v2/nothing.xml');
    expect(xml.statusCode).toBe(404);
    expect(xml.body).toContain('<errors><error><code>404</code>');
  });

  it('serves the web app only at its page paths', async () => {
    for (const url of [
      '/',
      '/admin',
      '/incidents',
      '/incidents/12',
      '/grids/',
      '/report?site=3',
      '/screen',
    ]) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('风险一张图');
    }
    for (const url of ['/nothing', '/admin/x', '/incidents/abc', '/favicon.ico', '/ogcx']) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('风险一张图');
    }
  });

  it('answers preflights for the open interfaces from the configured origins', async () => {
    for (const [url, method] of [
      ['/ogc/collections', 'GET'],
      ['/api/tiles/sites/12/3340/1784.mvt', 'GET'],
      ['/api/tiles/sites.json', 'GET'],
      ['/open311/v2/requests.json', 'POST'],
    ] as const) {
      const res = await t.app.inject({
        method: 'OPTIONS',
        url,
        headers: {
          origin: ORIGIN,
          'access-control-request-method': method,
          'access-control-request-headers': 'x-api-key, content-type',
        },
      });
      expect(res.statusCode, url).toBe(204);
      expect(res.headers['access-control-allow-origin'], url).toBe(ORIGIN);
      expect(String(res.headers['access-control-allow-methods']), url).toContain(method);
      expect(String(res.headers['access-control-allow-headers']).toLowerCase(), url).toContain('x-api-key');
      expect(res.headers['access-control-allow-credentials'], url).toBeUndefined();
    }
    // not for the rest of the API, nor for other origins
    const internal = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/incidents',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(internal.headers['access-control-allow-origin']).toBeUndefined();
    expect(internal.statusCode).toBe(404);
    const other = await t.app.inject({
      method: 'OPTIONS',
      url: '/ogc/collections',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the configured origins read answers and refusals, exposing ETag and Content-Crs', async () => {
    const items = await get('/ogc/collections/sites/items?limit=1', { origin: ORIGIN });
    expect(items.statusCode).toBe(200);
    expect(items.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(items.headers.vary)).toMatch(/origin/i);
    expect(String(items.headers['access-control-expose-headers'])).toMatch(/content-crs/i);
    // a page elsewhere can tell a missing key from a broken server
    const refused = await t.app.inject({ url: '/ogc/collections', headers: { origin: ORIGIN } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(ORIGIN);
    const tile = await get('/api/tiles/sites/12/3340/1784.mvt', { origin: ORIGIN });
    expect(tile.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(tile.headers['access-control-expose-headers'])).toMatch(/etag/i);
    const services = await t.app.inject({ url: '/open311/v2/services.json', headers: { origin: ORIGIN } });
    expect(services.headers['access-control-allow-origin']).toBe(ORIGIN);

    // the rest of the API and the pages stay same-origin, their security headers unchanged
    const internal = await get('/api/categories', { origin: ORIGIN });
    expect(internal.headers['access-control-allow-origin']).toBeUndefined();
    const page = await t.app.inject({ url: '/', headers: { origin: ORIGIN } });
    const pagePlain = await t.app.inject('/');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.headers['content-security-policy']).toBe(pagePlain.headers['content-security-policy']);
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    const other = await get('/ogc/collections', { origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reads RISKMAP_CORS_ORIGINS: off by default, origins or *, and refuses anything else', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(
      loadConfig({ RISKMAP_CORS_ORIGINS: 'https://a.example, http://10.1.2.3:8080' }).corsOrigins,
    ).toEqual(['https://a.example', 'http://10.1.2.3:8080']);
    expect(loadConfig({ RISKMAP_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    for (const bad of ['https://a.example/path', 'a.example', '* https://a.example', "'self'"]) {
      expect(() => loadConfig({ RISKMAP_CORS_ORIGINS: bad }), bad).toThrow(/RISKMAP_CORS_ORIGINS/);
    }
  });
});
