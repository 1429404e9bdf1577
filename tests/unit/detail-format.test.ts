import { describe, expect, it } from 'vitest';
import {
  areaLevelKey,
  detailRows,
  formatValue,
  pointOf,
  titleOf,
} from '../../web/components/detail-format.ts';
import { statusName } from '../../web/components/labels.ts';
import { translate, type MessageKey } from '../../web/i18n.ts';

const zh = (key: MessageKey) => translate('zh-CN', key);
const en = (key: MessageKey) => translate('en', key);

describe('the detail panel words its values', () => {
  it('names area levels, booleans, lists, numbers and objects', () => {
    expect(formatValue('level', 'village', zh)).toBe('村（社区）');
    // a risk source's level is a number, not an area level: its name
    expect(formatValue('level', 2, zh)).toBe('较大风险');
    expect(formatValue('level', 7, zh)).toBe('7');
    expect(formatValue('onDuty', true, en)).toBe('yes');
    expect(formatValue('capabilities', ['pump', 'boat'], en)).toBe('pump, boat');
    expect(formatValue('impactRadiusM', 250.123456789, en)).toBe('250.123457');
    expect(formatValue('address', '', en)).toBe('—');
    expect(formatValue('extra', { a: 1 }, en)).toBe('{"a":1}');
  });

  it('titles an item by name, else category or code, else number', () => {
    expect(titleOf({ name: '东城医院', code: 'X1' }, 4)).toBe('东城医院');
    expect(titleOf({ categoryName: '井盖缺失' }, 4)).toBe('井盖缺失');
    expect(titleOf({ name: '' }, 4)).toBe('#4');
    expect(titleOf({}, null)).toBe('');
  });

  it('shows English names in English, not as rows of their own, and hides internal keys', () => {
    const properties = { kindName: '学校', kindNameEn: 'School', path: [], labelPoint: [1, 2], code: 'A' };
    expect(detailRows(properties, 'en')).toEqual([
      ['kindName', 'School'],
      ['code', 'A'],
    ]);
    expect(detailRows(properties, 'zh-CN', ['code'])).toEqual([['kindName', '学校']]);
  });

  it('reads a point, and nothing else, as a position', () => {
    expect(pointOf({ type: 'Point', coordinates: [113.7, 22.9] })).toEqual([113.7, 22.9]);
    expect(pointOf({ type: 'LineString', coordinates: [[0, 0]] })).toBeNull();
    expect(pointOf(null)).toBeNull();
  });

  it('knows the area levels and the statuses; an unknown status is shown as it is', () => {
    expect(areaLevelKey('grid')).toBe('area.grid');
    expect(areaLevelKey('toString')).toBeNull();
    expect(statusName(zh, 'on_scene')).toBe('在现场');
    expect(statusName(en, 'removed')).toBe('Removed');
    expect(statusName(en, 'mystery')).toBe('mystery');
    expect(statusName(en, 'constructor')).toBe('constructor');
  });
});
