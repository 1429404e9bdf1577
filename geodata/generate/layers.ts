/**
 * Synthetic point layers (sites, components, risk sources, cameras, teams, incidents), written
 * as CSV with EWKT geometry (SRID 4326). All rows are synthetic (synthetic = t).
 */
import { datasetColumns } from '../../api/db/dataset-loader.ts';
import { join } from 'node:path';
import type { Category } from './categories.ts';
import { CsvWriter } from './csv-writer.ts';
import { geomPoint, isoUtc, pad, pgTextArray } from './format.ts';
import { townShortName, villageShortName } from './grid-numbering.ts';
import type { Placed, Placer } from './placement.ts';
import type { Rng } from './prng.ts';

/** Fixed "now" of the sample: 2026-11-27T08:00:00Z (team positions, open incidents). */
export const SAMPLE_NOW_MS = Date.UTC(2026, 10, 27, 8, 0, 0);

const ROADS = [
  '人民路',
  '建设路',
  '兴业路',
  '振兴路',
  '环城路',
  '新城路',
  '工业大道',
  '富民路',
  '育才路',
  '文明路',
  '和平路',
  '光明路',
  '朝阳路',
  '长青路',
  '沿河路',
  '银湖路',
  '花园路',
  '创业路',
  '友谊路',
  '东风路',
  '南环路',
  '北环路',
  '怡景路',
  '学府路',
  '迎宾路',
  '金龙路',
  '福华路',
  '新风路',
  '园林路',
  '聚龙路',
];
const BRANDS = [
  '恒达',
  '宏图',
  '金盛',
  '华美',
  '富康',
  '利源',
  '兴旺',
  '裕丰',
  '嘉和',
  '鸿运',
  '永安',
  '德信',
  '信和',
  '盈科',
  '顺景',
  '鼎盛',
  '天信',
  '粤兴',
  '长盛',
  '美佳',
  '新华',
  '大昌',
  '汇隆',
  '宝源',
  '联达',
  '创辉',
];
const INDUSTRIES = [
  '电子',
  '五金',
  '塑胶',
  '家具',
  '纺织',
  '模具',
  '包装',
  '玩具',
  '服装',
  '印刷',
  '精密',
  '光电',
];

function road(rng: Rng): string {
  return rng.pick(ROADS);
}
function brand(rng: Rng): string {
  return rng.pick(BRANDS);
}
function vshort(p: Placed): string {
  return villageShortName(p.village.name);
}
function tshort(p: Placed): string {
  return townShortName(p.town.name);
}
function street(rng: Rng): string {
  return `${road(rng)}${rng.int(1, 300)}号`;
}
function areaCols(p: Placed): [string, string, string] {
  return [p.town.code, p.village.code, p.grid.code];
}

function kindsOf(cats: readonly Category[], kind: Category['kind'], leafOnly: boolean): Category[] {
  return cats.filter((c) => c.kind === kind && (!leafOnly || c.parentCode !== null));
}

const SITE_WEIGHTS: Record<string, number> = {
  S01: 6,
  S02: 3,
  S03: 5,
  S04: 30,
  S05: 5,
  S06: 20,
  S07: 2,
  S08: 6,
  S09: 6,
  S10: 2,
  S11: 4,
  S12: 11,
};

function siteName(kind: string, p: Placed, st: string, rng: Rng): string {
  const v = vshort(p);
  switch (kind) {
    case 'S01':
      return `${v}${rng.pick(['小学', '中学', '幼儿园', '实验学校'])}`;
    case 'S02':
      return rng.chance(0.6) ? `${v}社区卫生服务站` : `东莞${brand(rng)}医院`;
    case 'S03':
      return `${v}${rng.pick(['农贸市场', '综合市场', '肉菜市场'])}`;
    case 'S04':
      return `${v}${st}出租屋`;
    case 'S05':
      return `${v}${rng.pick(['旧村', '老围', '新村'])}城中村片区`;
    case 'S06':
      return `东莞市${brand(rng)}${rng.pick(INDUSTRIES)}有限公司`;
    case 'S07':
      return `东莞市${brand(rng)}${rng.pick(['化工', '化学品仓储', '涂料', '气体'])}有限公司`;
    case 'S08':
      return `${v}${rng.pick(['安置房', '商住楼', '厂房', '学校扩建', '道路改造'])}项目工地`;
    case 'S09':
      return `${brand(rng)}${rng.pick(['KTV', '网吧', '酒吧', '游艺厅', '足浴中心'])}`;
    case 'S10':
      return `${tshort(p)}${brand(rng)}${rng.pick(['颐养院', '敬老院', '养老中心'])}`;
    case 'S11':
      return `${brand(rng)}${rng.pick(['广场', '购物中心', '百货'])}`;
    case 'S12':
      return `${brand(rng)}${rng.pick(['酒店', '宾馆', '公寓', '商务酒店'])}`;
    default:
      return `${v}重点场所`;
  }
}

