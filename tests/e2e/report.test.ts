import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, startApp, type App } from './harness.ts';

/** A point in 常平镇 (441900110), the home town of dispatcher-cp. */
const CHANGPING = { longitude: 114.0, latitude: 22.98 };

describe('citizen report to dispatcher queue in Chromium', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a citizen reports from a phone without signing in; the dispatcher sees it and accepts it', async () => {
    // ---- the citizen, on a phone, not signed in
    const phone = await app.openPage({
      path: '/report',
      viewport: { width: 390, height: 844 },
      context: {
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        geolocation: CHANGPING,
        permissions: ['geolocation'],
      },
    });
    const { page, foreign } = phone;
    await page.getByTestId('report-page').waitFor();
    expect(await page.getByTestId('login-page').count()).toBe(0);

    const select = page.getByTestId('report-category');
    const firstSubcategory = select.locator('optgroup option').first();
    await firstSubcategory.waitFor({ state: 'attached', timeout: 30_000 });
    const category = await firstSubcategory.getAttribute('value');
    expect(category).toMatch(/^[0-9]{4}$/);
    await select.selectOption(category!);

    // Submitting without a location names what is missing.
    await page.getByTestId('report-description').fill('路口井盖缺失，夜间有行人跌倒风险（端到端测试）');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-error').waitFor();

    await page.getByTestId('report-locate').click();
    await expect.poll(() => page.getByTestId('report-point').textContent()).toContain('114.00000');
    await page.getByTestId('report-map').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'report-form.png'), fullPage: true });

    await page.getByTestId('report-submit').click();
    const success = page.getByTestId('report-success');
    await success.waitFor({ timeout: 30_000 });
    const id = Number(await page.getByTestId('report-number').textContent());
    expect(Number.isInteger(id) && id > 0).toBe(true);
    expect(await success.textContent()).toContain(String(id));
    await page.screenshot({ path: path.join(SHOTS, 'report-success.png'), fullPage: true });
    expect(foreign).toEqual([]);
    await phone.close();

    // ---- the dispatcher of 常平镇, at a desk
    const desk = await app.openPage({ user: 'dispatcher-cp', viewport: { width: 1440, height: 900 } });
    const { page: dpage, foreign: deskForeign } = desk;
    await dpage.getByTestId('incidents-link').click();
    await dpage.getByTestId('incident-queue').waitFor();
    await dpage.getByTestId('queue-counts').waitFor();
    // Narrow the queue (the sample town has many open incidents) to new ones of this category.
    await dpage.getByTestId('queue-status').selectOption('reported');
    await dpage.getByTestId('queue-category').selectOption(category!);
    const row = dpage.locator(`[data-testid="incident-row"][data-id="${id}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await dpage.getByTestId('desk-open').count()).toBe(1);
    await dpage.screenshot({ path: path.join(SHOTS, 'incident-queue.png') });

    await row.click();
    const detail = dpage.locator(`[data-testid="incident-detail"][data-id="${id}"]`);
    await detail.waitFor();
    const entries = dpage.getByTestId('incident-timeline').locator('li');
    await entries.first().waitFor();
    const before = await entries.count();
    expect(dpage.url()).toContain(`/incidents/${id}`);

    await dpage.getByTestId('incident-action-accept').click();
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(before + 1);
    await expect.poll(() => dpage.getByTestId('incident-status').textContent()).toBe('已受理');
    // accept is done; dispatch is the next step this role may take
    expect(await dpage.getByTestId('incident-action-accept').count()).toBe(0);
    expect(await dpage.getByTestId('incident-action-dispatch').count()).toBe(1);
    await dpage.screenshot({ path: path.join(SHOTS, 'incident-detail.png') });

    // The desk form: a dispatcher registers a phoned-in incident by typed coordinates.
    await dpage.getByTestId('desk-open').click();
    const form = dpage.getByTestId('desk-form');
    await form.waitFor();
    await dpage.getByTestId('desk-category').selectOption(category!);
    await dpage.getByTestId('desk-description').fill('电话报称：同一路口井盖缺失（端到端测试）');
    await dpage.getByTestId('desk-lon').fill('114.0003');
    await dpage.getByTestId('desk-lat').fill('22.9802');
    await dpage.getByTestId('desk-submit').click();
    await dpage.getByTestId('desk-result').waitFor({ timeout: 30_000 });
    const deskId = Number(/#(\d+)/.exec((await dpage.getByTestId('desk-result').textContent()) ?? '')?.[1]);
    expect(deskId).toBeGreaterThan(id);
    await dpage.locator(`[data-testid="incident-detail"][data-id="${deskId}"]`).waitFor();
    // 30 m from the citizen's report: named as a possible duplicate
    await expect.poll(() => dpage.getByTestId('desk-result').textContent()).toContain(`#${id}`);
    await dpage.screenshot({ path: path.join(SHOTS, 'incident-desk.png') });

    expect(deskForeign).toEqual([]);
    await desk.close();
  });
});
