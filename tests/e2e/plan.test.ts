import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, putTownOnDuty, SHOTS, type App, type AppPage } from './harness.ts';

/** 常平镇: the sample town has no accepted incidents, so its plan holds only this test's ones. */
const TOWN = '441900110';

/** Points in the sample grids of 常平镇 (near 常平社区). */
const POINTS: readonly [number, number][] = [
  [114.0012, 22.9795],
  [114.0003, 22.9802],
  [114.002, 22.979],
  [114.0008, 22.9788],
  [114.0016, 22.9801],
];

interface Category {
  code: string;
  teamCapability: string | null;
}
interface Dispatch {
  id: number;
  incidentId: number;
  teamId: number;
  status: string;
}

/** The API with the page's session: its cookie, and the CSRF token for writes. */
function apiOf(page: Page, url: string) {
  let csrf: string | null = null;
  const token = async () => {
    if (csrf === null) {
      const me = (await (await page.request.get(`${url}/api/auth/me`)).json()) as { csrfToken: string };
      csrf = me.csrfToken;
    }
    return csrf;
  };
  return {
    async get<T>(p: string): Promise<T> {
      const r = await page.request.get(`${url}${p}`);
      expect(r.status(), `GET ${p}`).toBe(200);
      return (await r.json()) as T;
    },
    async post<T>(p: string, body: unknown): Promise<{ status: number; body: T }> {
      const r = await page.request.post(`${url}${p}`, {
        data: body,
        headers: { 'x-csrf-token': await token() },
      });
      return { status: r.status(), body: (await r.json()) as T };
    },
  };
}

