import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskReport, openApp, SHOTS, type App, type AppPage } from './harness.ts';

describe('联办 in Chromium: a matter handled by its lead unit with an assisting unit', () => {
  let app: App & AppPage;
  beforeAll(async () => {
    app = await openApp({ user: 'dispatcher-cp', viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('asks 公安 to assist on a 城管 matter; the assisting unit accepts and finishes; the timeline shows each step', async () => {
    const { page, foreign } = app;
    const base = app.server.url;
    // 店外经营 (0504): led by 城管执法
    const id = await deskReport(page, base, '0504', '商铺占道经营，堵塞路口（联办端到端测试）');

    await page.goto(`${base}/incidents/${id}`);
    const lead = page.getByTestId('incident-lead-unit');
    await lead.waitFor({ timeout: 30_000 });
    expect(await lead.textContent()).toContain('常平城管执法分局');

    // the lead asks the town's police to assist, with a task and the working hours allowed
    const unit = page.getByTestId('task-unit');
    const option = unit.locator('option', { hasText: '常平公安分局' });
    await option.waitFor({ state: 'attached', timeout: 30_000 });
    // the lead unit itself is not offered
    expect(await unit.locator('option', { hasText: '常平城管执法分局' }).count()).toBe(0);
    await unit.selectOption({ label: (await option.textContent())! });
    await page.getByTestId('task-text').fill('派员到场疏导交通');
    await page.getByTestId('task-hours').fill('4');
    await page.getByTestId('task-add').click();
    const task = page.getByTestId('incident-task');
    await expect.poll(() => task.count(), { timeout: 15_000 }).toBe(1);
    expect(await task.getAttribute('data-status')).toBe('assigned');
    expect(await task.textContent()).toContain('常平公安分局');
    expect(await task.textContent()).toContain('待签收');

    // the queue lists the matters a unit assists on
    const assisting = page.getByTestId('queue-assisting');
    await assisting.selectOption({ label: '常平公安分局' });
    await page.locator(`[data-testid="incident-row"][data-id="${id}"]`).waitFor({ timeout: 15_000 });
    await assisting.selectOption('');

    // the assisting unit accepts, then finishes with what it did
    await page.getByTestId('task-accept').click();
    await expect.poll(() => task.getAttribute('data-status'), { timeout: 15_000 }).toBe('accepted');
    await page.getByTestId('task-note').fill('已派两名民警疏导，交通恢复');
    await page.getByTestId('task-done').click();
    await expect.poll(() => task.getAttribute('data-status'), { timeout: 15_000 }).toBe('done');
    expect(await task.textContent()).toContain('已派两名民警疏导，交通恢复');

    // each step on the timeline, with the assisting unit
    const timeline = page.getByTestId('incident-timeline');
    await expect.poll(() => page.getByTestId('timeline-task-unit').count()).toBe(3);
    const text = (await timeline.textContent()) ?? '';
    for (const step of ['发起协办', '协办单位签收', '协办完成']) expect(text).toContain(step);
    expect(text).toContain('协办单位：常平公安分局');
    await page.screenshot({ path: path.join(SHOTS, 'incident-joint-task.png') });
    expect(foreign).toEqual([]);
  });
});
