import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { wgs84ToGcj02 } from '../../api/lib/chinese-coordinates.ts';
import {
  launchBrowser,
  SHOTS,
  signInThroughForm,
  startServer,
  watchForeignRequests,
  type RunningServer,
} from './harness.ts';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 256 × 256 PNG tile: a pale fill with a darker border, so tiles show on screenshots. */
function tilePng(): Buffer {
  const size = 256;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const edge = x === 0 || y === 0;
      row.set(edge ? [150, 160, 175] : [228, 232, 220], 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A stand-in intranet tile server: any /{z}/{x}/{y}.png gets the tile; it records what was asked. */
async function startTileServer(): Promise<{ origin: string; requests: string[]; close(): Promise<void> }> {
  const png = tilePng();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (/^\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
      res.end(png);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

type Picked = { layer: string; object: { position?: [number, number] } } | null;

function pick(page: Page, x: number, y: number): Promise<Picked> {
  return page.evaluate(([px, py]) => window.__riskmap?.pick?.(px!, py!) ?? null, [x, y]) as Promise<Picked>;
}

describe('an intranet GCJ-02 tile server as basemap', () => {
  let tiles: Awaited<ReturnType<typeof startTileServer>>;
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    tiles = await startTileServer();
    [server, browser] = await Promise.all([
      startServer({
        RISKMAP_BASEMAP_URL: `${tiles.origin}/{z}/{x}/{y}.png`,
        RISKMAP_BASEMAP_CRS: 'gcj02',
        RISKMAP_BASEMAP_ATTRIBUTION: 'test tile server',
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await tiles?.close();
  });

  it('draws the tiles and every data feature at its GCJ-02 position, and reads picks back in WGS84', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const foreign = watchForeignRequests(page, server.url);
    await page.goto(server.url);
    await signInThroughForm(page, 'commander', DEFAULT_DEMO_PASSWORD);
    await page.waitForFunction(() => window.__riskmap?.mapReady === true, null, { timeout: 90_000 });
    expect(await page.evaluate(() => window.__riskmap?.basemap?.crs)).toBe('gcj02');
    expect(await page.evaluate(() => window.__riskmap?.basemap?.choice())).toBe('server');

    // A known site (a point), as stored (WGS84).
    const site = await page.evaluate(async () => {
      const r = await fetch('/api/layers/sites/features?limit=1');
      const fc = (await r.json()) as {
        features: { geometry: { type: string; coordinates: [number, number] } }[];
      };
      return fc.features[0]!.geometry;
    });
    expect(site.type).toBe('Point');
    const [lon, lat] = site.coordinates;

    // Centre the map on it as the app does (WGS84 in) and wait for its tile points.
    await page.evaluate(([x, y]) => window.__riskmap?.basemap?.jumpTo(x!, y!, 16.5), [lon, lat]);
    const box = await page.getByTestId('map').boundingBox();
    const cx = box!.width / 2;
    const cy = box!.height / 2;
    await expect
      .poll(async () => (await pick(page, cx, cy))?.layer ?? null, { timeout: 60_000, interval: 500 })
      .toBe('sites');

    // Drawn where the GCJ-02 formula puts it on the basemap, and picked as the stored point.
    const gcj = wgs84ToGcj02([lon, lat]);
    const drawnAt = await page.evaluate(([x, y]) => window.__riskmap!.basemap!.projectDisplay(x!, y!), gcj);
    expect(Math.abs(drawnAt[0] - cx)).toBeLessThan(1.5);
    expect(Math.abs(drawnAt[1] - cy)).toBeLessThan(1.5);
    const picked = await pick(page, cx, cy);
    expect(Math.abs(picked!.object.position![0] - lon)).toBeLessThan(2e-5);
    expect(Math.abs(picked!.object.position![1] - lat)).toBeLessThan(2e-5);

    // Not where the unshifted coordinates would fall on the GCJ-02 basemap (some 500 m away).
    const unshifted = await page.evaluate(
      ([x, y]) => window.__riskmap!.basemap!.projectDisplay(x!, y!),
      [lon, lat],
    );
    expect(Math.hypot(unshifted[0] - cx, unshifted[1] - cy)).toBeGreaterThan(100);
    const there = await pick(page, unshifted[0], unshifted[1]);
    const sameSite =
      there?.layer === 'sites' &&
      Math.abs((there.object.position?.[0] ?? 0) - lon) < 2e-5 &&
      Math.abs((there.object.position?.[1] ?? 0) - lat) < 2e-5;
    expect(sameSite).toBe(false);

    // A position read off the map (a click) is the stored one again.
    const read = await page.evaluate(([x, y]) => window.__riskmap!.basemap!.unproject(x!, y!), [cx, cy]);
    expect(Math.abs(read[0] - lon)).toBeLessThan(1e-6);
    expect(Math.abs(read[1] - lat)).toBeLessThan(1e-6);

    await page.screenshot({ path: path.join(SHOTS, 'basemap-gcj02.png') });

    // The tile server was asked for tiles, and nothing else outside the app was.
    const tileRequests = tiles.requests.filter((u) => /^\/\d+\/\d+\/\d+\.png$/.test(u));
    expect(tileRequests.length).toBeGreaterThan(0);
    // 256-px tiles: at map zoom 16.5 MapLibre asks for tile zoom 17 (up to the server's 18)
    expect(tileRequests.some((u) => Number(u.split('/')[1]) >= 17)).toBe(true);
    expect(foreign.length).toBeGreaterThan(0);
    expect(foreign.filter((u) => !u.startsWith(`${tiles.origin}/`))).toEqual([]);

    // The offline basemap stays selectable: the site is then drawn at its WGS84 position.
    await page.getByTestId('basemap-switch').click();
    await page.waitForFunction(() => window.__riskmap?.basemap?.choice() === 'offline');
    await expect
      .poll(
        async () => {
          const at = await page.evaluate(
            ([x, y]) => window.__riskmap!.basemap!.projectDisplay(x!, y!),
            [lon, lat],
          );
          return (await pick(page, at[0], at[1]))?.layer ?? null;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('sites');
    await context.close();
  });
});