describe('the batch plan and the queue in Chromium: edit lines, apply, conflicts, paging', () => {
  let app: App & AppPage;
  let api: ReturnType<typeof apiOf>;
  /** Subcategory code per team capability. */
  let categoryFor: Map<string, string>;
  let nextPoint = 0;

  beforeAll(async () => {
    app = await openApp({ user: 'admin', viewport: { width: 1440, height: 900 } });
    api = apiOf(app.page, app.server.url);
    const categories = await api.get<Category[]>('/api/categories?kind=incident');
    categoryFor = new Map();
    for (const c of categories)
      if (/^[0-9]{4}$/.test(c.code) && c.teamCapability && !categoryFor.has(c.teamCapability))
        categoryFor.set(c.teamCapability, c.code);
    // the plan has teams at any hour
    await putTownOnDuty(app.page, app.server.url, TOWN);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A new incident needing a team of `capability`, accepted; its id. */
  async function acceptedIncident(capability: string): Promise<number> {
    const category = categoryFor.get(capability);
    expect(category, capability).toBeDefined();
    const [lon, lat] = POINTS[nextPoint++ % POINTS.length]!;
    const created = await api.post<{ id: number }>('/api/incidents', {
      clientKey: `e2e-plan-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      category,
      lon,
      lat,
      description: `批量派遣测试：${capability}（端到端测试）`,
      channel: 'desk',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const detail = await api.get<{ gridCode: string | null }>(`/api/incidents/${id}`);
    expect(detail.gridCode?.startsWith(TOWN)).toBe(true);
    const accepted = await api.post<{ status: string }>(`/api/incidents/${id}/transitions`, {
      action: 'accept',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    return id;
  }

  const dispatches = () => api.get<Dispatch[]>('/api/dispatches?limit=1000');
  const row = (incidentId: number) =>
    app.page.locator(`[data-testid="plan-row"][data-incident-id="${incidentId}"]`);
  const teamOf = async (incidentId: number) => Number(await row(incidentId).getAttribute('data-team-id'));

  /** Opens /dispatch (unless there already) and plans 常平镇. */
  async function planTown(): Promise<void> {
    const { page } = app;
    if ((await page.getByTestId('dispatch-page').count()) === 0)
      await page.getByTestId('dispatch-link').click();
    await page.getByTestId('dispatch-page').waitFor();
    const option = page.locator(`[data-testid="plan-area"] option[value="${TOWN}"]`);
    await option.waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByTestId('plan-area').selectOption(TOWN);
    await page.getByTestId('plan-generate').click();
    await page.getByTestId('plan-summary').waitFor({ timeout: 60_000 });
  }

  it('changes one line to another candidate, removes one, and applies exactly that', async () => {
    const { page, foreign } = app;
    const changed = await acceptedIncident('grid_patrol');
    const removed = await acceptedIncident('public_security');
    const kept = await acceptedIncident('urban_management');
    const ours = [changed, removed, kept];

    await planTown();
    for (const id of ours) await row(id).waitFor();
    // only this test's lines stay in the plan (the town's own accepted incidents, if any, go)
    for (const id of await page
      .getByTestId('plan-row')
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-incident-id')))))
      if (!ours.includes(id)) await page.getByTestId(`plan-remove-${id}`).click();
    await expect.poll(() => page.getByTestId('plan-row').count()).toBe(3);
    const planned = new Map<number, number>();
    for (const id of ours) planned.set(id, await teamOf(id));
    // three incidents, three different teams
    expect(new Set(planned.values()).size).toBe(3);

    // ---- another team for the first line: one of its candidates the plan does not use
    await page.getByTestId(`plan-change-${changed}`).click();
    const select = page.getByTestId(`plan-team-select-${changed}`);
    await select.waitFor({ timeout: 30_000 });
    const offered = (await select
      .locator('option')
      .evaluateAll((os) => os.map((o) => Number((o as HTMLOptionElement).value)))) as number[];
    const other = offered.find((teamId) => ![...planned.values()].includes(teamId));
    expect(other, `a free candidate among ${offered.join(', ')}`).toBeDefined();
    // the candidates are named with their kind, never a code
    const labels = await select.locator('option').allTextContents();
    expect(labels.join('\n')).not.toMatch(/grid_worker|grid_patrol|urban_management|police|volunteer/);
    await select.selectOption(String(other));
    await expect.poll(() => teamOf(changed)).toBe(other);
    // nothing is dispatched before the plan is applied
    const before = await dispatches();
    expect(before.filter((d) => ours.includes(d.incidentId))).toEqual([]);

    // ---- remove the second line
    await page.getByTestId(`plan-remove-${removed}`).click();
    await expect.poll(() => row(removed).count()).toBe(0);
    await expect.poll(() => page.getByTestId('plan-row').count()).toBe(2);
    expect(await page.getByTestId('plan-apply').textContent()).toContain('2');
    await page.screenshot({ path: path.join(SHOTS, 'plan-edited.png') });

    // ---- apply: exactly the edited lines are dispatched
    await page.getByTestId('plan-apply').click();
    await page.getByTestId('plan-applied').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('plan-error').count()).toBe(0);
    const seen = new Set(before.map((d) => d.id));
    const made = (await dispatches())
      .filter((d) => !seen.has(d.id))
      .map((d) => ({ incidentId: d.incidentId, teamId: d.teamId, status: d.status }))
      .sort((a, b) => a.incidentId - b.incidentId);
    expect(made).toEqual(
      [
        { incidentId: changed, teamId: other, status: 'active' },
        { incidentId: kept, teamId: planned.get(kept), status: 'active' },
      ].sort((a, b) => a.incidentId - b.incidentId),
    );
    // the removed incident waits for a team; the changed line's first team is still free
    expect(await api.get<Dispatch[]>(`/api/dispatches?incidentId=${removed}`)).toEqual([]);
    expect((await api.get<{ status: string }>(`/api/incidents/${removed}`)).status).toBe('accepted');
    expect(await api.get<Dispatch[]>(`/api/dispatches?teamId=${planned.get(changed)}&open=true`)).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('refuses the whole plan with the conflict list when a planned team was sent meanwhile', async () => {
    const { page, foreign } = app;
    const taken = await acceptedIncident('mediation');
    const waiting = await acceptedIncident('grid_patrol');
    await planTown();
    await row(taken).waitFor();
    await row(waiting).waitFor();
    const lines = await page.getByTestId('plan-row').count();
    const takenTeam = await teamOf(taken);

    // someone else sends the planned team first
    const direct = await api.post<Dispatch>('/api/dispatches', { incidentId: taken, teamId: takenTeam });
    expect(direct.status).toBe(201);
    const before = await dispatches();

    await page.getByTestId('plan-apply').click();
    await page.getByTestId(`plan-conflict-${taken}`).first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('plan-error').count()).toBe(1);
    expect(await page.getByTestId('plan-applied').count()).toBe(0);
    // the plan stays on the page to be edited
    expect(await page.getByTestId('plan-row').count()).toBe(lines);
    await page.screenshot({ path: path.join(SHOTS, 'plan-conflict.png') });

    // all or nothing: no dispatch was made, the other incident still waits
    const ids = (list: Dispatch[]) => list.map((d) => d.id).sort((a, b) => a - b);
    expect(ids(await dispatches())).toEqual(ids(before));
    expect(await api.get<Dispatch[]>(`/api/dispatches?incidentId=${waiting}`)).toEqual([]);
    expect((await api.get<{ status: string }>(`/api/incidents/${waiting}`)).status).toBe('accepted');

    // removing the line in conflict lets the rest go
    await page.getByTestId(`plan-remove-${taken}`).click();
    await page.getByTestId('plan-apply').click();
    await page.getByTestId('plan-applied').waitFor({ timeout: 60_000 });
    const sent = await api.get<Dispatch[]>(`/api/dispatches?incidentId=${waiting}`);
    expect(sent.map((d) => d.status)).toEqual(['active']);
    expect(foreign).toEqual([]);
  });

  it('the queue pages through every open incident, soonest deadline first, keys crossing pages', async () => {
    const { page, foreign } = app;
    const pageSize = 50;
    type Queue = { total: number; incidents: { id: number; overdue: boolean }[] };
    // more than one page: the city's sample incidents and this file's, topped up if need be
    let queue = await api.get<Queue>('/api/incidents?limit=1000');
    while (queue.total <= pageSize + 2) {
      await acceptedIncident('grid_patrol');
      queue = await api.get<Queue>('/api/incidents?limit=1000');
    }
    const n = queue.total;
    expect(n).toBeLessThan(1000); // all of them fit in one answer of the API
    const ids = queue.incidents.map((i) => i.id);
    const shownIds = () =>
      page.getByTestId('incident-row').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-id'))));
    const cursorId = () =>
      page.locator('[data-testid="incident-row"][aria-current="true"]').getAttribute('data-id');

    await page.getByTestId('incidents-link').click();
    await page.getByTestId('incident-queue').waitFor();
    await expect.poll(() => page.getByTestId('queue-total').textContent()).toBe(String(n));
    await expect
      .poll(() => page.getByTestId('queue-range').textContent())
      .toBe(`第 1–${pageSize} 条，共 ${n} 条`);
    expect(await shownIds()).toEqual(ids.slice(0, pageSize));
    expect(await page.getByTestId('queue-prev').isDisabled()).toBe(true);
    // overdue in red, as the API says
    const overdueShown = await page.locator('[data-testid="incident-row"] .time-left.overdue').count();
    expect(overdueShown).toBe(queue.incidents.slice(0, pageSize).filter((i) => i.overdue).length);

    // ---- the second page
    await page.getByTestId('queue-next').click();
    await expect
      .poll(() => page.getByTestId('queue-range').textContent())
      .toBe(`第 ${pageSize + 1}–${Math.min(n, 2 * pageSize)} 条，共 ${n} 条`);
    expect(await shownIds()).toEqual(ids.slice(pageSize, 2 * pageSize));
    expect(await page.getByTestId('queue-prev').isDisabled()).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'queue-page-2.png') });

    // ---- keys: k from the top of page 1 is its last row, j goes on to page 2, Enter opens it
    await page.getByTestId('queue-prev').click();
    await expect.poll(() => shownIds()).toEqual(ids.slice(0, pageSize));
    await page.keyboard.press('k');
    await expect.poll(cursorId).toBe(String(ids[pageSize - 1]));
    await page.keyboard.press('j');
    await expect.poll(cursorId).toBe(String(ids[pageSize]));
    expect(await page.getByTestId('queue-range').textContent()).toBe(
      `第 ${pageSize + 1}–${Math.min(n, 2 * pageSize)} 条，共 ${n} 条`,
    );
    await page.keyboard.press('ArrowUp');
    await expect.poll(cursorId).toBe(String(ids[pageSize - 1]));
    await expect.poll(() => shownIds()).toEqual(ids.slice(0, pageSize));
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="incident-detail"][data-id="${ids[pageSize - 1]}"]`).waitFor();
    expect(page.url()).toContain(`/incidents/${ids[pageSize - 1]}`);

    // a filter starts again at its first page
    await page.getByTestId('queue-status').selectOption('accepted');
    await expect.poll(() => page.getByTestId('queue-range').textContent()).toMatch(/^第 [01]–/);
    expect(foreign).toEqual([]);
  });
});
