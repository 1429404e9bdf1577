import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type Client, type TestApp } from './template.ts';

const run = promisify(execFile);
/** GDAL (Debian's gdal-bin, installed by .ci/run) reads tiles over HTTP as a GIS would. */
const HAVE_GDAL = existsSync('/usr/bin/ogrinfo');

/** The z/x/y of the web-mercator tile holding a point. */
function tileAt(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}

describe('compression of tiles and JSON, with entity tags that stay valid', () => {
  let t: TestApp;
  let c: Client;
  let tileUrl: string;
  beforeAll(async () => {
    t = await openTestApp();
    c = await t.as('commander');
    // a tile big enough to be worth compressing: the area outlines around a component
    const p = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(geom) lon, ST_Y(geom) lat FROM components WHERE geom IS NOT NULL ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    for (const z of [12, 13, 11, 10]) {
      const { x, y } = tileAt(p.lon, p.lat, z);
      const url = `/api/tiles/areas/${z}/${x}/${y}.mvt`;
      const res = await c.inject(url);
      if (res.statusCode === 200 && res.rawPayload.length > 4096) {
        tileUrl = url;
        break;
      }
    }
    expect(tileUrl).toBeDefined();
  });
  afterAll(() => t.close());

  it('compresses a vector tile with gzip or brotli, the ETag naming the coding', async () => {
    const plain = await c.inject(tileUrl);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const etag = plain.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);

    const gz = await c.inject({ url: tileUrl, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(gunzipSync(gz.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(gz.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    expect(gz.headers.etag).toBe(`${etag.slice(0, -1)}-gzip"`);
    expect(String(gz.headers.vary)).toMatch(/accept-encoding/i);

    const br = await c.inject({ url: tileUrl, headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(br.headers.etag).toBe(`${etag.slice(0, -1)}-br"`);
  });

  it('revalidates with the tag the client holds, compressed or not', async () => {
    const plain = await c.inject(tileUrl);
    const etag = plain.headers.etag as string;
    const gzTag = `${etag.slice(0, -1)}-gzip"`;

    const again = await c.inject({
      url: tileUrl,
      headers: { 'accept-encoding': 'gzip', 'if-none-match': gzTag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect(again.headers.etag).toBe(gzTag);

    const plainAgain = await c.inject({ url: tileUrl, headers: { 'if-none-match': etag } });
    expect(plainAgain.statusCode).toBe(304);
    expect(plainAgain.headers.etag).toBe(etag);

    const list = await c.inject({ url: tileUrl, headers: { 'if-none-match': `"stale", W/${etag}` } });
    expect(list.statusCode).toBe(304);

    const stale = await c.inject({
      url: tileUrl,
      headers: { 'accept-encoding': 'gzip', 'if-none-match': '"stale-gzip"' },
    });
    expect(stale.statusCode).toBe(200);
    expect(gunzipSync(stale.rawPayload).equals(plain.rawPayload)).toBe(true);
  });

  it('compresses JSON, GeoJSON and Open311 XML answers, not small ones', async () => {
    const url = '/ogc/collections/sites/items?limit=300';
    const plain = await c.inject(url);
    const br = await c.inject({ url, headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^application\/geo\+json/);
    const body = JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'));
    expect(body.features).toEqual(plain.json().features);

    const cats = await c.inject({ url: '/api/categories', headers: { 'accept-encoding': 'gzip' } });
    expect(cats.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(cats.rawPayload).toString('utf8')).length).toBeGreaterThan(0);

    const xml = await t.app.inject({
      url: '/open311/v2/services.xml',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(xml.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(xml.rawPayload).toString('utf8')).toMatch(/^<\?xml/);

    const small = await t.app.inject({ url: '/api/health', headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toBeTruthy();
  });
  it.skipIf(!HAVE_GDAL)(
    'is read by GDAL’s MVT driver over HTTP with every feature, in the coding it asks for',
    async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (t.app.server.address() as { port: number }).port;
      const admin = await t.as('admin');
      const key = (
        await admin.inject({
          method: 'POST',
          url: '/api/api-keys',
          payload: { name: 'GDAL tiles', permissions: ['read'], areaCode: '441900' },
        })
      ).json().key as string;
      const plain = await admin.inject(tileUrl);
      const vt = new VectorTile(new PbfReader(new Uint8Array(plain.rawPayload)));
      const expected = Object.fromEntries(
        Object.entries(vt.layers).map(([name, layer]) => [name, layer.length]),
      );
      const info = await run(
        'ogrinfo',
        [
          '-ro',
          '-so',
          '-al',
          '--config',
          'GDAL_HTTP_HEADERS',
          `X-API-Key: ${key}`,
          '--config',
          'CPL_CURL_VERBOSE',
          'YES',
          `/vsicurl/http://127.0.0.1:${port}${tileUrl}`,
        ],
        { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      );
      // /vsicurl reads byte ranges, so it asks for no coding and gets the tile as it is
      expect(info.stderr).toMatch(/^> GET \/api\/tiles\//m);
      expect(info.stderr).not.toMatch(/^< content-encoding/im);
      const counts = Object.fromEntries(
        [...info.stdout.matchAll(/^Layer name: (\S+)[\s\S]*?^Feature Count: (\d+)/gm)].map((m) => [
          m[1],
          Number(m[2]),
        ]),
      );
      expect(counts).toEqual(expected);
    },
  );
});