/** sites.csv: id,name,kind,address,town_code,village_code,grid_code,synthetic,geom */
export function writeSites(
  outDir: string,
  n: number,
  cats: readonly Category[],
  placer: Placer,
  rng: Rng,
): number {
  const kinds = kindsOf(cats, 'site', false).map((c) => [c.code, SITE_WEIGHTS[c.code] ?? 1] as const);
  const w = new CsvWriter(join(outDir, 'sites.csv'), datasetColumns('sites'));
  for (let id = 1; id <= n; id++) {
    const kind = rng.weighted(kinds);
    const p = placer.place(rng);
    const st = street(rng);
    w.write([
      id,
      siteName(kind, p, st, rng),
      kind,
      `东莞市${p.town.name}${vshort(p)}${st}`,
      ...areaCols(p),
      true,
      geomPoint(p.lon, p.lat),
    ]);
  }
  w.close();
  return w.rows;
}

const COMPONENT_WEIGHTS: Record<string, number> = {
  '0101': 12,
  '0102': 18,
  '0103': 18,
  '0104': 20,
  '0105': 8,
  '0106': 4,
  '0107': 8,
  '0108': 2,
  '0109': 3,
  '0110': 0.5,
  '0111': 4,
  '0112': 1.5,
  '0113': 1,
};

/**
 * components.csv: id,code,kind,status,town_code,village_code,grid_code,synthetic,geom
 * code = 441900 + 4-digit 小类 (= kind) + 6-digit serial per kind.
 */
export function writeComponents(
  outDir: string,
  n: number,
  cats: readonly Category[],
  placer: Placer,
  rng: Rng,
): number {
  const kinds = kindsOf(cats, 'component', true)
    .filter((c) => /^\d{4}$/.test(c.code))
    .map((c) => [c.code, COMPONENT_WEIGHTS[c.code] ?? 1] as const);
  const serial = new Map<string, number>();
  const w = new CsvWriter(join(outDir, 'components.csv'), datasetColumns('components'));
  for (let id = 1; id <= n; id++) {
    const kind = rng.weighted(kinds);
    const s = (serial.get(kind) ?? 0) + 1;
    serial.set(kind, s);
    const status = rng.weighted([
      ['normal', 92],
      ['damaged', 5],
      ['missing', 1.5],
      ['removed', 1.5],
    ] as const);
    const p = placer.place(rng);
    w.write([id, `441900${kind}${pad(s, 6)}`, kind, status, ...areaCols(p), true, geomPoint(p.lon, p.lat)]);
  }
  w.close();
  return w.rows;
}

const RISK: Record<string, { weight: number; radius: [number, number] }> = {
  R01: { weight: 10, radius: [500, 2000] },
  R02: { weight: 15, radius: [100, 300] },
  R03: { weight: 10, radius: [50, 200] },
  R04: { weight: 12, radius: [100, 300] },
  R05: { weight: 18, radius: [30, 100] },
  R06: { weight: 15, radius: [100, 500] },
  R07: { weight: 10, radius: [100, 500] },
  R08: { weight: 10, radius: [50, 200] },
};

function riskName(kind: string, p: Placed, rng: Rng): string {
  const v = vshort(p);
  switch (kind) {
    case 'R01':
      return `东莞市${brand(rng)}${rng.pick(['化工仓储', '危险品仓库', '化工'])}有限公司`;
    case 'R02':
      return `${road(rng)}${rng.pick(['下穿通道', '低洼路段', '涵洞', '桥底'])}易涝点`;
    case 'R03':
      return `${v}${rng.pick(['后山边坡', '挡土墙', '削坡建房点', '山体'])}地质灾害隐患点`;
    case 'R04':
      return `${rng.pick(['中国石化', '中国石油', '中海油', '壳牌'])}${tshort(p)}${brand(rng)}加油站`;
    case 'R05':
      return `${v}${street(rng)}老旧危房`;
    case 'R06':
      return `${brand(rng)}${rng.pick(['广场', '商业街', '体育馆', '汽车客运站', '夜市'])}`;
    case 'R07':
      return `${tshort(p)}${brand(rng)}${rng.pick(['燃气调压站', '液化石油气供应站', '瓶装气储配站'])}`;
    case 'R08':
      return `${v}${rng.pick(['安置房', '商住楼', '地铁站', '综合体'])}项目深基坑`;
    default:
      return `${v}风险源`;
  }
}

