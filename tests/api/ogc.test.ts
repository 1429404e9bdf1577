import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

const run = promisify(execFile);
/** GDAL (Debian's gdal-bin) reads the API as a real client would; .ci/run installs it. */
const HAVE_GDAL = existsSync('/usr/bin/ogrinfo');

describe('OGC API – Features', () => {
  let t: TestApp;
  let base: string;
  let key: string;
  beforeAll(async () => {
    t = await openTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}/ogc`;
    const admin = await t.as('admin');
    // a key for 常平镇 only: the collections hold what it may see
    key = (
      await admin.inject({
        method: 'POST',
        url: '/api/api-keys',
        payload: { name: 'GIS 桌面', permissions: ['read'], areaCode: '441900110' },
      })
    ).json().key;
  });
  afterAll(() => t.close());

  const get = (url: string) => fetch(url, { headers: { 'x-api-key': key } });
  const inScope = async (table: string) =>
    (
      await t.db.query<{ n: number }>(
        `SELECT count(*)::int n FROM ${table} t WHERE t.geom IS NOT NULL
         AND coalesce(t.grid_code, t.village_code, t.town_code) LIKE '441900110%'`,
      )
    ).rows[0]!.n;

  it('has a landing page, conformance and the collections', async () => {
    const landing = await (await get(base)).json();
    expect(landing.links.map((l: { rel: string }) => l.rel)).toEqual(
      expect.arrayContaining(['self', 'conformance', 'data', 'service-desc']),
    );
    const conf = await (await get(`${base}/conformance`)).json();
    expect(conf.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core');
    const cols = await (await get(`${base}/collections`)).json();
    expect(cols.collections.map((c: { id: string }) => c.id)).toEqual([
      'sites',
      'components',
      'risk_sources',
      'cameras',
      'teams',
      'incidents',
    ]);
    const sites = cols.collections.find((c: { id: string }) => c.id === 'sites');
    expect(sites.extent.spatial.bbox[0][0]).toBeGreaterThan(113.5);
    expect((await fetch(`${base}/collections`)).status).toBe(401);
  });

  it('pages items with next links, filters by bbox and datetime, and serves one feature', async () => {
    const first = await get(`${base}/collections/sites/items?limit=10`);
    expect(first.headers.get('content-type')).toMatch(/application\/geo\+json/);
    const page = await first.json();
    expect(page.numberMatched).toBe(await inScope('sites'));
    expect(page.numberReturned).toBe(10);
    const next = page.links.find((l: { rel: string }) => l.rel === 'next').href as string;
    expect(next).toContain('offset=10');
    const second = await (await get(next)).json();
    expect(second.features[0].id).toBeGreaterThan(page.features[9].id);
    const [x, y] = page.features[0].geometry.coordinates as [number, number];
    const box = await (
      await get(`${base}/collections/sites/items?bbox=${x - 0.001},${y - 0.001},${x + 0.001},${y + 0.001}`)
    ).json();
    expect(box.features.map((f: { id: number }) => f.id)).toContain(page.features[0].id);
    const one = await (await get(`${base}/collections/sites/items/${page.features[0].id}`)).json();
    expect(one).toMatchObject({ type: 'Feature', id: page.features[0].id });
    const future = await (
      await get(`${base}/collections/incidents/items?datetime=2100-01-01T00:00:00Z/..`)
    ).json();
    expect(future.numberMatched).toBe(0);
    expect((await get(`${base}/collections/incidents/items?datetime=yesterday`)).status).toBe(400);
    expect((await get(`${base}/collections/sites/items?bbox=1,2,3`)).status).toBe(400);
    expect((await get(`${base}/collections/nothing/items`)).status).toBe(400);
  });

  it.skipIf(!HAVE_GDAL)('is read by GDAL’s OAPIF driver with the right feature counts', async () => {
    const config = ['--config', 'GDAL_HTTP_HEADERS', `X-API-Key: ${key}`];
    const info = await run('ogrinfo', ['-ro', '-so', ...config, `OAPIF:${base}`, 'risk_sources'], {
      timeout: 120_000,
    });
    expect(Number(/Feature Count: (\d+)/.exec(info.stdout)?.[1])).toBe(await inScope('risk_sources'));
    // and copies a layer, page by page, to a GeoJSON file with every feature
    const dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-ogc-'));
    try {
      const out = path.join(dir, 'teams.geojson');
      await run('ogr2ogr', ['-f', 'GeoJSON', ...config, out, `OAPIF:${base}`, 'teams'], { timeout: 120_000 });
      const copied = JSON.parse(await readFile(out, 'utf8')) as { features: unknown[] };
      const teams = await t.db.query<{ n: number }>(
        `SELECT count(*)::int n FROM teams t WHERE t.geom IS NOT NULL AND t.home_area_code LIKE '441900110%'`,
      );
      expect(copied.features.length).toBe(teams.rows[0]!.n);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
