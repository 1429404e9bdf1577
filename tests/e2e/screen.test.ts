import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, SHOTS, watchForeignRequests, type App, type AppPage } from './harness.ts';

/** 燃气管道破裂 (ruptured gas pipe): default priority 1. */
const LEVEL1_CATEGORY = '0403';

/** A point in 常平镇 (441900110). */
const CHANGPING = { lon: 114.0012, lat: 22.9795 };

/** Reports an incident through the API with the page's session (cookie + CSRF token). */
async function reportIncident(
  page: Page,
  description: string,
): Promise<{ status: number; id: number; priority: number }> {
  return page.evaluate(
    async ({ category, lon, lat, description }) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const r = await fetch('/api/incidents', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({
          clientKey: `e2e-screen-${Date.now()}-${Math.random().toString(36).slice(2)}`,
          category,
          lon,
          lat,
          description,
          channel: 'patrol',
        }),
      });
      const body = (await r.json()) as { id: number; priority: number };
      return { status: r.status, id: body.id, priority: body.priority };
    },
    { category: LEVEL1_CATEGORY, lon: CHANGPING.lon, lat: CHANGPING.lat, description },
  );
}

/** The page has no scrollbars: nothing overflows the viewport. */
async function overflow(page: Page) {
  return page.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    innerHeight: window.innerHeight,
    innerWidth: window.innerWidth,
  }));
}

function digits(text: string | null): number {
  return Number((text ?? '').replace(/[^0-9]/g, ''));
}

describe('the command-centre screen in Chromium: KPIs, live alarm, reconnect, playback', () => {
  let app: App & AppPage;
  beforeAll(async () => {
    app = await openApp({ user: 'commander', viewport: { width: 1920, height: 1080 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the figures, raises the alarm for a new level-1 incident and resumes after a drop', async () => {
    const { context, page, foreign, server } = app;

    // ---- the queue in a second tab follows the stream too
    const queuePage = await context.newPage();
    const queueForeign = watchForeignRequests(queuePage, server.url);
    await queuePage.goto(`${server.url}/incidents`);
    await queuePage.getByTestId('queue-counts').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => queuePage.getByTestId('live-indicator').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('open');
    const queueTotalBefore = digits(await queuePage.getByTestId('queue-total').textContent());

    // ---- the screen, from the header link
    await page.bringToFront();
    await page.getByTestId('screen-link').click();
    await page.getByTestId('screen').waitFor();
    await expect
      .poll(() => page.evaluate(() => window.__riskmap?.screen?.ready === true), { timeout: 60_000 })
      .toBe(true);
    await expect
      .poll(() => page.getByTestId('live-indicator').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('open');

    // KPI charts are ECharts canvases
    for (const id of [
      'chart-by-category',
      'chart-by-status',
      'chart-on-time',
      'chart-teams',
      'chart-risk',
      'chart-towns',
    ]) {
      await page.locator(`[data-testid="${id}"] canvas`).first().waitFor({ timeout: 15_000 });
    }
    // the numbers are the summary's
    const summary = await page.evaluate(async () => {
      const r = await fetch('/api/screen/summary');
      return (await r.json()) as {
        today: { total: number };
        openTotal: number;
        overdueTotal: number;
        riskSources: { level: number; n: number }[];
      };
    });
    expect(summary.openTotal).toBeGreaterThan(0);
    expect(summary.riskSources.length).toBeGreaterThan(0);
    expect(digits(await page.getByTestId('screen-kpi-today-value').textContent())).toBe(summary.today.total);
    expect(digits(await page.getByTestId('screen-kpi-open-value').textContent())).toBe(summary.openTotal);
    expect(digits(await page.getByTestId('screen-kpi-overdue-value').textContent())).toBe(
      summary.overdueTotal,
    );
    expect(await page.evaluate(() => window.__riskmap?.screen?.incidents ?? 0)).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.__riskmap?.screen?.teams ?? 0)).toBeGreaterThan(0);

    // no scrollbars
    const o = await overflow(page);
    expect(o.scrollHeight).toBeLessThanOrEqual(o.innerHeight);
    expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(SHOTS, 'screen-1080.png') });

    // ---- the network drops: the screen says so, and reconnects by itself
    const seqBefore = await page.evaluate(() => window.__riskmap?.live?.seq ?? null);
    expect(seqBefore).not.toBeNull();
    await page.evaluate(() => window.__riskmap?.live?.drop());
    await expect
      .poll(() => page.getByTestId('live-indicator').getAttribute('data-state'), { interval: 50 })
      .toBe('reconnecting');
    // an incident reported while the screen is away
    const created = await reportIncident(page, '大屏测试：燃气管道破裂，现场有明显气味（端到端测试）');
    expect(created.status).toBe(201);
    expect(created.priority).toBe(1);
    await expect
      .poll(() => page.getByTestId('live-indicator').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('open');
    expect(await page.evaluate(() => window.__riskmap?.live?.reconnects ?? 0)).toBeGreaterThan(0);

    // ---- the red alarm banner with the incident, the map flies to it
    const banner = page.locator(`[data-testid="screen-alarm"][data-id="${created.id}"]`);
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getByTestId('screen-alarm-category').textContent()).toBe('燃气管道破裂');
    expect(await banner.getByTestId('screen-alarm-place').textContent()).toContain('常平');
    expect(await page.evaluate(() => window.__riskmap?.screen?.alarms ?? [])).toContain(created.id);
    // the stream position moved past the event, and the figures were reloaded with it
    expect(await page.evaluate(() => window.__riskmap?.live?.seq ?? 0)).toBeGreaterThan(seqBefore ?? 0);
    await expect
      .poll(async () => digits(await page.getByTestId('screen-kpi-open-value').textContent()), {
        timeout: 20_000,
      })
      .toBe(summary.openTotal + 1);
    await page.waitForTimeout(3000); // the fly-to
    await page.screenshot({ path: path.join(SHOTS, 'screen-alarm.png') });

    // the queue took the new incident in without a reload
    await expect
      .poll(async () => digits(await queuePage.getByTestId('queue-total').textContent()), { timeout: 20_000 })
      .toBe(queueTotalBefore + 1);

    // dismissing it resumes the rotation
    await page.getByTestId('screen-alarm-dismiss').click();
    await page.getByTestId('screen-alarm').waitFor({ state: 'detached' });

    // ---- a 4K wall: still no scrollbars
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForTimeout(2500);
    const o4k = await overflow(page);
    expect(o4k.scrollHeight).toBeLessThanOrEqual(o4k.innerHeight);
    expect(o4k.scrollWidth).toBeLessThanOrEqual(o4k.innerWidth);
    await page.screenshot({ path: path.join(SHOTS, 'screen-4k.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });

    // ---- playback of the last 24 h: scrub to the end, the new incident is there
    await page.getByTestId('screen-mode').click();
    await page.getByTestId('playback').waitFor();
    await expect
      .poll(() => page.getByTestId('playback-time').textContent(), { timeout: 30_000 })
      .not.toBe('—');
    await page.getByTestId('playback-speed').selectOption('600');
    await page.getByTestId('playback-play').click(); // pause
    await page.getByTestId('playback-slider').focus();
    await page.keyboard.press('End');
    await expect
      .poll(() => page.evaluate(() => window.__riskmap?.screen?.playback?.incidents ?? 0), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(SHOTS, 'screen-playback.png') });

    expect(foreign).toEqual([]);
    expect(queueForeign).toEqual([]);
  }, 300_000);
});