/** risk_sources.csv: id,name,kind,level,impact_radius_m,town_code,village_code,grid_code,synthetic,geom (level 1..4, radius in metres) */
export function writeRiskSources(
  outDir: string,
  n: number,
  cats: readonly Category[],
  placer: Placer,
  rng: Rng,
): number {
  const kinds = kindsOf(cats, 'risk_source', false).map((c) => [c.code, RISK[c.code]?.weight ?? 1] as const);
  const w = new CsvWriter(join(outDir, 'risk_sources.csv'), datasetColumns('risk_sources'));
  for (let id = 1; id <= n; id++) {
    const kind = rng.weighted(kinds);
    const level = rng.weighted([
      [1, 3],
      [2, 12],
      [3, 30],
      [4, 55],
    ] as const);
    const [lo, hi] = RISK[kind]?.radius ?? [50, 200];
    const radius = Math.round(rng.range(lo, hi) / 10) * 10;
    const p = placer.place(rng);
    w.write([id, riskName(kind, p, rng), kind, level, radius, ...areaCols(p), true, geomPoint(p.lon, p.lat)]);
  }
  w.close();
  return w.rows;
}

/**
 * cameras.csv: id,code,name,town_code,village_code,grid_code,synthetic,geom
 * code: 20-digit GB/T 28181 device id 44190000 (centre) + 00 (industry) + 132 (IP camera) + 0 (network) + 6-digit serial.
 */
export function writeCameras(outDir: string, n: number, placer: Placer, rng: Rng): number {
  const w = new CsvWriter(join(outDir, 'cameras.csv'), datasetColumns('cameras'));
  for (let id = 1; id <= n; id++) {
    const p = placer.place(rng);
    const name = `${vshort(p)}${road(rng)}${rng.pick(['路口', '东侧', '西侧', '南侧', '北侧', '入口', '中段'])}监控`;
    w.write([id, `44190000001320${pad(id, 6)}`, name, ...areaCols(p), true, geomPoint(p.lon, p.lat)]);
  }
  w.close();
  return w.rows;
}

/** Team kinds with their capabilities (vocabulary documented in geodata/README.md). */
export const TEAM_CAPABILITIES: Record<string, string[]> = {
  police: ['public_security'],
  urban_management: ['urban_management', 'municipal_repair', 'construction_supervision'],
  grid_worker: ['grid_patrol', 'mediation'],
  fire: ['fire_rescue'],
  medical: ['medical'],
  volunteer: ['grid_patrol'],
  mediator: ['mediation'],
};

const OTHER_TEAMS = [
  ['police', 30],
  ['urban_management', 25],
  ['fire', 8],
  ['medical', 10],
  ['volunteer', 17],
  ['mediator', 10],
] as const;

function teamName(kind: string, p: Placed, k: number): string {
  const t = tshort(p);
  switch (kind) {
    case 'police':
      return `${t}派出所巡逻${k}组`;
    case 'urban_management':
      return `${t}城管执法${k}组`;
    case 'fire':
      return `${t}消防救援${k}队`;
    case 'medical':
      return `${t}120急救${k}组`;
    case 'volunteer':
      return `${t}东莞义警${k}队`;
    case 'mediator':
      return `${t}人民调解${k}组`;
    default:
      return `${t}${kind}${k}`;
  }
}

/**
 * teams.csv: id,name,kind,capabilities,status,on_duty,home_area_code,synthetic,position_at,geom
 * One grid worker per grid (home = grid code, placed in the grid), then `others` teams of other
 * kinds with home = the town that contains their position. position_at is fixed (SAMPLE_NOW_MS).
 */
