import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskReport, openApp, SHOTS, type App, type AppPage } from './harness.ts';

describe('归口 in Chromium: the handling unit, a transfer with its reason, the hop on the timeline', () => {
  let app: App & AppPage;
  beforeAll(async () => {
    app = await openApp({ user: 'dispatcher-cp', viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the lead unit of a report and transfers it to another unit of the town', async () => {
    const { page, foreign } = app;
    const base = app.server.url;
    // 无照经营游商 (0501): led by 城管执法
    const id = await deskReport(page, base, '0501', '流动摊贩占道经营（归口端到端测试）');

    await page.goto(`${base}/incidents/${id}`);
    const lead = page.getByTestId('incident-lead-unit');
    await lead.waitFor({ timeout: 30_000 });
    expect(await lead.textContent()).toContain('常平城管执法分局（城管执法）');

    // the market regulator's unit of the town, with a reason
    const picker = page.getByTestId('incident-unit');
    await picker.waitFor();
    const option = picker.locator('option', { hasText: '常平市场监管分局' });
    await option.waitFor({ state: 'attached', timeout: 30_000 });
    await picker.selectOption({ label: (await option.textContent())! });
    // without a reason the API refuses it, in Chinese
    await page.getByTestId('incident-action-transfer').click();
    await expect
      .poll(() => page.getByTestId('incident-action-error').textContent(), { timeout: 15_000 })
      .toBe('转办或退回需填写原因。');
    await page.locator('.incident-actions textarea').fill('属无照经营，归市场监管');
    await page.getByTestId('incident-action-transfer').click();
    await expect
      .poll(() => lead.textContent(), { timeout: 15_000 })
      .toContain('常平市场监管分局（市场监管）');
    expect(await lead.textContent()).toContain('已流转 1 次');
    const hop = page.getByTestId('timeline-unit-move');
    await expect.poll(() => hop.count()).toBe(1);
    expect(await hop.textContent()).toBe('常平城管执法分局 → 常平市场监管分局');
    await page.screenshot({ path: path.join(SHOTS, 'incident-transfer.png') });

    // the queue names the handling unit and filters by it
    const unitFilter = page.getByTestId('queue-unit');
    await unitFilter.locator('option', { hasText: '常平市场监管分局' }).waitFor({ state: 'attached' });
    await unitFilter.selectOption({ label: '常平市场监管分局' });
    const rows = page.getByTestId('incident-row');
    await expect
      .poll(async () => (await rows.allTextContents()).some((r) => r.includes(`#${id}`)))
      .toBe(true);
    const texts = await rows.allTextContents();
    expect(texts.every((r) => r.includes('常平市场监管分局'))).toBe(true);
    expect(foreign).toEqual([]);
  });
});
