/**
 * What each import layer's fields are, how source columns are matched to them, and how one
 * source value becomes a stored value (or a rejection). Pure: the database checks (area
 * lookup, codes already stored, scope) come later, in SQL.
 */
import type { ImportField, ImportLayer, RejectionReason } from '../schemas/imports.ts';

/** A field of a layer, with the column names it is recognised by (lower case). */
interface FieldDef extends ImportField {
  aliases: readonly string[];
}

const f = (
  name: string,
  required: boolean,
  nameZh: string,
  nameEn: string,
  hintZh: string,
  hintEn: string,
  aliases: string[],
): FieldDef => ({
  name,
  required,
  nameZh,
  nameEn,
  hintZh,
  hintEn,
  aliases: [name.toLowerCase(), ...aliases],
});

const NAME = f('name', true, '名称', 'Name', '文本，1–200 字', 'text, 1–200 characters', [
  '名称',
  '名字',
  'mc',
  'title',
  '场所名称',
  '队伍名称',
  '风险源名称',
  '设备名称',
]);

/** Geometry a layer takes: points only, points or polygons, polygons only. */
export type GeometryKind = 'point' | 'point_or_polygon' | 'polygon';

export interface LayerImportDef {
  geometry: GeometryKind;
  fields: readonly FieldDef[];
}

export const IMPORT_LAYER_DEFS: Record<ImportLayer, LayerImportDef> = {
  sites: {
    geometry: 'point',
    fields: [
      NAME,
      f('kind', true, '场所类型', 'Site kind', '类型代码或名称，如 SCHOOL 或 学校', 'kind code or name', [
        '类型',
        '类别',
        '场所类型',
        'type',
        'category',
        'lx',
      ]),
      f('address', false, '地址', 'Address', '文本', 'text', ['地址', 'addr', 'dz']),
    ],
  },
  components: {
    geometry: 'point',
    fields: [
      f(
        'code',
        true,
        '部件编码',
        'Component code',
        'GB/T 30428.2 的 16 位编码：6 位区划 + 2 位大类 + 2 位小类 + 6 位流水号',
        '16-digit GB/T 30428.2 code',
        ['编码', '部件编码', '部件代码', 'bjbm', 'id_code'],
      ),
      f(
        'kind',
        false,
        '部件小类',
        'Component kind',
        '4 位小类代码或名称；空时取自编码',
        '4-digit kind code or name',
        ['小类', '类型', '部件类型', 'type'],
      ),
      f(
        'status',
        false,
        '状态',
        'Status',
        '完好/损坏/丢失/移除 或 normal/damaged/missing/removed',
        'status',
        ['状态', 'zt'],
      ),
    ],
  },
  risk_sources: {
    geometry: 'point_or_polygon',
    fields: [
      NAME,
      f('kind', true, '风险源类型', 'Risk source kind', '类型代码或名称', 'kind code or name', [
        '类型',
        '类别',
        '风险类型',
        'type',
        'category',
      ]),
      f(
        'level',
        true,
        '风险等级',
        'Risk level',
        '1–4，或 重大/较大/一般/低，或 红/橙/黄/蓝',
        '1–4 or red/orange/yellow/blue',
        ['等级', '风险等级', '级别', 'risk_level', 'dj'],
      ),
      f(
        'impactRadiusM',
        true,
        '影响半径（米）',
        'Impact radius (m)',
        '大于 0、不超过 50000 的数',
        'metres, 0 < r ≤ 50000',
        ['impact_radius_m', 'radius', '影响半径', '半径', '影响范围'],
      ),
    ],
  },
  cameras: {
    geometry: 'point',
    fields: [
      f('code', true, '设备编码', 'Camera code', '唯一编码，如国标 20 位编码', 'unique code', [
        '编码',
        '设备编码',
        '国标编码',
        'gbid',
        'device_id',
      ]),
      NAME,
    ],
  },
  teams: {
    geometry: 'point',
    fields: [
      NAME,
      f('kind', true, '队伍类型', 'Team kind', '公安/城管/网格员/消防/医疗/志愿者/调解 或代码', 'team kind', [
        '类型',
        '队伍类型',
        'type',
      ]),
      f(
        'capabilities',
        false,
        '处置能力',
        'Capabilities',
        '能力代码，用逗号或顿号分隔',
        'capability codes, comma separated',
        ['能力', '处置能力', 'capability'],
      ),
      f(
        'homeAreaCode',
        false,
        '所属区域代码',
        'Home area code',
        '9/12/15 位区划或网格代码；空时取所在网格',
        'area code',
        ['home_area_code', '所属区域', '区域代码', 'area_code'],
      ),
      f('onDuty', false, '在岗', 'On duty', '是/否', 'yes/no', ['on_duty', '在岗', '值班']),
    ],
  },
  areas: {
    geometry: 'polygon',
    fields: [
      f(
        'code',
        true,
        '区划代码',
        'Area code',
        '9 位镇街、12 位村社区或 15 位网格代码',
        '9-, 12- or 15-digit code',
        ['代码', '区划代码', '编码', '网格编码', 'qhdm', 'wgbm'],
      ),
      NAME,
      f('population', false, '人口', 'Population', '非负整数', 'whole number', ['人口', 'pop', 'rk']),
      f('households', false, '户数', 'Households', '非负整数', 'whole number', ['户数', 'hs']),
    ],
  },
};

/** The fields of a layer as the API describes them. */
export function importFields(layer: ImportLayer): ImportField[] {
  return IMPORT_LAYER_DEFS[layer].fields.map(({ aliases: _aliases, ...rest }) => rest);
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_\-（）()]/g, '');

