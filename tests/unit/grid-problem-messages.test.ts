import { describe, expect, it } from 'vitest';
import { GRID_PROBLEM_CODES, type GridProblemCode } from '../../api/lib/grid-geometry.ts';
import { VALIDITY_REASON_CODES, VALIDITY_REASONS } from '../../api/lib/postgis-validity.ts';
import type { GridProblem } from '../../web/api/client.ts';
import { problemKey, problemText, validityKey } from '../../web/grids/problem-text.ts';
import { LANGUAGES, translate, type Language, type MessageKey, type MessageParams } from '../../web/i18n.ts';

/**
 * The parameters the API sends with each problem code (read from api/lib/grid-geometry.ts and
 * api/db/grid-repository.ts): a message may use these and no others.
 */
const PARAMS: Record<GridProblemCode, readonly string[]> = {
  geometry_required: [],
  not_polygon: ['type'],
  multipolygon: [],
  no_ring: [],
  ring_not_array: ['ring'],
  too_many_vertices: ['max'],
  position_not_pair: ['ring', 'position'],
  position_out_of_range: ['ring', 'position', 'lon', 'lat'],
  ring_too_short: ['ring', 'count'],
  ring_not_closed: ['ring'],
  line_required: [],
  line_too_short: [],
  invalid: ['reason', 'detail'],
  no_area: [],
  outside_village: ['village', 'areaM2', 'toleranceM'],
  overlaps_grid: ['other', 'areaM2'],
  overlaps_feature: ['other', 'areaM2'],
  nothing_left: ['village'],
  pieces: ['pieces'],
  gap: ['areaM2'],
  not_in_village: ['code', 'village'],
  merge_not_neighbours: ['parts'],
  line_misses: [],
  name_required: ['max'],
  code_unknown: ['code', 'village'],
  code_twice: ['code'],
  households_invalid: [],
  no_features: [],
};

const HAN = /\p{Script=Han}/u;

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

/** The message of a key as the catalogue holds it (undefined when it has none). */
function raw(language: Language, key: MessageKey): string | undefined {
  return translate(language, key);
}

const t = (key: MessageKey, params?: MessageParams) => translate('zh-CN', key, params);
const tEn = (key: MessageKey, params?: MessageParams) => translate('en', key, params);

describe('grid problem messages', () => {
  it('every problem code has a message in every language, with the same placeholders', () => {
    expect(Object.keys(PARAMS).sort()).toEqual([...GRID_PROBLEM_CODES].sort());
    for (const code of GRID_PROBLEM_CODES) {
      const zh = raw('zh-CN', problemKey(code));
      const en = raw('en', problemKey(code));
      expect(typeof zh, code).toBe('string');
      expect(typeof en, code).toBe('string');
      expect(zh, code).toMatch(HAN);
      expect(en, code).not.toMatch(HAN);
      expect(placeholders(zh!), code).toEqual(placeholders(en!));
      for (const name of placeholders(zh!)) expect(PARAMS[code], `${code} {${name}}`).toContain(name);
    }
  });

  it('every validity reason has a message in every language; the Chinese is the one imports store', () => {
    expect(VALIDITY_REASON_CODES).toContain('unknown');
    for (const reason of VALIDITY_REASON_CODES) {
      for (const language of LANGUAGES) {
        const text = raw(language, validityKey(reason));
        expect(typeof text, `${language} ${reason}`).toBe('string');
        expect(text!.length, `${language} ${reason}`).toBeGreaterThan(0);
      }
      expect(raw('zh-CN', validityKey(reason))).toMatch(HAN);
      expect(raw('en', validityKey(reason))).not.toMatch(HAN);
    }
    for (const r of VALIDITY_REASONS) expect(raw('zh-CN', validityKey(r.code))).toBe(r.zh);
  });
});

describe('problemText', () => {
  const names = new Map([
    ['441900110002', '常平社区'],
    ['441900110002003', '第三网格'],
  ]);

  it('says an overlap in Chinese with the neighbour’s name, never the English sentence', () => {
    const p: GridProblem = {
      kind: 'overlap',
      code: 'overlaps_grid',
      params: { other: '441900110002003', areaM2: 812.4 },
      message: 'overlaps grid 441900110002003 by 812.4 m²',
    };
    expect(problemText(p, t, names)).toBe('与网格 第三网格 (441900110002003) 重叠 812.4 平方米。');
    expect(problemText(p, tEn, names)).toBe('Overlaps grid 第三网格 (441900110002003) by 812.4 m².');
    // a neighbour the page does not know: its code
    expect(problemText(p, t)).toBe('与网格 441900110002003 重叠 812.4 平方米。');
  });

  it('says a self-intersection through its reason code, and an unknown reason as such', () => {
    const p: GridProblem = {
      kind: 'invalid',
      code: 'invalid',
      params: { reason: 'self_intersection', detail: 'Self-intersection[113.7 22.9]' },
      message: 'the outline is not a valid polygon: Self-intersection[113.7 22.9]',
    };
    expect(problemText(p, t)).toBe('边界不是有效的多边形：自相交。');
    expect(problemText(p, tEn)).toBe('The outline is not a valid polygon: the outline intersects itself.');
    const odd = { ...p, params: { reason: 'something GEOS says later' } };
    expect(problemText(odd, t)).toBe('边界不是有效的多边形：原因未知。');
  });

  it('names the ring of a position problem and the village of an outline outside it', () => {
    const hole: GridProblem = {
      kind: 'ring',
      code: 'ring_too_short',
      params: { ring: 2, count: 3 },
      message: 'hole 2: 3 positions; a ring needs at least 4',
    };
    expect(problemText(hole, t)).toBe('第 2 个内环只有 3 个坐标，一个环至少需要 4 个。');
    expect(problemText({ ...hole, params: { ring: 0, count: 2 } }, tEn)).toBe(
      'Outer ring: 2 positions; a ring needs at least 4.',
    );
    const outside: GridProblem = {
      kind: 'outside_parent',
      code: 'outside_village',
      params: { village: '441900110002', areaM2: 5000, toleranceM: 0.5 },
      message: '5000 m² lie outside the village 441900110002 (more than 0.5 m beyond its boundary)',
    };
    expect(problemText(outside, t, names)).toBe(
      '有 5000 平方米超出 常平社区 (441900110002) 的边界（超出 0.5 米以上）。',
    );
  });

  it('leaves no placeholder unfilled for the parameters the API sends', () => {
    for (const code of GRID_PROBLEM_CODES) {
      const params = Object.fromEntries(PARAMS[code].map((name) => [name, name === 'ring' ? 1 : 7]));
      const p: GridProblem = { kind: 'invalid', code, params, message: `English ${code}` };
      for (const tr of [t, tEn]) {
        const text = problemText(p, tr, names);
        expect(text, code).not.toMatch(/[{}]/);
        expect(text, code).not.toContain(`English ${code}`);
      }
    }
  });
});
