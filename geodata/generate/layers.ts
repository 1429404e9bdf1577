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
import type { RiskRec, TeamAtHorizon, TeamRec } from './history.ts';
import type { Placed, Placer } from './placement.ts';
import type { Rng } from './prng.ts';

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
): RiskRec[] {
  const kinds = kindsOf(cats, 'risk_source', false).map((c) => [c.code, RISK[c.code]?.weight ?? 1] as const);
  const w = new CsvWriter(join(outDir, 'risk_sources.csv'), datasetColumns('risk_sources'));
  const out: RiskRec[] = [];
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
    out.push({ id, level, radiusM: radius, lon: p.lon, lat: p.lat });
  }
  w.close();
  return out;
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
 * The teams: one grid worker per grid (home = grid code, placed in the grid), then `others`
 * teams of other kinds with home = the town that contains their position.
 */
export function buildTeams(others: number, placer: Placer, rng: Rng): TeamRec[] {
  const teams: TeamRec[] = [];
  for (const g of placer.grids) {
    const p = placer.pointInGrid(g, rng);
    teams.push({
      id: teams.length + 1,
      name: `${g.name}网格员`,
      kind: 'grid_worker',
      capabilities: TEAM_CAPABILITIES.grid_worker ?? [],
      home: [p.lon, p.lat],
      homeArea: g.code,
      townCode: p.town.code,
    });
  }
  const perTownKind = new Map<string, number>();
  for (let i = 0; i < others; i++) {
    const kind = rng.weighted(OTHER_TEAMS);
    const p = placer.place(rng);
    const key = `${p.town.code}/${kind}`;
    const k = (perTownKind.get(key) ?? 0) + 1;
    perTownKind.set(key, k);
    teams.push({
      id: teams.length + 1,
      name: teamName(kind, p, k),
      kind,
      capabilities: TEAM_CAPABILITIES[kind] ?? [],
      home: [p.lon, p.lat],
      homeArea: p.town.code,
      townCode: p.town.code,
    });
  }
  return teams;
}

/**
 * teams.csv: id,name,kind,capabilities,status,on_duty,home_area_code,synthetic,position_at,geom —
 * each team as the history leaves it at its horizon (history.ts): dispatched or on scene with
 * an open dispatch, else available or off duty by its shift; its last position fix.
 */
export function writeTeams(
  outDir: string,
  teams: readonly TeamRec[],
  state: ReadonlyMap<number, TeamAtHorizon>,
): number {
  const w = new CsvWriter(join(outDir, 'teams.csv'), datasetColumns('teams'));
  for (const t of teams) {
    const s = state.get(t.id);
    if (!s) throw new Error(`team ${t.id} has no state`);
    w.write([
      t.id,
      t.name,
      t.kind,
      pgTextArray(t.capabilities),
      s.status,
      s.status !== 'off_duty',
      t.homeArea,
      true,
      isoUtc(s.positionAt),
      geomPoint(s.lon, s.lat),
    ]);
  }
  w.close();
  return w.rows;
}