export function writeTeams(outDir: string, others: number, placer: Placer, rng: Rng): number {
  const w = new CsvWriter(join(outDir, 'teams.csv'), datasetColumns('teams'));
  const at = isoUtc(SAMPLE_NOW_MS);
  let id = 0;
  const status = (): string =>
    rng.weighted([
      ['available', 85],
      ['dispatched', 5],
      ['on_scene', 3],
      ['off_duty', 7],
    ] as const);
  for (const g of placer.grids) {
    const p = placer.pointInGrid(g, rng);
    const s = status();
    w.write([
      ++id,
      `${g.name}网格员`,
      'grid_worker',
      pgTextArray(TEAM_CAPABILITIES.grid_worker ?? []),
      s,
      s !== 'off_duty',
      g.code,
      true,
      at,
      geomPoint(p.lon, p.lat),
    ]);
  }
  const perTownKind = new Map<string, number>();
  for (let i = 0; i < others; i++) {
    const kind = rng.weighted(OTHER_TEAMS);
    const p = placer.place(rng);
    const key = `${p.town.code}/${kind}`;
    const k = (perTownKind.get(key) ?? 0) + 1;
    perTownKind.set(key, k);
    const s = status();
    w.write([
      ++id,
      teamName(kind, p, k),
      kind,
      pgTextArray(TEAM_CAPABILITIES[kind] ?? []),
      s,
      s !== 'off_duty',
      p.town.code,
      true,
      at,
      geomPoint(p.lon, p.lat),
    ]);
  }
  w.close();
  return w.rows;
}

const INCIDENT_WEIGHTS: Record<string, number> = {
  '0101': 4,
  '0102': 12,
  '0103': 5,
  '0104': 6,
  '0105': 1,
  '0106': 2,
  '0201': 8,
  '0301': 3,
  '0302': 3,
  '0304': 2,
  '0305': 2,
  '0401': 0.5,
  '0402': 1,
  '0403': 0.3,
  '0404': 1.5,
  '0406': 1.5,
  '0501': 8,
  '0504': 6,
  '0505': 10,
  '0506': 6,
  '0601': 1,
  '9001': 4,
  '9002': 2,
  '9003': 2,
  '9101': 3,
  '9102': 3,
  '9103': 2,
};

const DESCRIPTIONS: Record<string, string[]> = {
  '0101': ['{p}有人未经审批搭建铁皮棚', '{p}楼顶加建违章构筑物', '{p}占用公共空地私搭乱建'],
  '0102': ['{p}路边堆放生活垃圾未清运', '{p}垃圾桶满溢，垃圾散落地面', '{p}绿化带内有成堆垃圾'],
  '0103': ['{p}积存建筑垃圾和渣土', '{p}空地长期堆放渣土'],
  '0104': ['{p}路面有大量泥沙，影响通行', '{p}人行道油污严重'],
  '0105': ['{p}河涌水面漂浮大量垃圾', '{p}水体发黑发臭'],
  '0106': ['{p}绿地内杂物堆积', '{p}绿化带被踩踏、垃圾较多'],
  '0201': ['{p}电线杆上张贴大量小广告', '{p}墙面喷涂办证小广告'],
  '0301': ['{p}工地夜间施工噪音扰民', '{p}凌晨施工机械作业扰民'],
  '0302': ['{p}工地未覆盖裸土，扬尘严重', '{p}渣土车出入工地未冲洗，扬尘大'],
  '0304': ['{p}施工废料随意堆放在路边', '{p}装修废弃物堆放在楼道口'],
  '0305': ['{p}施工围挡占用行车道', '{p}施工材料占用人行道'],
  '0401': ['{p}路面出现塌陷坑洞', '{p}人行道地面下沉开裂'],
  '0402': ['{p}自来水管爆裂，路面大量冒水', '{p}供水管道漏水严重'],
  '0403': ['{p}闻到明显燃气味，疑似管道泄漏', '{p}施工挖断燃气管道'],
  '0404': ['{p}下水道堵塞，污水外溢', '{p}排水井破损，污水横流'],
  '0406': ['{p}暴雨后路面积水较深', '{p}下穿通道积水，车辆无法通行'],
  '0501': ['{p}流动摊贩占道摆卖', '{p}路口有游商聚集摆摊'],
  '0504': ['{p}店铺占用人行道经营', '{p}商户跨门槛经营堆放货物'],
  '0505': ['{p}机动车违停占用消防通道', '{p}车辆乱停放堵塞路口'],
  '0506': ['{p}共享单车大量堆积', '{p}电动车乱停放占用盲道'],
  '0601': ['{p}有老人摔倒受伤，需要帮助', '{p}有人突发疾病倒地'],
  '9001': ['{p}邻里因噪音问题发生争吵', '{p}邻居因漏水问题产生纠纷'],
  '9002': ['{p}工厂拖欠工人工资，工人聚集讨薪', '{p}员工与企业因加班费发生纠纷'],
  '9003': ['{p}业主与物业因收费问题发生纠纷', '{p}小区停车管理引发业主与物业矛盾'],
  '9101': ['{p}出租屋楼道堆放杂物堵塞消防通道', '{p}电动车在楼道内充电，存在火灾隐患'],
  '9102': ['{p}出租屋未登记流动人口', '{p}出租屋门禁损坏，存在治安隐患'],
  '9103': ['{p}有可疑人员多次徘徊', '{p}夜间有人撬车门，疑似盗窃'],
};

