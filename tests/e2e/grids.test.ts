import path from 'node:path';
import { area, booleanPointInPolygon, lineString, point, pointToLineDistance, polygon } from '@turf/turf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, SHOTS, type App, type AppPage } from './harness.ts';

/** 常平社区, the home village of the demo village coordinator changping-sq. */
const VILLAGE = '441900110002';

type Ring = number[][];

/** The point of a polygon farthest from its boundary (sampled), and that distance in metres. */
function deepestPoint(rings: Ring[]): { at: [number, number]; metres: number } {
  const poly = polygon(rings);
  const lines = rings.map((r) => lineString(r));
  const xs = rings[0]!.map((p) => p[0]!);
  const ys = rings[0]!.map((p) => p[1]!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best = { at: [x0, y0] as [number, number], metres: -1 };
  for (let i = 1; i < 40; i++) {
    for (let j = 1; j < 40; j++) {
      const at: [number, number] = [x0 + ((x1 - x0) * i) / 40, y0 + ((y1 - y0) * j) / 40];
      if (!booleanPointInPolygon(point(at), poly)) continue;
      const metres = Math.min(...lines.map((l) => pointToLineDistance(point(at), l, { units: 'meters' })));
      if (metres > best.metres) best = { at, metres };
    }
  }
  return best;
}

/** A square around `c` with half-side `m` metres, as [lon, lat] corners (counter-clockwise). */
function square(c: [number, number], m: number): [number, number][] {
  const dx = m / (111_320 * Math.cos((c[1] * Math.PI) / 180));
  const dy = m / 110_574;
  return [
    [c[0] - dx, c[1] - dy],
    [c[0] + dx, c[1] - dy],
    [c[0] + dx, c[1] + dy],
    [c[0] - dx, c[1] + dy],
  ];
}

/** Clicks the map at a lon/lat (through the editor's projection). */
async function clickAt(page: Page, lonLat: [number, number]): Promise<void> {
  const box = (await page.getByTestId('map').boundingBox())!;
  const [x, y] = await page.evaluate(([lon, lat]) => window.__riskmap!.grids!.project(lon!, lat!), lonLat);
  await page.mouse.click(box.x + x, box.y + y);
}

async function drawPolygon(page: Page, corners: [number, number][]): Promise<void> {
  await page.getByTestId('grid-draw').click();
  for (const c of corners) await clickAt(page, c);
  await page.getByTestId('grid-finish').click();
}

describe('grid editor in Chromium', () => {
  let app: App & AppPage;
  beforeAll(async () => {
    app = await openApp({ user: 'changping-sq', viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a village coordinator deletes a grid, draws one that overlaps (refused, drawn red), then one in the gap, and saves it', async () => {
    const { page, foreign } = app;
    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('grids-link').click();
    await page.getByTestId('grids-panel').waitFor();
    await expect
      .poll(() => page.evaluate(() => window.__riskmap?.grids?.ready && window.__riskmap.grids.gridCount), {
        timeout: 60_000,
      })
      .toBe(5);
    expect(await page.evaluate(() => window.__riskmap!.grids!.parent)).toBe(VILLAGE);
    expect(await page.getByTestId('grids-gap-count').textContent()).toBe('0');

    // delete the 5th grid: its area becomes a gap
    const fifth = `${VILLAGE}005`;
    const fifthGrid = await page.evaluate((code) => fetch(`/api/grids/${code}`).then((r) => r.json()), fifth);
    const fifthM2 = area(fifthGrid.geometry);
    await page.getByTestId(`grid-item-${fifth}`).click();
    await expect.poll(() => page.getByTestId('grid-detail-code').textContent()).toBe(fifth);
    await page.getByTestId('grid-delete').click();
    // the delete is a round trip to the API: give a busy machine time
    await expect
      .poll(() => page.evaluate(() => window.__riskmap!.grids!.gridCount), { timeout: 30_000 })
      .toBe(4);
    await expect
      .poll(() => page.evaluate(() => window.__riskmap!.grids!.gapCount), { timeout: 30_000 })
      .toBeGreaterThan(0);

    const listing = await page.evaluate(
      (v) => fetch(`/api/grids?parent=${v}`).then((r) => r.json()),
      VILLAGE,
    );
    const gap = listing.gaps.features
      .map((f: { geometry: { coordinates: Ring[] } }) => f.geometry.coordinates)
      .map((rings: Ring[]) => ({ rings, deep: deepestPoint(rings) }))
      .sort(
        (a: { deep: { metres: number } }, b: { deep: { metres: number } }) => b.deep.metres - a.deep.metres,
      )[0];
    expect(gap.deep.metres).toBeGreaterThan(60);

    // the uncovered figure shown is the server's (the village minus its grids): the deleted grid
    const gapM2 = listing.gaps.features.reduce(
      (sum: number, f: { properties: { areaM2: number } }) => sum + f.properties.areaM2,
      0,
    );
    expect(Math.abs(gapM2 - fifthM2)).toBeLessThan(0.02 * fifthM2);
    await expect.poll(() => page.getByTestId('grids-gap-area').textContent()).toBe(String(Math.round(gapM2)));

    // a square three times too big reaches into the neighbours: refused, the overlap drawn red
    await drawPolygon(page, square(gap.deep.at, gap.deep.metres * 3));
    await expect
      .poll(() => page.getByTestId('grid-validation').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('errors');
    await page.getByTestId('grid-errors').waitFor();
    const errors = await page.getByTestId('grid-errors').textContent();
    expect(errors).toMatch(/重叠|超出上级边界/);
    // said in Chinese, never the API's English sentence
    expect(errors).not.toMatch(/overlaps|outside the village|not a valid polygon/);
    await page.getByTestId('grid-name').fill('端到端网格');
    expect(await page.getByTestId('grid-save').isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'grids-overlap.png') });

    // undo goes back one edit: the outline is open again
    await page.getByTestId('grid-undo').click();
    await page.getByTestId('grid-finish').waitFor();
    await page.getByTestId('grid-cancel').click();

    // a square well inside the gap passes the checks and is saved
    const small = square(gap.deep.at, gap.deep.metres * 0.5);
    await drawPolygon(page, small);
    await expect
      .poll(() => page.getByTestId('grid-validation').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('ok');
    expect(await page.getByTestId('grid-errors').count()).toBe(0);
    // the rest of the gap is still uncovered: a warning, not a refusal
    await page.getByTestId('grid-warnings').waitFor();
    // what it leaves uncovered, as the server measures it: the gap less the square, not 0
    const leftM2 = Number(await page.getByTestId('grid-warnings-area').textContent());
    const squareM2 = area(polygon([[...small, small[0]!]]));
    expect(leftM2).toBeGreaterThan(0);
    expect(Math.abs(leftM2 - (gapM2 - squareM2))).toBeLessThan(0.02 * gapM2);
    expect(await page.getByTestId('grid-save').isDisabled()).toBe(true); // no name yet
    await page.getByTestId('grid-name').fill('端到端网格');
    await page.getByTestId('grid-save').click();
    await expect
      .poll(() => page.getByTestId('grids-message').textContent(), { timeout: 30_000 })
      .toContain(`${VILLAGE}006`);
    await expect.poll(() => page.evaluate(() => window.__riskmap!.grids!.gridCount)).toBe(5);
    await expect.poll(() => page.getByTestId('grid-detail-code').textContent()).toBe(`${VILLAGE}006`);
    await page.screenshot({ path: path.join(SHOTS, 'grids-saved.png') });

    const saved = await page.evaluate(
      (code) => fetch(`/api/grids/${code}`).then((r) => r.json()),
      `${VILLAGE}006`,
    );
    expect(saved.properties).toMatchObject({ name: '端到端网格', version: 1, change: 'created' });

    // its history, and the deleted one's
    await page.getByTestId('grid-history').click();
    await expect.poll(() => page.getByTestId('grid-history-list').locator('li').count()).toBe(1);
    expect(foreign).toEqual([]);
  });
});
