import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type Client, type TestApp } from './template.ts';

/** 常平镇 and one of its grids' points. */
const TOWN = '441900110';
const RUN = `dept-${process.pid}-${Date.now()}`;
let seq = 0;

interface Unit {
  id: number;
  name: string;
  department: string;
  areaCode: string;
  openIncidents: number;
}
interface Detail {
  id: number;
  status: string;
  leadUnit: { id: number; name: string; department: string } | null;
  handoffs: number;
  bounced: boolean;
  actions: string[];
  timeline: Array<{
    action: string;
    actor: string;
    note: string | null;
    fromUnit: { id: number; name: string } | null;
    toUnit: { id: number; name: string } | null;
  }>;
}

describe('departments, units and 归口: transfer, send back, assign', () => {
  let t: TestApp;
  let dispatcher: Client; // 常平镇 dispatcher
  let point: { lon: number; lat: number };
  let units: Unit[];
  const unitOf = (department: string) => units.find((u) => u.department === department)!;

  beforeAll(async () => {
    t = await openTestApp();
    dispatcher = await t.as('dispatcher-cp');
    const r = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
       WHERE level = 'grid' AND valid_to IS NULL AND code LIKE $1 ORDER BY code LIMIT 1`,
      [`${TOWN}%`],
    );
    point = r.rows[0]!;
    const res = await dispatcher.inject(`/api/units?area=${TOWN}`);
    expect(res.statusCode).toBe(200);
    units = res.json<Unit[]>();
  });
  afterAll(() => t.close());

  const report = async (category: string) => {
    const res = await dispatcher.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: `${RUN}-${++seq}`,
        category,
        channel: 'desk',
        description: '部门测试',
        ...point,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: number; leadUnit: Detail['leadUnit'] }>();
  };
  const detail = async (id: number) => (await dispatcher.inject(`/api/incidents/${id}`)).json<Detail>();
  const act = (id: number, body: Record<string, unknown>) =>
    dispatcher.inject({ method: 'POST', url: `/api/incidents/${id}/transitions`, payload: body });

  it('lists the departments with the categories each leads, and one unit of each in the town', async () => {
    const res = await dispatcher.inject('/api/departments');
    expect(res.statusCode).toBe(200);
    const departments = res.json<Array<{ code: string; nameZh: string; categories: string[] }>>();
    expect(departments.find((d) => d.code === 'urban')).toMatchObject({ nameZh: '城管执法' });
    expect(departments.find((d) => d.code === 'urban')!.categories).toContain('0501');
    expect(departments.find((d) => d.code === 'police')!.categories).toEqual(
      expect.arrayContaining(['0505', '9102', '9103']),
    );
    // every incident 小类 has exactly one lead department
    const cats = (await t.app.inject('/api/categories?kind=incident')).json<
      Array<{ code: string; parentCode: string | null }>
    >();
    const leads = departments.flatMap((d) => d.categories);
    expect(new Set(leads).size).toBe(leads.length);
    expect(leads.sort()).toEqual(
      cats
        .filter((c) => c.parentCode !== null)
        .map((c) => c.code)
        .sort(),
    );
    // the town has a unit of every department, named after the town
    expect(units.map((u) => u.department).sort()).toEqual(departments.map((d) => d.code).sort());
    expect(units.every((u) => u.areaCode === TOWN)).toBe(true);
    expect(unitOf('zongzhi').name).toBe('常平综治中心');
    expect(unitOf('urban').name).toBe('常平城管执法分局');
  });

  it("routes a report to the town's unit of the category's lead department, on the timeline", async () => {
    const made = await report('0505'); // 机动车乱停放 → 公安
    expect(made.leadUnit).toEqual({ id: unitOf('police').id, name: '常平公安分局', department: 'police' });
    const d = await detail(made.id);
    expect(d.leadUnit?.id).toBe(unitOf('police').id);
    expect(d.handoffs).toBe(0);
    expect(d.timeline[0]).toMatchObject({ action: 'report', toUnit: { id: unitOf('police').id } });
    expect(d.actions).toEqual(expect.arrayContaining(['transfer', 'send_back', 'assign_unit']));
  });

  it('transfers with a reason, sends back to the 综治中心, which assigns; every hop on the timeline', async () => {
    const { id } = await report('0501'); // 无照经营游商 → 城管
    const urban = unitOf('urban');
    const market = unitOf('market');
    const centre = unitOf('zongzhi');

    // a transfer needs its reason and a unit of the town
    const noReason = await act(id, { action: 'transfer', unitId: market.id });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json()).toMatchObject({ code: 'unit_move_reason_missing' });
    const noUnit = await act(id, { action: 'transfer', note: '属市场监管' });
    expect(noUnit.statusCode).toBe(422);
    expect(noUnit.json()).toMatchObject({ code: 'unit_missing' });
    const elsewhere = (
      await t.db.query<{ id: number }>(`SELECT id FROM units WHERE area_code <> $1 LIMIT 1`, [TOWN])
    ).rows[0]!.id;
    const otherTown = await act(id, { action: 'transfer', note: '属市场监管', unitId: elsewhere });
    expect(otherTown.statusCode).toBe(422);
    expect(otherTown.json()).toMatchObject({ code: 'unit_unknown', params: { unitId: elsewhere } });
    const same = await act(id, { action: 'transfer', note: '自己', unitId: urban.id });
    expect(same.statusCode).toBe(409);
    expect(same.json()).toMatchObject({ code: 'unit_same' });
    // refusals changed nothing
    expect((await detail(id)).handoffs).toBe(0);

    const moved = await act(id, { action: 'transfer', note: '属无照经营，归市场监管', unitId: market.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ status: 'reported', leadUnit: { id: market.id }, handoffs: 1 });

    const back = await act(id, { action: 'send_back', note: '游商占道属城管' });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ leadUnit: { id: centre.id, department: 'zongzhi' }, handoffs: 2 });
    // sent back to where it is already: refused
    expect((await act(id, { action: 'send_back', note: '再次' })).statusCode).toBe(409);

    const decided = await act(id, { action: 'assign_unit', unitId: urban.id });
    expect(decided.statusCode, decided.body).toBe(200);
    // the centre's decision is not a bounce
    expect(decided.json()).toMatchObject({ leadUnit: { id: urban.id }, handoffs: 2, bounced: false });

    const d = await detail(id);
    const hops = d.timeline
      .filter((e) => ['transfer', 'send_back', 'assign_unit'].includes(e.action))
      .map((e) => [e.action, e.fromUnit?.id, e.toUnit?.id, e.note, e.actor]);
    expect(hops).toEqual([
      ['transfer', urban.id, market.id, '属无照经营，归市场监管', expect.any(String)],
      ['send_back', market.id, centre.id, '游商占道属城管', expect.any(String)],
      ['assign_unit', centre.id, urban.id, null, expect.any(String)],
    ]);
    // the status never moved
    expect(d.status).toBe('reported');

    // one more transfer: more than two bounces flag it
    const again = await act(id, { action: 'transfer', note: '仍属市场监管', unitId: market.id });
    expect(again.json()).toMatchObject({ handoffs: 3, bounced: true });
  });

  it('counts open matters per unit and refuses unit moves to a role without the accept permission', async () => {
    const before = (await dispatcher.inject(`/api/units?area=${TOWN}`))
      .json<Unit[]>()
      .find((u) => u.department === 'fire')!.openIncidents;
    const { id } = await report('9101'); // 消防安全隐患 → 消防
    const after = (await dispatcher.inject(`/api/units?area=${TOWN}`))
      .json<Unit[]>()
      .find((u) => u.department === 'fire')!.openIncidents;
    expect(after).toBe(before + 1);
    const worker = await t.as('gridworker-cp');
    const res = await worker.inject({
      method: 'POST',
      url: `/api/incidents/${id}/transitions`,
      payload: { action: 'send_back', note: '不归我' },
    });
    expect(res.statusCode).toBe(403);
    expect((await detail(id)).leadUnit?.department).toBe('fire');
  });

  it("filters the queue by the handling unit: the unit's open matters, and only them", async () => {
    const police = unitOf('police');
    const mine = await report('9103'); // 治安可疑情况 → 公安
    const other = await report('0104'); // 道路不洁 → 城管执法
    const res = await dispatcher.inject(`/api/incidents?unit=${police.id}&limit=1000`);
    expect(res.statusCode).toBe(200);
    const q = res.json<{
      total: number;
      incidents: Array<{ id: number; leadUnit: { id: number } | null }>;
    }>();
    const ids = q.incidents.map((i) => i.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(other.id);
    expect(q.incidents.every((i) => i.leadUnit?.id === police.id)).toBe(true);
    expect(q.total).toBe(q.incidents.length);
    expect((await dispatcher.inject('/api/incidents?unit=abc')).statusCode).toBe(400);
  });

  it('refuses an unknown query parameter and a malformed area', async () => {
    expect((await dispatcher.inject('/api/units?area=12')).statusCode).toBe(400);
    expect((await dispatcher.inject('/api/units?town=441900110')).statusCode).toBe(400);
  });
});
