import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStandbyTeam, openTestApp, type Client, type TestApp } from './template.ts';

const RUN = `track-${process.pid}-${Date.now()}`;
let seq = 0;

interface Tracked {
  id: number;
  status: string;
  categoryName: string | null;
  unit: string | null;
  result: string | null;
  timeline: Array<{ at: string; action: string; toStatus: string | null }>;
  rating: { rating: string; comment: string | null } | null;
  canRate: boolean;
}

describe('citizens follow their reports and rate them (回访与评价)', () => {
  let t: TestApp;
  let dispatcher: Client;
  let point: { lon: number; lat: number; grid: string };
  beforeAll(async () => {
    t = await openTestApp();
    dispatcher = await t.as('dispatcher-cp');
    const r = await t.db.query<{ lon: number; lat: number; code: string }>(
      `SELECT ST_X(label_point) lon, ST_Y(label_point) lat, code FROM areas
       WHERE level = 'grid' AND valid_to IS NULL AND code LIKE '441900110%' AND code NOT LIKE '4419001109%'
       ORDER BY code LIMIT 1`,
    );
    point = { lon: r.rows[0]!.lon, lat: r.rows[0]!.lat, grid: r.rows[0]!.code };
  });
  afterAll(() => t.close());

  /** A citizen's report (no account): its id and tracking code. */
  async function citizenReport(): Promise<{ id: number; code: string }> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: {
        clientKey: `${RUN}-${++seq}`,
        category: '0501',
        description: '路口有流动摊贩（查询测试）',
        lon: point.lon,
        lat: point.lat,
        reporter: { name: '李女士', phone: '13800000000' },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ id: number; trackingCode: string }>();
    return { id: body.id, code: body.trackingCode };
  }
  const track = (code: string) => t.app.inject(`/api/reports/track?code=${encodeURIComponent(code)}`);
  const rate = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/reports/rating', payload });

  /** Takes a report through acceptance, a team of this file, and resolution. */
  async function resolve(id: number, note: string): Promise<void> {
    const step = (action: string, extra: Record<string, unknown> = {}) =>
      dispatcher.inject({
        method: 'POST',
        url: `/api/incidents/${id}/transitions`,
        payload: { action, ...extra },
      });
    expect((await step('accept')).statusCode).toBe(200);
    const team = await addStandbyTeam(t.db, {
      capability: 'urban_management',
      lon: point.lon,
      lat: point.lat,
      homeAreaCode: point.grid,
    });
    const sent = await dispatcher.inject({
      method: 'POST',
      url: '/api/dispatches',
      payload: { incidentId: id, teamId: team },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect((await step('resolve', { note })).statusCode).toBe(200);
  }

  it('shows the status and the public timeline to whoever has the code, and nothing of the staff', async () => {
    const { id, code } = await citizenReport();
    const res = await track(code);
    expect(res.statusCode).toBe(200);
    const r = res.json<Tracked>();
    expect(r).toMatchObject({
      id,
      status: 'reported',
      categoryName: '无照经营游商',
      unit: '常平城管执法分局',
      result: null,
      rating: null,
      canRate: false,
    });
    expect(r.timeline.map((e) => e.action)).toEqual(['report']);
    // a desk note and the dispatcher's name stay inside
    await dispatcher.inject({
      method: 'POST',
      url: `/api/incidents/${id}/transitions`,
      payload: { action: 'accept', note: '内部备注：联系城管中队' },
    });
    const body = (await track(code)).body;
    expect(body).not.toContain('内部备注');
    expect(body).not.toContain('调度员');
    expect(body).not.toContain('李女士');
    expect(body).not.toContain('13800000000');
  });

  it('answers 404 for an unknown code and 400 for a malformed one, the same for every unknown code', async () => {
    const unknown = await track('AAAAAAAAAAAAAAAA');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'tracking_code_unknown' });
    expect((await track('short')).statusCode).toBe(400);
    expect((await t.app.inject('/api/reports/track')).statusCode).toBe(400);
    const rated = await rate({ code: 'AAAAAAAAAAAAAAAA', rating: 'satisfied' });
    expect(rated.statusCode).toBe(404);
  });

  it('takes a rating once the report is resolved, once, with the result the team wrote', async () => {
    const { id, code } = await citizenReport();
    const early = await rate({ code, rating: 'satisfied' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'rating_too_early', params: { status: 'reported' } });
    expect((await rate({ code, rating: 'great' })).statusCode).toBe(400);

    await resolve(id, '摊贩已劝离，路口恢复通行');
    const before = (await track(code)).json<Tracked>();
    expect(before).toMatchObject({ status: 'resolved', result: '摊贩已劝离，路口恢复通行', canRate: true });

    const ok = await rate({ code, rating: 'basic', comment: '处理较快' });
    expect(ok.statusCode, ok.body).toBe(204);
    const after = (await track(code)).json<Tracked>();
    expect(after).toMatchObject({
      status: 'resolved',
      rating: { rating: 'basic', comment: '处理较快' },
      canRate: false,
    });
    expect(after.timeline.map((e) => e.action)).toEqual(['report', 'accept', 'dispatch', 'resolve', 'rate']);
    const again = await rate({ code, rating: 'satisfied' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'rating_given' });
    const stored = await t.db.query<{ n: number }>(
      'SELECT count(*)::int n FROM incident_ratings WHERE incident_id = $1',
      [id],
    );
    expect(stored.rows[0]!.n).toBe(1);
  });

  it('sends a closed report back for verification when the citizen is not satisfied', async () => {
    const { id, code } = await citizenReport();
    await resolve(id, '已处理');
    const commander = await t.as('commander');
    for (const action of ['verify_pass', 'close']) {
      const res = await commander.inject({
        method: 'POST',
        url: `/api/incidents/${id}/transitions`,
        payload: { action },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect((await track(code)).json<Tracked>().status).toBe('closed');
    expect((await rate({ code, rating: 'unsatisfied', comment: '摊贩第二天又来了' })).statusCode).toBe(204);
    const detail = (await commander.inject(`/api/incidents/${id}`)).json<{
      status: string;
      closedAt: string | null;
      actions: string[];
      timeline: Array<{ action: string; fromStatus: string; toStatus: string; note: string | null }>;
    }>();
    expect(detail).toMatchObject({ status: 'resolved', closedAt: null });
    expect(detail.timeline.at(-1)).toMatchObject({
      action: 'rate',
      fromStatus: 'closed',
      toStatus: 'resolved',
      note: '摊贩第二天又来了',
    });
    // the town verifies again: pass, or send the team back (rework)
    expect(detail.actions).toEqual(expect.arrayContaining(['verify_pass', 'verify_fail']));
  });
});
