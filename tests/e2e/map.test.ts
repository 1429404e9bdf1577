import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { openApp, signInThroughForm, SHOTS, type App, type AppPage } from './harness.ts';

describe('the risk map in Chromium', () => {
  let app: App & AppPage;
  beforeAll(async () => {
    // signed out: the sign-in form is part of the test
    app = await openApp({ viewport: { width: 1600, height: 1000 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('signs in, draws Dongguan with its town outlines on an offline map, and switches language', async () => {
    const { page, foreign } = app;
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await signInThroughForm(page, 'commander', DEFAULT_DEMO_PASSWORD);

    await page.waitForFunction(() => window.__riskmap?.mapReady === true, null, { timeout: 90_000 });
    await page.waitForFunction(() => (window.__riskmap?.layers['area-outline-town'] ?? 0) >= 33, null, {
      timeout: 60_000,
    });
    // at city zoom one bubble per town stands for the points: no point layer is drawn
    const towns = await page.evaluate(() => window.__riskmap?.layers['area-outline-town'] ?? 0);
    await page.waitForFunction((n) => window.__riskmap?.layers['town-aggregate'] === n, towns, {
      timeout: 60_000,
    });
    const overview = await page.evaluate(() => window.__riskmap?.layers ?? {});
    for (const layer of ['sites', 'components', 'risk_sources', 'cameras', 'teams', 'incidents'])
      expect(overview[layer] ?? 0).toBe(0);
    // zoomed in, the sample layers arrive for the viewport and the bubbles go
    await page.evaluate(() => window.__riskmap?.basemap?.jumpTo(113.75, 23.0, 12));
    await page.waitForFunction(() => (window.__riskmap?.layers['sites'] ?? 0) > 0, null, { timeout: 60_000 });
    expect(await page.evaluate(() => window.__riskmap?.layers['town-aggregate'] ?? 0)).toBe(0);

    // The canvases are not blank: many distinct colours across the map.
    const colours = await page.evaluate(() => {
      const out = document.createElement('canvas');
      const map = document.querySelector('[data-testid="map"]') as HTMLElement;
      out.width = map.clientWidth;
      out.height = map.clientHeight;
      const ctx = out.getContext('2d')!;
      for (const c of map.querySelectorAll('canvas')) ctx.drawImage(c, 0, 0, out.width, out.height);
      const data = ctx.getImageData(0, 0, out.width, out.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97)
        seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(SHOTS, 'map-zh.png') });

    await page.getByTestId('language-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.evaluate(() => window.__riskmap?.language)).toBe('en');
    await page.screenshot({ path: path.join(SHOTS, 'map-en.png') });

    expect(foreign).toEqual([]);
  });
});
