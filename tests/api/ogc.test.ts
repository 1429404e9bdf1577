import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenWithReadKey, openTestApp, type TestApp } from './template.ts';

const run = promisify(execFile);
/** GDAL (Debian's gdal-bin) reads the API as a real client would; .ci/run installs it. */
const HAVE_GDAL = existsSync('/usr/bin/ogrinfo');

describe('OGC API – Features', () => {
  let t: TestApp;
  let base: string;
  let key: string;
  beforeAll(async () => {
    t = await openTestApp();
    // a key for 常平镇 only: the collections hold what it may see
    ({ base, key } = await listenWithReadKey(t, {
      prefix: '/ogc',
      keyName: 'GIS 桌面',
      areaCode: '441900110',
    }));
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
    // incidents: from the first report in the key's area on, open at the end
    const incidents = cols.collections.find((c: { id: string }) => c.id === 'incidents');
    const first = await t.db.query<{ at: Date }>(
      `SELECT min(reported_at) AS at FROM incidents WHERE coalesce(grid_code, village_code, town_code) LIKE '441900110%'`,
    );
    expect(incidents.extent.temporal.interval).toEqual([[first.rows[0]!.at.toISOString(), null]]);
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
    expect((await get(`${base}/collections/nothing/items`)).status).toBe(404);
  });

  const count = async (table: string, where: string, params: unknown[] = []) =>
    (
      await t.db.query<{ n: number }>(
        `SELECT count(*)::int n FROM ${table} t WHERE t.geom IS NOT NULL
         AND coalesce(t.grid_code, t.village_code, t.town_code) LIKE '441900110%' AND ${where}`,
        params,
      )
    ).rows[0]!.n;
  const items = async (query: string, collection = 'sites') => {
    const res = await get(`${base}/collections/${collection}/items?${query}`);
    return { status: res.status, headers: res.headers, body: await res.json() };
  };

  it('answers the landing page with a trailing slash too, and 404 for unknown collections and features', async () => {
    const slash = await get(`${base}/`);
    expect(slash.status).toBe(200);
    expect(slash.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await slash.json()).links.some((l: { rel: string }) => l.rel === 'conformance')).toBe(true);
    for (const path of [
      '/collections/nothing',
      '/collections/nothing/items',
      '/collections/nothing/items/1',
      '/collections/sites/items/abc',
      '/collections/sites/items/0',
      '/collections/sites/items/-1',
      '/collections/sites/items/1.5',
      '/collections/sites/items/99999999999999999999',
      '/collections/sites/items/9007199254740991',
      '/collections/sites/queryables',
    ]) {
      const res = await get(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect((await res.json()).statusCode, path).toBe(404);
    }
  });

  it('refuses unknown query parameters, naming them', async () => {
    for (const url of [
      `${base}/collections/sites/items?limit=5&colour=red`,
      `${base}/collections?colour=red`,
      `${base}/?colour=red`,
      `${base}/collections/sites/items/1?colour=red`,
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(400);
      expect((await res.json()).message, url).toContain('colour');
    }
  });

  it('caps limit at the maximum and pages by 1,000 by default', async () => {
    const all = await inScope('sites');
    const big = await items('limit=20000');
    expect(big.status).toBe(200);
    expect(big.body.numberReturned).toBe(Math.min(all, 10_000));
    const self = big.body.links.find((l: { rel: string }) => l.rel === 'self').href as string;
    expect(new URL(self).searchParams.get('limit')).toBe('10000');
    const plain = await items('');
    expect(plain.body.numberReturned).toBe(Math.min(all, 1000));
    expect((await items('limit=0')).status).toBe(400);
  });

  it('takes a bbox of 4 or 6 numbers, across the antimeridian, in CRS84 or EPSG:4326', async () => {
    const inBox = (w: number, s: number, e: number, n: number) =>
      count('sites', 't.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)', [w, s, e, n]);
    const box = [113.9, 22.8, 114.1, 23.0] as const;
    const expected = await inBox(...box);
    expect(expected).toBeGreaterThan(0);
    const four = await items(`bbox=${box.join(',')}&limit=10000`);
    expect(four.body.numberMatched).toBe(expected);
    const six = await items(`bbox=${box[0]},${box[1]},-10,${box[2]},${box[3]},100&limit=1`);
    expect(six.body.numberMatched).toBe(expected);
    // latitude first in EPSG:4326
    const latLon = await items(
      `bbox=${box[1]},${box[0]},${box[3]},${box[2]}&bbox-crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/4326')}&limit=1`,
    );
    expect(latLon.body.numberMatched).toBe(expected);
    // 113.9°E eastwards to 170°W: everything east of 113.9 (the city lies inside)
    const across = await items('bbox=113.9,22,-170,24&limit=10000');
    expect(across.status).toBe(200);
    expect(across.body.numberMatched).toBe(await inBox(113.9, 22, 180, 24));
    expect(across.body.features.length).toBe(across.body.numberMatched);
    // 170°E eastwards to 113.9°E: the part west of 113.9
    const west = await items('bbox=170,22,113.9,24&limit=10000');
    expect(west.body.numberMatched).toBe(await inBox(-180, 22, 113.9, 24));
    // paging over both halves gives each feature once
    const ids = new Set<number>();
    for (let offset = 0; offset < across.body.numberMatched; offset += 7) {
      const page = await items(`bbox=113.9,22,-170,24&limit=7&offset=${offset}`);
      for (const f of page.body.features) ids.add(f.id);
    }
    expect(ids.size).toBe(across.body.numberMatched);

    for (const bad of [
      '1,2,3',
      '113,91,114,92',
      '113,-91,114,23',
      '113,23,114,22',
      '190,22,191,23',
      'a,b,c,d',
    ]) {
      const res = await items(`bbox=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.message, bad).toContain('bbox');
    }
    const other = await items(
      `bbox=1,2,3,4&bbox-crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/3857')}`,
    );
    expect(other.status).toBe(400);
    expect(other.body.message).toContain('bbox-crs');
  });

  it('answers in EPSG:4326 (latitude first) when asked, saying the CRS in Content-Crs', async () => {
    const lonLat = await items('limit=1');
    expect(lonLat.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/OGC/1.3/CRS84>');
    const [x, y] = lonLat.body.features[0].geometry.coordinates;
    const latLon = await items(
      `limit=1&crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/4326')}`,
    );
    expect(latLon.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/EPSG/0/4326>');
    expect(latLon.body.features[0].geometry.coordinates).toEqual([y, x]);
    const cols = await (await get(`${base}/collections`)).json();
    for (const c of cols.collections) {
      expect(c.crs).toEqual([
        'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
        'http://www.opengis.net/def/crs/EPSG/0/4326',
      ]);
      expect(c.storageCrs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    }
    expect((await items('crs=EPSG:3857')).status).toBe(400);
  });

  it('filters incidents by a date (the China day), a date-time and open or closed intervals', async () => {
    const day = (
      await t.db.query<{ d: string; at: string }>(
        `SELECT to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') d,
                to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') at
         FROM incidents t WHERE coalesce(t.grid_code, t.village_code, t.town_code) LIKE '441900110%'
           AND t.geom IS NOT NULL ORDER BY reported_at DESC LIMIT 1`,
      )
    ).rows[0]!;
    const onDay = await count(
      'incidents',
      `t.reported_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND t.reported_at < (($1::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`,
      [day.d],
    );
    expect(onDay).toBeGreaterThan(0);
    const inc = (q: string) => items(`${q}&limit=1`, 'incidents');
    expect((await inc(`datetime=${day.d}`)).body.numberMatched).toBe(onDay);
    expect((await inc(`datetime=${day.d}/${day.d}`)).body.numberMatched).toBe(onDay);
    const at = await count('incidents', 't.reported_at = $1::timestamptz', [day.at]);
    expect((await inc(`datetime=${day.at}`)).body.numberMatched).toBe(at);
    // interval ends are included
    const upTo = await count('incidents', 't.reported_at <= $1::timestamptz', [day.at]);
    expect((await inc(`datetime=../${day.at}`)).body.numberMatched).toBe(upTo);
    expect((await inc(`datetime=/${day.at}`)).body.numberMatched).toBe(upTo);
    const from = await count('incidents', 't.reported_at >= $1::timestamptz', [day.at]);
    expect((await inc(`datetime=${day.at}/..`)).body.numberMatched).toBe(from);
    expect(
      (await inc(`datetime=${encodeURIComponent(`${day.d}T00:00:00+08:00`)}/${day.at}`)).body.numberMatched,
    ).toBe(
      await count(
        'incidents',
        `t.reported_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND t.reported_at <= $2::timestamptz`,
        [day.d, day.at],
      ),
    );
    for (const bad of [
      'yesterday',
      '2026-02-30',
      '2026-01-01T10:00:00',
      '../..',
      '2026-02-01/2026-01-01',
      'a/b/c',
    ]) {
      const res = await inc(`datetime=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.message, bad).toContain('datetime');
    }
    // collections without a time take the parameter and are not filtered by it
    expect((await items(`datetime=${day.d}&limit=1`)).body.numberMatched).toBe(await inScope('sites'));
  });

  it('describes itself at /ogc/api with the page size GDAL reads', async () => {
    const landing = await (await get(base)).json();
    const desc = landing.links.find((l: { rel: string }) => l.rel === 'service-desc');
    expect(desc).toMatchObject({ href: `${base}/api`, type: 'application/vnd.oai.openapi+json;version=3.0' });
    const res = await get(desc.href);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json/);
    const doc = await res.json();
    expect(doc.servers[0].url).toBe(base);
    // what GDAL's OAPIF driver (3.8+) does: the items URL less the root URL is a path of the
    // document; its GET parameters' $ref naming "limit" give schema.default and .maximum
    const collections = await (await get(`${base}/collections`)).json();
    for (const c of collections.collections) {
      const itemsUrl = c.links.find((l: { rel: string }) => l.rel === 'items').href as string;
      const path = doc.paths[itemsUrl.slice(base.length)];
      expect(path, itemsUrl).toBeDefined();
      const ref = path.get.parameters.find((p: { $ref?: string }) => p.$ref?.includes('limit'))
        .$ref as string;
      const limit = ref
        .slice(2)
        .split('/')
        .reduce((o: Record<string, unknown>, k: string) => o[k] as Record<string, unknown>, doc);
      expect(limit).toMatchObject({ schema: { default: 1000, maximum: 10000 } });
    }
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

      // GDAL before 3.8 pages by 10 unless told (-oo PAGE_SIZE); 3.8+ reads /ogc/api (above).
      // Told, it copies a collection in a few requests, every feature once.
      const sites = path.join(dir, 'sites.geojson');
      const copy = await run(
        'ogr2ogr',
        [
          '-f',
          'GeoJSON',
          ...config,
          '--config',
          'CPL_CURL_VERBOSE',
          'YES',
          '-oo',
          'PAGE_SIZE=10000',
          sites,
          `OAPIF:${base}`,
          'sites',
        ],
        { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const requests = copy.stderr.match(/^> GET \/ogc\/collections\/sites\/items/gm) ?? [];
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.length).toBeLessThanOrEqual(3);
      const all = JSON.parse(await readFile(sites, 'utf8')) as {
        features: Array<{ properties: { id: number } }>;
      };
      expect(all.features.length).toBe(await inScope('sites'));
      // and a spatial filter goes to the server as bbox
      const spat = await run(
        'ogrinfo',
        ['-ro', '-so', ...config, '-spat', '113.9', '22.8', '114.1', '23.0', `OAPIF:${base}`, 'sites'],
        { timeout: 120_000 },
      );
      expect(Number(/Feature Count: (\d+)/.exec(spat.stdout)?.[1])).toBe(
        await count('sites', 't.geom && ST_MakeEnvelope(113.9, 22.8, 114.1, 23.0, 4326)'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
