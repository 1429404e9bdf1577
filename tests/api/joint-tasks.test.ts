import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStandbyTeam, openTestApp, type Client, type TestApp } from './template.ts';

/** 常平镇: the demo dispatcher's and grid worker's town. */
const TOWN = '441900110';
const RUN = `joint-${process.pid}-${Date.now()}`;
let seq = 0;

interface Unit {
  id: number;
  name: string;
  department: string;
  areaCode: string;
}
interface Task {
  id: number;
  unit: { id: number; name: string; department: string };
  task: string;
  status: string;
  deadlineAt: string;
  overdue: boolean;
  note: string | null;
  createdBy: string;
}
interface Detail {
  id: number;
  status: string;
  leadUnit: { id: number } | null;
  tasks: Task[];
  timeline: Array<{ action: string; actor: string; note: string | null; toUnit: { id: number } | null }>;
}

describe('joint handling (联办): assisting units with tasks of their own', () => {
  let t: TestApp;
  let dispatcher: Client; // 常平镇: accept, dispatch
  let gridWorker: Client; // 常平社区第1网格: report, no accept
  let point: { lon: number; lat: number; grid: string };
  let units: Unit[];
  const unitOf = (department: string) => units.find((u) => u.department === department)!;

  beforeAll(async () => {
    t = await openTestApp();
    dispatcher = await t.as('dispatcher-cp');
    gridWorker = await t.as('gridworker-cp');
    const r = await t.db.query<{ lon: number; lat: number; code: string }>(
      `SELECT ST_X(label_point) lon, ST_Y(label_point) lat, code FROM areas
       WHERE level = 'grid' AND valid_to IS NULL AND code = '441900110002001'`,
    );
    point = { lon: r.rows[0]!.lon, lat: r.rows[0]!.lat, grid: r.rows[0]!.code };
    units = (await dispatcher.inject(`/api/units?area=${TOWN}`)).json<Unit[]>();
  });
  afterAll(() => t.close());

  /** A report of 店外经营 (lead: 城管执法), accepted and dispatched to a team of this file. */
  const dispatched = async (): Promise<number> => {
    const res = await dispatcher.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: `${RUN}-${++seq}`,
        category: '0504',
        channel: 'desk',
        description: '店外经营占道，需公安协助疏导（联办测试）',
        lon: point.lon,
        lat: point.lat,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<{ id: number }>().id;
    expect((await act(id, { action: 'accept' })).statusCode).toBe(200);
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
    return id;
  };
  const act = (id: number, body: Record<string, unknown>, as: Client = dispatcher) =>
    as.inject({ method: 'POST', url: `/api/incidents/${id}/transitions`, payload: body });
  const addTask = (id: number, body: Record<string, unknown>, as: Client = dispatcher) =>
    as.inject({ method: 'POST', url: `/api/incidents/${id}/tasks`, payload: body });
  const step = (id: number, taskId: number, body: Record<string, unknown>, as: Client = dispatcher) =>
    as.inject({ method: 'POST', url: `/api/incidents/${id}/tasks/${taskId}`, payload: body });
  const detail = async (id: number) => (await dispatcher.inject(`/api/incidents/${id}`)).json<Detail>();

  it('an assisting unit accepts and finishes its task; the incident cannot be resolved before', async () => {
    const id = await dispatched();
    const police = unitOf('police');
    const added = await addTask(id, { unitId: police.id, task: '派员到场疏导交通', hours: 4 });
    expect(added.statusCode, added.body).toBe(201);
    const task = added.json<Task>();
    expect(task).toMatchObject({
      unit: { id: police.id, name: '常平公安分局', department: 'police' },
      task: '派员到场疏导交通',
      status: 'assigned',
      overdue: false,
      createdBy: expect.any(String),
    });
    // the deadline lies ahead, in working time: at least 4 clock hours away
    expect(Date.parse(task.deadlineAt) - Date.now()).toBeGreaterThanOrEqual(4 * 3600_000 - 60_000);

    const blocked = await act(id, { action: 'resolve', note: '已清理' });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({
      code: 'tasks_open',
      params: { id, count: 1, units: '常平公安分局' },
    });
    expect((await detail(id)).status).toBe('dispatched');

    // the field (report permission) takes the assisting unit's steps
    const accepted = await step(id, task.id, { action: 'accept' }, gridWorker);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json<Task>().status).toBe('accepted');
    const done = await step(id, task.id, { action: 'done', note: '已疏导，交通恢复' }, gridWorker);
    expect(done.json<Task>()).toMatchObject({ status: 'done', note: '已疏导，交通恢复' });
    // a finished task takes no further step
    const again = await step(id, task.id, { action: 'refuse', note: '重复' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'task_step_not_allowed', params: { status: 'done' } });

    expect((await act(id, { action: 'resolve', note: '已清理' })).statusCode).toBe(200);
    const d = await detail(id);
    expect(d.status).toBe('resolved');
    expect(d.tasks.map((k) => [k.unit.id, k.status])).toEqual([[police.id, 'done']]);
    const steps = d.timeline.filter((e) => e.action.startsWith('task_'));
    expect(steps.map((e) => [e.action, e.toUnit?.id, e.note])).toEqual([
      ['task_add', police.id, '派员到场疏导交通'],
      ['task_accept', police.id, ''],
      ['task_done', police.id, '已疏导，交通恢复'],
    ]);
    // no task on a matter that is no longer being handled
    const late = await addTask(id, { unitId: unitOf('market').id, task: '检查', hours: 2 });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'task_incident_closed' });
  });

  it('a refusal and a closing need their reason; the lead closes an open task so the incident can be resolved', async () => {
    const id = await dispatched();
    const market = unitOf('market');
    const fire = unitOf('fire');
    const a = (await addTask(id, { unitId: market.id, task: '核查经营许可', hours: 8 })).json<Task>();
    const b = (await addTask(id, { unitId: fire.id, task: '检查消防通道', hours: 8 })).json<Task>();

    const noReason = await step(id, a.id, { action: 'refuse' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json()).toMatchObject({ code: 'task_reason_missing' });
    const refused = await step(id, a.id, { action: 'refuse', note: '不属于本单位职责' });
    expect(refused.json<Task>()).toMatchObject({ status: 'refused', note: '不属于本单位职责' });

    // one task is still open: the field cannot close it (the lead's step), the dispatcher can
    expect((await act(id, { action: 'resolve' })).json()).toMatchObject({
      code: 'tasks_open',
      params: { count: 1 },
    });
    const byField = await step(id, b.id, { action: 'close', note: '现场已无需' }, gridWorker);
    expect(byField.statusCode).toBe(403);
    expect((await step(id, b.id, { action: 'close', note: '  ' })).json()).toMatchObject({
      code: 'task_reason_missing',
    });
    expect((await step(id, b.id, { action: 'close', note: '现场已无需协助' })).json<Task>().status).toBe(
      'closed',
    );
    expect((await act(id, { action: 'resolve' })).statusCode).toBe(200);
    const stored = await t.db.query<{ status: string; note: string }>(
      'SELECT status, note FROM incident_tasks WHERE incident_id = $1 ORDER BY id',
      [id],
    );
    expect(stored.rows).toEqual([
      { status: 'refused', note: '不属于本单位职责' },
      { status: 'closed', note: '现场已无需协助' },
    ]);
  });

  it('refuses a unit of another town, the lead unit, a second open task of a unit, and a caller without the permission', async () => {
    const id = await dispatched();
    const lead = (await detail(id)).leadUnit!.id;
    const elsewhere = await t.db.query<{ id: number }>(
      `SELECT id FROM units WHERE area_code <> $1 AND department_code = 'police' LIMIT 1`,
      [TOWN],
    );
    const before = (await detail(id)).timeline.length;
    const other = await addTask(id, { unitId: elsewhere.rows[0]!.id, task: '协助', hours: 1 });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'unit_unknown' });
    const self = await addTask(id, { unitId: lead, task: '协助', hours: 1 });
    expect(self.statusCode).toBe(422);
    expect(self.json()).toMatchObject({ code: 'task_unit_is_lead' });
    const blank = await addTask(id, { unitId: unitOf('police').id, task: '   ', hours: 1 });
    expect(blank.statusCode).toBe(422);
    expect(blank.json()).toMatchObject({ code: 'task_text_missing' });
    const noHours = await addTask(id, { unitId: unitOf('police').id, task: '协助' });
    expect(noHours.statusCode).toBe(400);
    const byField = await addTask(id, { unitId: unitOf('police').id, task: '协助', hours: 1 }, gridWorker);
    expect(byField.statusCode).toBe(403);
    expect((await detail(id)).timeline.length).toBe(before);
    expect((await detail(id)).tasks).toEqual([]);

    expect((await addTask(id, { unitId: unitOf('police').id, task: '协助', hours: 1 })).statusCode).toBe(201);
    const twice = await addTask(id, { unitId: unitOf('police').id, task: '再次协助', hours: 1 });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'task_open_already', params: { unit: '常平公安分局' } });
    const missing = await step(id, 2_000_000_000, { action: 'accept' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'task_not_found' });
  });

  it('the queue lists the matters a unit assists on while its task is open', async () => {
    const id = await dispatched();
    const water = unitOf('water');
    const listed = async () =>
      (await dispatcher.inject(`/api/incidents?assisting=${water.id}&limit=1000`))
        .json<{ incidents: Array<{ id: number }> }>()
        .incidents.map((i) => i.id);
    expect(await listed()).not.toContain(id);
    const task = (await addTask(id, { unitId: water.id, task: '排查路面积水', hours: 2 })).json<Task>();
    expect(await listed()).toContain(id);
    await step(id, task.id, { action: 'done', note: '已排水' });
    expect(await listed()).not.toContain(id);
  });
});