const CHANNELS = [
  ['patrol', 40],
  ['citizen', 15],
  ['open311', 5],
  ['video', 12],
  ['iot', 3],
  ['hotline', 15],
  ['venue_code', 3],
  ['desk', 7],
] as const;

/**
 * incidents.csv: id,client_key,category,channel,description,status,priority,reported_at,deadline_at,
 * closed_at,town_code,village_code,grid_code,synthetic,geom
 * Reported 2026-10-01..2026-11-26 (China time, written in UTC). deadline_at = reported_at + the
 * category's deadline (working hours as hours, working days as 24 h each; no calendar applied).
 */
export function writeIncidents(
  outDir: string,
  n: number,
  cats: readonly Category[],
  placer: Placer,
  rng: Rng,
): number {
  const leaves = kindsOf(cats, 'incident', true);
  const table = leaves.map((c) => [c.code, INCIDENT_WEIGHTS[c.code] ?? 1] as const);
  const byCode = new Map(leaves.map((c) => [c.code, c]));
  const w = new CsvWriter(join(outDir, 'incidents.csv'), datasetColumns('incidents'));
  const H = 3600_000;
  const days = 57; // 2026-10-01 .. 2026-11-26
  for (let id = 1; id <= n; id++) {
    const code = rng.weighted(table);
    const cat = byCode.get(code);
    if (!cat) throw new Error(`unknown category ${code}`);
    const p = placer.place(rng);
    const day = rng.int(0, days - 1);
    const hour = rng.weighted([
      [7, 4],
      [8, 8],
      [9, 10],
      [10, 10],
      [11, 9],
      [12, 6],
      [13, 6],
      [14, 9],
      [15, 9],
      [16, 9],
      [17, 8],
      [18, 7],
      [19, 6],
      [20, 6],
      [21, 4],
      [22, 2],
      [23, 1],
      [0, 1],
      [1, 0.5],
      [2, 0.5],
      [3, 0.5],
      [4, 0.5],
      [5, 0.5],
      [6, 2],
    ] as const);
    // local (UTC+8) → UTC
    const reported = Date.UTC(2026, 9, 1 + day, hour - 8, rng.int(0, 59), rng.int(0, 59));
    const amount = cat.deadlineAmount ?? 1;
    const span = (cat.deadlineUnit === 'working_hours' ? amount : amount * 24) * H;
    const deadline = reported + span;
    const age = SAMPLE_NOW_MS - reported;
    const closedShare = age > 3 * 24 * H ? 0.95 : 0.5;
    let status: string;
    let closed: number | null = null;
    if (rng.chance(closedShare)) {
      status = 'closed';
      closed = Math.round((reported + span * rng.range(0.2, 1.4)) / 1000) * 1000;
      if (closed >= SAMPLE_NOW_MS) closed = SAMPLE_NOW_MS - rng.int(1, 3600) * 1000;
      if (closed <= reported) closed = reported + 60_000;
    } else {
      status = rng.weighted([
        ['reported', 20],
        ['accepted', 20],
        ['dispatched', 25],
        ['on_scene', 15],
        ['resolved', 20],
      ] as const);
    }
    const base = cat.defaultPriority ?? 3;
    const prio = Math.min(4, Math.max(1, base + (rng.chance(0.15) ? rng.pick([-1, 1]) : 0)));
    const where = `${p.town.name}${vshort(p)}${street(rng)}附近`;
    const desc = rng.pick(DESCRIPTIONS[code] ?? ['{p}发现问题']).replace('{p}', where);
    const channel = rng.weighted(CHANNELS);
    w.write([
      id,
      `sample-${id}`,
      code,
      channel,
      desc,
      status,
      prio,
      isoUtc(reported),
      isoUtc(deadline),
      closed === null ? null : isoUtc(closed),
      ...areaCols(p),
      true,
      geomPoint(p.lon, p.lat),
    ]);
  }
  w.close();
  return w.rows;
}
