import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type Client, type TestApp } from './template.ts';

const CHANGPING = '441900110';
const RUN = `sup-${process.pid}-${Date.now()}`;
let seq = 0;

interface Supervision {
  id: number;
  note: string;
  respondBy: string;
  issuedBy: string;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: string | null;
  overdue: boolean;
}

describe('supervision (督办): an order the handling unit must answer', () => {
  let t: TestApp;
  let coordinator: Client; // 常平镇 town coordinator: may order
  let dispatcher: Client; // 常平镇 dispatcher: answers for the unit, may not order
  let gridWorker: Client;
  let point: { lon: number; lat: number };

  beforeAll(async () => {
    t = await openTestApp();
    coordinator = await t.as('changping');
    dispatcher = await t.as('dispatcher-cp');
    gridWorker = await t.as('gridworker-cp');
    const r = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
       WHERE level = 'grid' AND valid_to IS NULL AND code = '441900110002001'`,
    );
    point = r.rows[0]!;
  });
  afterAll(() => t.close());

  const report = async (): Promise<number> => {
    const res = await dispatcher.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: `${RUN}-${++seq}`,
        category: '0102',
        channel: 'desk',
        description: '暴露垃圾多日无人清运（督办测试）',
        lon: point.lon,
        lat: point.lat,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: number }>().id;
  };
  const supervise = (who: Client, id: number, payload: Record<string, unknown>) =>
    who.inject({ method: 'POST', url: `/api/incidents/${id}/supervisions`, payload });
  const answer = (who: Client, id: number, sid: number, text: string) =>
    who.inject({
      method: 'POST',
      url: `/api/incidents/${id}/supervisions/${sid}/answer`,
      payload: { answer: text },
    });
  const supervisionsOfTown = async (from: string, to: string) => {
    const res = await coordinator.inject(
      `/api/assessment?level=town&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    return res
      .json<{ rows: Array<{ code: string; supervisions: number }> }>()
      .rows.find((r) => r.code === CHANGPING)?.supervisions;
  };

  it('orders, marks the incident, takes one answer, and counts in the assessment', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const id = await report();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    expect(await supervisionsOfTown(from, to)).toBe(0);

    const res = await supervise(coordinator, id, { note: '请今日内清运并反馈', hours: 4 });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json<Supervision>();
    expect(order).toMatchObject({ note: '请今日内清运并反馈', answer: null, overdue: false });
    expect(Date.parse(order.respondBy)).toBeGreaterThan(Date.now());

    // one open order at a time
    const again = await supervise(coordinator, id, { note: '再次督办', hours: 2 });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('supervision_open_already');

    // marked in the queue and on the incident, on the timeline
    const queue = await dispatcher.inject(`/api/incidents?status=reported&limit=1000`);
    expect(queue.statusCode, queue.body).toBe(200);
    const item = queue
      .json<{ incidents: Array<{ id: number; supervision: unknown }> }>()
      .incidents.find((i) => i.id === id);
    expect(item?.supervision).toEqual({ respondBy: order.respondBy, overdue: false });
    const detail = await dispatcher.inject(`/api/incidents/${id}`);
    const body = detail.json<{
      supervisions: Supervision[];
      supervisionSteps: string[];
      timeline: Array<{ action: string; note: string | null }>;
    }>();
    expect(body.supervisions.map((s) => s.id)).toEqual([order.id]);
    expect(body.supervisionSteps).toEqual(['answer']);
    expect(body.timeline.find((e) => e.action === 'supervise')?.note).toBe('请今日内清运并反馈');

    // and counted on the big screen while it waits for its answer
    const screen = async () =>
      (await coordinator.inject('/api/screen/summary')).json<{ supervisedTotal: number }>().supervisedTotal;
    const waiting = await screen();
    expect(waiting).toBeGreaterThanOrEqual(1);

    // the unit answers, once
    const blank = await answer(dispatcher, id, order.id, '   ');
    expect(blank.statusCode).toBe(422);
    expect(blank.json().code).toBe('supervision_answer_missing');
    const done = await answer(dispatcher, id, order.id, '已安排环卫车清运完毕');
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json<Supervision>()).toMatchObject({
      answer: '已安排环卫车清运完毕',
      answeredBy: expect.any(String),
    });
    const twice = await answer(dispatcher, id, order.id, '再次反馈');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('supervision_answered');
    const after = await dispatcher.inject(`/api/incidents/${id}`);
    expect(after.json<{ supervision: unknown }>().supervision).toBeNull();
    expect(after.json<{ timeline: Array<{ action: string }> }>().timeline.map((e) => e.action)).toContain(
      'supervision_answer',
    );

    expect(await screen()).toBe(waiting - 1);
    expect(await supervisionsOfTown(from, to)).toBe(1);
  });

  it('refuses those who may not, an incident no longer handled, an order of another incident, and changes nothing', async () => {
    const id = await report();
    for (const who of [dispatcher, gridWorker]) {
      const res = await supervise(who, id, { note: '督办', hours: 4 });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('permission_denied');
    }
    const note = await supervise(coordinator, id, { note: '', hours: 4 });
    expect(note.statusCode).toBe(400);
    const hours = await supervise(coordinator, id, { note: '督办', hours: 0 });
    expect(hours.statusCode).toBe(400);
    const count = async () =>
      (
        await t.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM incident_supervisions WHERE incident_id = $1',
          [id],
        )
      ).rows[0]!.n;
    expect(await count()).toBe(0);

    // an order of one incident cannot be answered through another
    const order = (await supervise(coordinator, id, { note: '请处理', hours: 4 })).json<Supervision>();
    const other = await report();
    const wrong = await answer(dispatcher, other, order.id, '答复');
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().code).toBe('supervision_not_found');

    // a rejected report is no longer being handled
    const rejected = await report();
    const rej = await dispatcher.inject({
      method: 'POST',
      url: `/api/incidents/${rejected}/transitions`,
      payload: { action: 'reject', note: '重复上报' },
    });
    expect(rej.statusCode, rej.body).toBe(200);
    const closed = await supervise(coordinator, rejected, { note: '督办', hours: 4 });
    expect(closed.statusCode).toBe(409);
    expect(closed.json().code).toBe('supervision_incident_closed');

    // another town's coordinator sees no such incident
    const humen = await t.as('humen');
    const away = await supervise(humen, id, { note: '督办', hours: 4 });
    expect(away.statusCode).toBe(404);
    expect(away.json().code).toBe('incident_not_found');
  });
});
