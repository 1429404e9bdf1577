import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, SHOTS, type App, type AppPage } from './harness.ts';

/** 燃气管道破裂: level 1, needs a fire crew. */
const LEVEL1_CATEGORY = '0403';
/** A point in 常平镇 (441900110): two fire crews in the town, the others farther. */
const CHANGPING = { lon: 114.0012, lat: 22.9795 };
/**
 * Positions count for dispatch this many seconds (RISKMAP_FIX_MAX_AGE_S): the sample's
 * positions, marked fresh at the start, are stale once this much time has passed — what
 * 15 minutes do with the default — unless the simulator keeps the teams reporting.
 */
const FIX_MAX_AGE_S = 240;

interface TeamView {
  id: number;
  status: string;
  lon: number;
  lat: number;
  stale: boolean;
}

/** GET through the page's own session. */
function get<T>(page: Page, url: string): Promise<T> {
  return page.evaluate(async (u) => (await (await fetch(u)).json()) as unknown, url) as Promise<T>;
}

describe('the sample city lives: teams keep reporting, and a new emergency gets its team', () => {
  let app: App & AppPage;
  let startedAt: number;
  beforeAll(async () => {
    app = await openApp(
      { user: 'commander', viewport: { width: 1440, height: 900 } },
      {
        RISKMAP_SIMULATE: '1',
        // a simulated minute every two real seconds: the drive takes seconds, not minutes
        RISKMAP_SIMULATE_SPEED: '30',
        RISKMAP_FIX_MAX_AGE_S: String(FIX_MAX_AGE_S),
      },
    );
    startedAt = Date.now();
    // a first start loads the sample city: minutes when the machine is busy
  }, 900_000);
  afterAll(async () => {
    await app?.close();
  });

  it('past the freshness limit a level-1 report still gets 5 candidates, is dispatched, and the team drives and arrives', async () => {
    const { page, context, foreign } = app;

    // ---- let the start's positions grow stale: only fixes sent since keep a team eligible
    const waitMs = startedAt + (FIX_MAX_AGE_S + 15) * 1000 - Date.now();
    if (waitMs > 0) await page.waitForTimeout(waitMs);
    const teams = await get<{ teams: TeamView[]; total: number }>(page, '/api/teams?limit=1000');
    // the teams not kept reporting (off duty) are stale by now: the limit has passed
    expect(teams.teams.some((tm) => tm.stale)).toBe(true);
    expect(teams.teams.some((tm) => !tm.stale)).toBe(true);

    // ---- the big screen, in a second tab, follows the live stream
    const screen = await context.newPage();
    await screen.goto(`${app.server.url}/screen`);
    await screen.getByTestId('screen').waitFor();
    await expect
      .poll(() => screen.evaluate(() => window.__riskmap?.screen?.ready === true), { timeout: 60_000 })
      .toBe(true);

    // ---- a level-1 report at the desk
    await page.bringToFront();
    await page.getByTestId('incidents-link').click();
    await page.getByTestId('incident-queue').waitFor();
    await page.getByTestId('desk-open').click();
    await page.getByTestId('desk-form').waitFor();
    await page
      .locator(`[data-testid="desk-category"] option[value="${LEVEL1_CATEGORY}"]`)
      .waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByTestId('desk-category').selectOption(LEVEL1_CATEGORY);
    await page
      .getByTestId('desk-description')
      .fill('电话报称：路口燃气管道破裂，有明显气味（模拟城市端到端测试）');
    await page.getByTestId('desk-lon').fill(String(CHANGPING.lon));
    await page.getByTestId('desk-lat').fill(String(CHANGPING.lat));
    await page.getByTestId('desk-submit').click();
    await page.getByTestId('desk-result').waitFor({ timeout: 30_000 });
    const id = Number(/#(\d+)/.exec((await page.getByTestId('desk-result').textContent()) ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);
    await page.getByTestId('desk-open').click(); // close the form
    await page.locator(`[data-testid="incident-detail"][data-id="${id}"]`).waitFor();

    // the screen raises the alarm for it
    await screen.locator(`[data-testid="screen-alarm"][data-id="${id}"]`).waitFor({ timeout: 30_000 });

    // ---- accepted: five fastest teams by road, all with fresh positions
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('a');
    await expect
      .poll(() => page.getByTestId('incident-status').textContent(), { timeout: 15_000 })
      .toBe('已受理');
    const list = page.getByTestId('candidate-list');
    await list.or(page.getByTestId('candidates-empty')).waitFor({ timeout: 60_000 });
    if (!(await list.isVisible()))
      await page.screenshot({ path: path.join(SHOTS, 'simulator-no-candidates.png') });
    expect(await page.getByTestId('candidates-empty').count()).toBe(0);
    await expect.poll(() => list.getByTestId('candidate').count(), { timeout: 15_000 }).toBe(5);
    // the fifth: a drive long enough to be seen on the way
    const fifth = list.getByTestId('candidate').nth(4);
    const teamId = Number(await fifth.getAttribute('data-team-id'));
    const before = await get<TeamView>(page, `/api/teams/${teamId}`);
    expect(before.stale).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'simulator-candidates.png') });

    // ---- 派遣
    await page.getByTestId(`candidate-assign-${teamId}`).click();
    await page.getByTestId('current-dispatch').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('dispatch-status').textContent()).toBe('已派遣');

    // ---- the team drives (new fixes on the way) and arrives
    const seen = new Set<string>([`${before.lon},${before.lat}`]);
    await screen.bringToFront();
    await expect
      .poll(
        async () => {
          const tm = await get<TeamView>(screen, `/api/teams/${teamId}`);
          seen.add(`${tm.lon},${tm.lat}`);
          return tm.status;
        },
        { timeout: 120_000, interval: 250 },
      )
      .toBe('on_scene');
    const at = await get<TeamView>(screen, `/api/teams/${teamId}`);
    // the start, at least one place on the way, and the scene
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(Math.abs(at.lon - CHANGPING.lon)).toBeLessThan(1e-5);
    expect(Math.abs(at.lat - CHANGPING.lat)).toBeLessThan(1e-5);
    expect(at.stale).toBe(false);
    // the screen drew the teams and took the stream in all along
    expect(await screen.evaluate(() => window.__riskmap?.screen?.teams ?? 0)).toBeGreaterThan(0);
    expect(await screen.evaluate(() => window.__riskmap?.live?.state)).toBe('open');
    await screen.screenshot({ path: path.join(SHOTS, 'simulator-screen.png') });

    // ---- the desk page shows the arrival too
    await page.bringToFront();
    await expect
      .poll(() => page.getByTestId('dispatch-status').textContent(), { timeout: 30_000 })
      .toBe('在现场');
    expect(foreign).toEqual([]);
  }, 900_000);
});
