import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, SHOTS, type App, type AppPage } from './harness.ts';

/** 常平镇: roads, villages and grids around this point. */
const CP = { lon: 114.0, lat: 22.98 };
const ROAD_LAYERS = ['road', 'road-casing'];
const PLACE_LAYERS = ['place-town', 'place-village', 'place-grid'];

/** Whether this machine has a Chinese system font (then the no-tofu check proves less). */
function systemHasCjkFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

/** The XYZ tile holding a point. */
function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2) * n),
  };
}

/** Waits until the basemap has drawn features in the layers, and answers them. */
async function rendered(page: Page, layers: string[]) {
  const handle = await page.waitForFunction(
    (ids) => {
      const got = window.__riskmap?.basemap?.renderedFeatures?.(ids);
      return got && got.length > 0 ? got : null;
    },
    layers,
    { timeout: 60_000, polling: 500 },
  );
  return (await handle.jsonValue()) as { layer: string; name: string | null }[];
}

/**
 * How many different shapes the characters of `text` draw as, on a canvas, in the given CSS font
 * family list. Missing glyphs all draw as the same box (tofu), so a font that has them draws as
 * many shapes as there are different characters, and one without draws a single shape.
 */
function distinctShapes(page: Page, text: string, family: string): Promise<number> {
  return page.evaluate(
    async ({ text, family }) => {
      const font = `40px ${family}`;
      await document.fonts.load(font, text);
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 56;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const shapes = new Set<string>();
      for (const ch of new Set(text)) {
        ctx.clearRect(0, 0, 56, 56);
        ctx.font = font;
        ctx.textBaseline = 'top';
        ctx.fillText(ch, 4, 4);
        const alpha = ctx.getImageData(0, 0, 56, 56).data.filter((_, i) => i % 4 === 3);
        shapes.add(Array.from(alpha, (a) => (a > 127 ? '1' : '0')).join(''));
      }
      return shapes.size;
    },
    { text, family },
  );
}

describe('basemap context: roads and names, with the bundled Chinese font', () => {
  let app: App & AppPage;
  let page: Page;
  let foreign: string[];
  let fontRequests: string[];
  beforeAll(async () => {
    app = await openApp({ user: 'commander', viewport: { width: 1440, height: 900 } });
    ({ page, foreign } = app);
    fontRequests = [];
    page.on('request', (r) => {
      if (/\.woff2?(\?|$)/.test(r.url())) fontRequests.push(r.url());
    });
    await page.waitForFunction(() => window.__riskmap?.mapReady === true, null, { timeout: 90_000 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('at city zoom draws the town names and no road yet', async () => {
    await page.evaluate(() => window.__riskmap?.basemap?.jumpTo(113.8, 22.92, 10));
    const towns = await rendered(page, PLACE_LAYERS);
    expect(towns.every((f) => f.layer === 'place-town')).toBe(true);
    expect(towns.length).toBeGreaterThanOrEqual(5);
    expect(
      await page.evaluate((ids) => window.__riskmap?.basemap?.renderedFeatures?.(ids), ROAD_LAYERS),
    ).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'basemap-city-zoom.png') });
  });

  it('at zoom 15 in a town draws the roads and the village and grid names', async () => {
    // Centre on a grid's label point, read from the public tile as any client would.
    const { x, y } = tileOf(CP.lon, CP.lat, 14);
    const res = await fetch(`${app.server.url}/api/tiles/basemap/14/${x}/${y}.mvt`);
    expect(res.status).toBe(200);
    const places = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer()))).layers.place!;
    let grid: [number, number] | null = null;
    for (let i = 0; i < places.length && !grid; i++) {
      const f = places.feature(i);
      const g = f.toGeoJSON(x, y, 14).geometry;
      if (f.properties.level === 'grid' && g.type === 'Point') grid = [g.coordinates[0]!, g.coordinates[1]!];
    }
    expect(grid).not.toBeNull();
    await page.evaluate(([lon, lat]) => window.__riskmap?.basemap?.jumpTo(lon, lat, 15), grid!);

    const roads = await rendered(page, ROAD_LAYERS);
    expect(roads.length).toBeGreaterThan(0);
    const names = await rendered(page, PLACE_LAYERS);
    const layers = new Set(names.map((f) => f.layer));
    expect(layers.has('place-grid') || layers.has('place-village')).toBe(true);
    expect(names.every((f) => typeof f.name === 'string' && f.name.length > 0)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'basemap-zoom15.png') });

    // The labels were drawn with the bundled font's files, served by riskmap itself.
    const mapFonts = await page.evaluate(() =>
      [...document.fonts]
        .filter((f) => f.family.startsWith('maplibre-gl-font-face') && f.status === 'loaded')
        .map((f) => f.family),
    );
    expect(mapFonts.length).toBeGreaterThan(0);
    expect(fontRequests.length).toBeGreaterThan(0);
    for (const u of fontRequests) expect(u.startsWith(app.server.url)).toBe(true);
    expect(foreign).toEqual([]);

    // No tofu: the labels' characters draw as distinct shapes in the fonts the map used, while
    // the system fonts alone (on a machine without Chinese ones) draw them all as one box.
    const text = [...new Set(names.map((f) => f.name ?? '').join(''))].filter((c) =>
      /\p{Script=Han}/u.test(c),
    );
    expect(text.length).toBeGreaterThan(3);
    const family = mapFonts.map((f) => `"${f}"`).join(', ');
    expect(await distinctShapes(page, text.join(''), family)).toBe(text.length);
    if (!systemHasCjkFont()) expect(await distinctShapes(page, text.join(''), 'sans-serif')).toBe(1);
  });

  it('draws the page text in the bundled font where the system has none', async () => {
    const header = await page
      .getByTestId('user-menu')
      .evaluate((el) => el.closest('header')?.textContent ?? '');
    const han = [...new Set(header)].filter((c) => /\p{Script=Han}/u.test(c)).join('');
    expect(han.length).toBeGreaterThan(3);
    expect(await distinctShapes(page, han, '"Noto Sans SC"')).toBe(han.length);
    expect(await page.evaluate((t) => document.fonts.check('14px "Noto Sans SC"', t), han)).toBe(true);
  });

  it('draws roads and names on the dark basemap too', async () => {
    await page.goto(`${app.server.url}/?basemap=dark`);
    await page.waitForFunction(() => window.__riskmap?.mapReady === true, null, { timeout: 90_000 });
    await page.evaluate(() => window.__riskmap?.basemap?.jumpTo(114.0, 22.98, 15));
    expect((await rendered(page, ROAD_LAYERS)).length).toBeGreaterThan(0);
    expect((await rendered(page, PLACE_LAYERS)).length).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'basemap-zoom15-dark.png') });
  });
});
