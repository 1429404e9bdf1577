import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putTownOnDuty, SHOTS, startApp, type App } from './harness.ts';

/** A point in 常平镇 (441900110). */
const CHANGPING = { lon: 114.0012, lat: 22.9795 };

describe('a citizen follows a report and rates it, on a phone, without an account', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('tracks the report by its code, sees the result and rates it 不满意, which reopens it', async () => {
    const staff = await app.openPage({ user: 'dispatcher-cp' });
    const citizen = await app.openPage({ user: null, viewport: { width: 390, height: 844 } });
    try {
      const base = app.server.url;
      // ---- the report, as the /report page sends it
      const made = await citizen.page.request.post(`${base}/api/reports`, {
        data: {
          clientKey: `e2e-track-${Date.now()}`,
          category: '0501',
          description: '小区门口有流动摊贩（进度查询端到端测试）',
          ...CHANGPING,
        },
      });
      expect(made.status()).toBe(201);
      const { id, trackingCode } = (await made.json()) as { id: number; trackingCode: string };

      // ---- the town handles it: accepted, a team sent, resolved with a note
      const api = staff.page.request;
      const { csrfToken } = (await (await api.get(`${base}/api/auth/me`)).json()) as { csrfToken: string };
      const headers = { 'x-csrf-token': csrfToken };
      const step = async (action: string, extra: object = {}) =>
        expect(
          (
            await api.post(`${base}/api/incidents/${id}/transitions`, { data: { action, ...extra }, headers })
          ).status(),
        ).toBe(200);
      await step('accept');
      await putTownOnDuty(staff.page, base, '441900110');
      const candidates = (await (await api.get(`${base}/api/incidents/${id}/candidates?limit=1`)).json()) as {
        candidates: Array<{ teamId: number }>;
      };
      const sent = await api.post(`${base}/api/dispatches`, {
        data: { incidentId: id, teamId: candidates.candidates[0]!.teamId },
        headers,
      });
      expect(sent.status()).toBe(201);
      await step('resolve', { note: '摊贩已劝离' });

      // ---- the citizen's page
      const { page } = citizen;
      await page.goto(`${base}/report/track?code=${trackingCode}`);
      const card = page.getByTestId('track-report');
      await card.waitFor({ timeout: 30_000 });
      expect(await card.getAttribute('data-status')).toBe('resolved');
      expect(await page.getByTestId('track-result').textContent()).toBe('摊贩已劝离');
      // no staff names on the page
      expect(await page.locator('body').textContent()).not.toContain('调度员');
      await page.getByTestId('track-rating-unsatisfied').check();
      await page.locator('[data-testid="track-rating"] textarea').fill('第二天摊贩又来了');
      await page.getByTestId('track-rating-submit').click();
      await expect
        .poll(() => page.getByTestId('track-rated').textContent(), { timeout: 15_000 })
        .toBe('您的评价: 不满意（第二天摊贩又来了）');
      await page.screenshot({ path: path.join(SHOTS, 'track-rated.png') });

      // ---- the town sees it back for verification, with the citizen's words on the timeline
      const detail = (await (await api.get(`${base}/api/incidents/${id}`)).json()) as {
        status: string;
        timeline: Array<{ action: string; note: string | null }>;
      };
      expect(detail.status).toBe('resolved');
      expect(detail.timeline.at(-1)).toMatchObject({ action: 'rate', note: '第二天摊贩又来了' });

      // an unknown code is said in Chinese
      await page.getByTestId('track-code').fill('AAAAAAAAAAAAAAAA');
      await page.getByTestId('track-submit').click();
      await expect
        .poll(() => page.getByTestId('track-error').textContent(), { timeout: 15_000 })
        .toBe('查询码不存在，请核对后再试。');
      expect(citizen.foreign).toEqual([]);
    } finally {
      await citizen.close();
      await staff.close();
    }
  });
});
