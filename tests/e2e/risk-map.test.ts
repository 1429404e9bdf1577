import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, SHOTS, type App, type AppPage } from './harness.ts';

describe('risk map: layers, search, details and what is around', () => {
  let app: App & AppPage;
  let page: Page;
  let foreign: string[];
  beforeAll(async () => {
    app = await openApp({ user: 'commander', viewport: { width: 1600, height: 1000 } });
    ({ page, foreign } = app);
    await page.waitForFunction(() => window.__riskmap?.mapReady === true, null, { timeout: 90_000 });
  });
  afterAll(async () => {
    await app?.close();
  });

  const layerCount = (id: string) => page.evaluate((l) => window.__riskmap?.layers[l] ?? 0, id);

  const POINT_LAYERS = ['sites', 'components', 'risk_sources', 'cameras', 'teams', 'incidents'];

  it('at city zoom draws one bubble per town and no point layer; a click on a bubble zooms in to the points', async () => {
    const towns = await page.evaluate(() => window.__riskmap?.layers['area-outline-town'] ?? 0);
    expect(towns).toBeGreaterThanOrEqual(33);
    await page.waitForFunction((n) => window.__riskmap?.layers['town-aggregate'] === n, towns, {
      timeout: 60_000,
    });
    const drawn = await page.evaluate(() => window.__riskmap?.layers ?? {});
    for (const layer of POINT_LAYERS) expect(drawn[layer] ?? 0).toBe(0);
    await page.getByTestId('town-aggregate-legend').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(SHOTS, 'risk-map-city.png') });

    // a bubble clear of the side panels, at its town's label point
    const map = page.getByTestId('map');
    const box = (await map.boundingBox())!;
    const target = await page.evaluate(
      async ({ width, height }) => {
        const res = await fetch('/api/areas?level=town&geometry=false');
        const body = (await res.json()) as {
          features: { properties: { labelPoint: [number, number] | null } }[];
        };
        for (const f of body.features) {
          const p = f.properties.labelPoint;
          if (!p) continue;
          const [x, y] = window.__riskmap!.basemap!.project(p[0], p[1]);
          if (x > 420 && x < width - 420 && y > 120 && y < height - 120) return [x, y] as const;
        }
        return null;
      },
      { width: box.width, height: box.height },
    );
    expect(target).not.toBeNull();
    await page.mouse.click(box.x + target![0], box.y + target![1]);
    await page.waitForFunction(() => !window.__riskmap?.layers['town-aggregate'], null, { timeout: 30_000 });
    await page.waitForFunction(() => (window.__riskmap?.layers['sites'] ?? 0) > 0, null, { timeout: 60_000 });
    expect(await page.getByTestId('town-aggregate-legend').count()).toBe(0);
  });

  it('draws the point layers from vector tiles and toggles a layer off and on', async () => {
    await page.waitForFunction(() => (window.__riskmap?.layers['sites'] ?? 0) > 0, null, { timeout: 60_000 });
    const toggle = page.getByTestId('layer-panel').getByRole('checkbox', { name: /重点场所/ });
    await toggle.uncheck();
    await page.waitForFunction(() => !window.__riskmap?.layers['sites'], null, { timeout: 20_000 });
    await toggle.check();
    await page.waitForFunction(() => (window.__riskmap?.layers['sites'] ?? 0) > 0, null, { timeout: 30_000 });
    expect(await layerCount('sites')).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'risk-map-layers.png') });
  });

  it('filters risk sources by level: tiles are asked for level 1 only and fewer points are drawn', async () => {
    await page.waitForFunction(() => (window.__riskmap?.layers['risk_sources'] ?? 0) > 0, null, {
      timeout: 60_000,
    });
    const before = await layerCount('risk_sources');
    await page.getByTestId('filter-toggle-risk_sources').click();
    const level1 = page.waitForRequest((r) => /\/api\/tiles\/risk_sources\/.*level=1/.test(r.url()), {
      timeout: 30_000,
    });
    for (const level of [2, 3, 4]) await page.getByTestId(`filter-risk_sources-level-${level}`).uncheck();
    await level1;
    await expect.poll(() => layerCount('risk_sources'), { timeout: 30_000 }).toBeLessThan(before);
    await page.screenshot({ path: path.join(SHOTS, 'risk-map-filter.png') });
    for (const level of [2, 3, 4]) await page.getByTestId(`filter-risk_sources-level-${level}`).check();
    await expect.poll(() => layerCount('risk_sources'), { timeout: 30_000 }).toBe(before);
  });

  it('searches, flies to the result and shows its details with the area path', async () => {
    await page.getByTestId('search-input').fill('虎门');
    await page.getByTestId('search-results').waitFor({ timeout: 20_000 });
    const first = page.getByTestId('search-result').first();
    await first.click();
    await page.getByTestId('detail-panel').waitFor({ timeout: 20_000 });
    await expect
      .poll(
        () => page.evaluate(() => document.querySelector('[data-testid="detail-panel"]')?.textContent ?? ''),
        { timeout: 20_000 },
      )
      .toMatch(/虎门/);
    await page.screenshot({ path: path.join(SHOTS, 'risk-map-search.png') });
  });

  it('lists what is around a clicked point and highlights it', async () => {
    await page.getByTestId('around-button').click();
    const map = page.getByTestId('map');
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.getByTestId('around-panel').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('around-item').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await layerCount('around-circle')).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'risk-map-around.png') });
    expect(foreign).toEqual([]);
  });
});