/** field → column, for the fields whose name or a known alias matches a column. */
export function suggestMapping(layer: ImportLayer, columns: readonly string[]): Record<string, string> {
  const byNorm = new Map(columns.map((c) => [norm(c), c]));
  const out: Record<string, string> = {};
  for (const field of IMPORT_LAYER_DEFS[layer].fields) {
    for (const alias of field.aliases) {
      const hit = byNorm.get(norm(alias));
      if (hit !== undefined) {
        out[field.name] = hit;
        break;
      }
    }
  }
  return out;
}

const LON = ['lon', 'lng', 'long', 'longitude', 'x', '经度', 'jd', 'point_x'];
const LAT = ['lat', 'latitude', 'y', '纬度', 'wd', 'point_y'];
const WKT = ['wkt', 'geom', 'geometry', 'the_geom', 'shape', '几何'];

/** The position columns of a CSV, guessed from their names; null when none match. */
export function suggestCoordinates(
  columns: readonly string[],
): { lon: string; lat: string } | { wkt: string } | null {
  const find = (names: string[]) => columns.find((c) => names.includes(norm(c)));
  const lon = find(LON);
  const lat = find(LAT);
  if (lon && lat) return { lon, lat };
  const wkt = find(WKT);
  return wkt ? { wkt } : null;
}

/** A refused value. */
export interface Refusal {
  reason: RejectionReason;
  field: string | null;
  message: string;
}

export const refuse = (reason: RejectionReason, field: string | null, message: string): Refusal => ({
  reason,
  field,
  message,
});

export const isRefusal = (v: unknown): v is Refusal =>
  typeof v === 'object' && v !== null && 'reason' in v && 'message' in v;

/** A category as the importer matches it: by code, Chinese or English name. */
export interface CategoryRef {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Only leaf categories (小类) may be given to a component. */
  leaf: boolean;
}

/** Looks a category up by code or name, case-insensitively; null when unknown. */
export function categoryMatcher(categories: readonly CategoryRef[]): (v: string) => CategoryRef | null {
  const map = new Map<string, CategoryRef>();
  for (const c of categories) {
    for (const k of [c.code, c.nameZh, c.nameEn]) map.set(k.trim().toLowerCase(), c);
  }
  return (v) => map.get(v.trim().toLowerCase()) ?? null;
}

const LEVELS: Record<string, number> = {
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  重大: 1,
  重大风险: 1,
  较大: 2,
  较大风险: 2,
  一般: 3,
  一般风险: 3,
  低: 4,
  低风险: 4,
  红: 1,
  红色: 1,
  橙: 2,
  橙色: 2,
  黄: 3,
  黄色: 3,
  蓝: 4,
  蓝色: 4,
  red: 1,
  orange: 2,
  yellow: 3,
  blue: 4,
  一级: 1,
  二级: 2,
  三级: 3,
  四级: 4,
};

/** Risk level 1–4 from a number or a Chinese/English level or colour name; null when not one. */
export function parseRiskLevel(v: string): number | null {
  return LEVELS[v.trim().toLowerCase()] ?? null;
}

const COMPONENT_STATUS: Record<string, string> = {
  normal: 'normal',
  damaged: 'damaged',
  missing: 'missing',
  removed: 'removed',
  完好: 'normal',
  正常: 'normal',
  损坏: 'damaged',
  破损: 'damaged',
  丢失: 'missing',
  缺失: 'missing',
  移除: 'removed',
  拆除: 'removed',
};

/** Component status from its code or Chinese name; null when not one. */
export function parseComponentStatus(v: string): string | null {
  return COMPONENT_STATUS[v.trim().toLowerCase()] ?? null;
}

export const TEAM_KINDS = [
  'police',
  'urban_management',
  'grid_worker',
  'fire',
  'medical',
  'volunteer',
  'mediator',
] as const;

const TEAM_KIND_NAMES: Record<string, string> = {
  公安: 'police',
  派出所: 'police',
  民警: 'police',
  警察: 'police',
  城管: 'urban_management',
  城市管理: 'urban_management',
  网格员: 'grid_worker',
  网格: 'grid_worker',
  消防: 'fire',
  消防救援: 'fire',
  医疗: 'medical',
  急救: 'medical',
  '120': 'medical',
  志愿者: 'volunteer',
  调解: 'mediator',
  人民调解: 'mediator',
  调解员: 'mediator',
};

/** Team kind from its code or a Chinese name; null when not one. */
export function parseTeamKind(v: string): string | null {
  const s = v.trim().toLowerCase();
  if ((TEAM_KINDS as readonly string[]).includes(s)) return s;
  return TEAM_KIND_NAMES[s] ?? null;
}

/** Yes/no in the ways spreadsheets write it; null when neither. */
export function parseYesNo(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'y', 't', '是', '在岗', '值班'].includes(s)) return true;
  if (['0', 'false', 'no', 'n', 'f', '否', '离岗', '不在岗'].includes(s)) return false;
  return null;
}

/** A number written plainly or with a metre unit ("500", "500m", "500 米"); null when not one. */
export function parseMetres(v: string): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:m|米|公尺)?\s*$/i.exec(v);
  return m ? Number(m[1]) : null;
}

/** A whole non-negative number (thousands separators allowed); null when not one. */
export function parseCount(v: string): number | null {
  const s = v.trim().replace(/[,，]/g, '');
  return /^[0-9]{1,9}$/.test(s) ? Number(s) : null;
}

/** Capability codes split from a list written with commas, semicolons, 、 or spaces. */
export function splitList(v: string): string[] {
  return v
    .split(/[,;，；、|\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
