import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskReport, openApp, SHOTS, type App, type AppPage } from './harness.ts';

describe('supervision and assessment in Chromium: what a commander does and reads', () => {
  let app: App & AppPage;
  beforeAll(async () => {
    app = await openApp({ user: 'commander', viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('ranks the towns of the last 30 days with a chart and the definitions, then the units', async () => {
    const { page, foreign } = app;
    await page.getByTestId('assessment-link').click();
    await page.getByTestId('assessment-page').waitFor({ timeout: 30_000 });
    const rows = page.getByTestId('assessment-row');
    // the sample city's history of the last 30 days: every town has reports
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(10);
    const ranks = (await page.getByTestId('assessment-rank').allTextContents()).map(Number);
    expect(ranks[0]).toBe(1);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // best first: the on-time rate does not rise down the table
    const rates = (await page.getByTestId('assessment-on-time').allTextContents())
      .filter((s) => s !== '—')
      .map((s) => Number.parseFloat(s));
    expect(rates.length).toBeGreaterThan(10);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    // names first, codes second, in Chinese
    expect(await page.getByTestId('assessment-name').first().textContent()).toMatch(
      /^\S+(镇|街道)\S* · 4419\d{5}$/,
    );
    // the page shows what the API answers for the same window
    const api = await page.evaluate(async () => {
      const res = await fetch('/api/assessment?level=town');
      return (await res.json()) as { rows: Array<{ code: string }> };
    });
    expect(await rows.count()).toBe(api.rows.length);
    expect(await page.getByTestId('assessment-chart').locator('canvas').count()).toBe(1);
    const definitions = (await page.getByTestId('assessment-definitions').textContent()) ?? '';
    for (const term of ['按时办结率', '平均办理时长', '返工率', '满意率'])
      expect(definitions).toContain(term);
    expect(await page.getByTestId('assessment-xlsx').getAttribute('href')).toMatch(
      /\/api\/export\/incident-report\?from=.*&to=/,
    );
    await page.screenshot({ path: path.join(SHOTS, 'assessment-towns.png'), fullPage: true });

    await page.getByTestId('assessment-level').selectOption('unit');
    await expect
      .poll(async () => (await page.getByTestId('assessment-name').allTextContents()).join(' '), {
        timeout: 15_000,
      })
      .toMatch(/(分局|中心|办|所|站)/);
    // a window the wrong way round is said, not sent
    await page.getByTestId('assessment-from').fill('2026-12-31');
    await page.getByTestId('assessment-to').fill('2026-01-01');
    await page.getByTestId('assessment-window-error').waitFor({ timeout: 5_000 });
    expect(foreign).toEqual([]);
  });

  it('orders supervision (督办) on an incident; the queue marks it; the answer closes it', async () => {
    const { page, foreign } = app;
    const base = app.server.url;
    const id = await deskReport(page, base, '0102', '垃圾堆放多日无人清运（督办端到端测试）');
    await page.goto(`${base}/incidents/${id}`);
    await page.getByTestId('supervise-form').waitFor({ timeout: 30_000 });
    await page.getByTestId('supervise-note').fill('请于今日内清运并反馈结果');
    await page.getByTestId('supervise-hours').fill('2');
    await page.getByTestId('supervise-submit').click();
    const order = page.getByTestId('incident-supervision');
    await expect.poll(() => order.count(), { timeout: 15_000 }).toBe(1);
    expect(await order.getAttribute('data-answered')).toBe('false');
    expect(await page.getByTestId('supervision-respond-by').textContent()).toMatch(
      /须于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 前反馈/,
    );
    // one order at a time: the form is gone while it waits for its answer
    expect(await page.getByTestId('supervise-form').count()).toBe(0);
    // the queue marks the incident (the reported 暴露垃圾 reports, where it is)
    await page.getByTestId('queue-status').selectOption('reported');
    await page.getByTestId('queue-category').selectOption('0102');
    const row = page.locator(`[data-testid="incident-row"][data-id="${id}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getByTestId('queue-supervised').textContent()).toContain('督办');

    await page.getByTestId('supervision-answer').fill('已安排环卫工人清运完毕');
    await page.getByTestId('supervision-send').click();
    await expect.poll(() => order.getAttribute('data-answered'), { timeout: 15_000 }).toBe('true');
    expect(await page.getByTestId('supervision-answer-text').textContent()).toContain(
      '已安排环卫工人清运完毕',
    );
    const timeline = (await page.getByTestId('incident-timeline').textContent()) ?? '';
    expect(timeline).toContain('督办');
    expect(timeline).toContain('督办反馈');
    await page.screenshot({ path: path.join(SHOTS, 'incident-supervision.png') });
    expect(foreign).toEqual([]);
  });
});
