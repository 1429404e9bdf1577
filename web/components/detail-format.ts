import type { AreaLevel, LayerId } from '../api/client.ts';
import type { I18n, Language, MessageKey } from '../i18n.ts';
import { formatTime } from '../lib/format.ts';
import { channelName, priorityName } from '../lib/incident-format.ts';
import { capabilityName, teamKindName } from '../lib/team-format.ts';
import { statusName } from './labels.ts';

/** What the detail panel shows: a feature of a point layer, or an area. */
export type DetailTarget =
  | {
      kind: 'feature';
      layer: LayerId;
      id: number;
      /** [lon, lat], when known (for "what is around"). */
      position: [number, number] | null;
      /** Properties known before the full record loads (from the tile). */
      properties: Record<string, unknown>;
    }
  | { kind: 'area'; code: string; properties: Record<string, unknown> };

/** The name of each area level. */
export const AREA_LEVEL_NAME: Record<AreaLevel, MessageKey> = {
  city: 'area.city',
  town: 'area.town',
  village: 'area.village',
  grid: 'area.grid',
};

/** The message of an area level, if `value` is one. */
export function areaLevelKey(value: unknown): MessageKey | null {
  return isAreaLevel(value) ? AREA_LEVEL_NAME[value] : null;
}

function isAreaLevel(value: unknown): value is AreaLevel {
  return typeof value === 'string' && Object.hasOwn(AREA_LEVEL_NAME, value);
}

/** Properties not worth a row: shown elsewhere (path) or internal. */
const HIDDEN_KEYS: ReadonlySet<string> = new Set(['labelPoint', 'path', 'bbox']);

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6)));
}

/** An ISO 8601 instant as the API sends it ("2026-12-04T06:30:00Z"). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * A coded value in words by the property that carries it: statuses, priorities, risk levels,
 * team kinds, capabilities and channels; null when the property is not a coded one (or the
 * code is unknown: then it shows as it is).
 */
function codedValue(key: string, value: unknown, t: I18n['t']): string | null {
  if (typeof value === 'number') {
    if (key === 'level' && isRiskLevel(value)) return t(`risk.${value}`);
    if (key === 'priority') return priorityName(t, value);
    return null;
  }
  if (typeof value !== 'string') return null;
  if (key === 'status') return statusName(t, value);
  if (key === 'kind') return teamKindName(t, value);
  if (key === 'capability') return capabilityName(t, value);
  if (key === 'channel') return channelName(t, value);
  return null;
}

const isRiskLevel = (n: number): n is 1 | 2 | 3 | 4 => n === 1 || n === 2 || n === 3 || n === 4;

/**
 * A property value as text: area levels, risk levels, statuses, kinds and booleans in words,
 * times on China time in the interface language (with `language`), arrays joined, objects as JSON.
 */
export function formatValue(key: string, value: unknown, t: I18n['t'], language?: Language): string {
  const level = key === 'level' ? areaLevelKey(value) : null;
  if (level) return t(level);
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('value.yes') : t('value.no');
  const coded = codedValue(key, value, t);
  if (coded !== null) return coded;
  if (Array.isArray(value))
    return value
      .map((v) =>
        typeof v === 'number'
          ? formatNumber(v)
          : key === 'capabilities' && typeof v === 'string'
            ? capabilityName(t, v)
            : String(v),
      )
      .join(language === 'zh-CN' ? '、' : ', ');
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'object') return JSON.stringify(value);
  if (language && ISO_INSTANT.test(String(value))) return formatTime(language, String(value));
  return String(value);
}

/** The best title of an item: its name, else its category or code, else its number. */
export function titleOf(properties: Record<string, unknown>, id: string | number | null): string {
  for (const key of ['name', 'categoryName', 'code']) {
    const v = properties[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return id === null ? '' : `#${id}`;
}

/**
 * The rows of the detail list: internal keys dropped, and English names (kindNameEn,
 * categoryNameEn) in place of the Chinese ones in English, not rows of their own.
 */
export function detailRows(
  properties: Record<string, unknown>,
  language: Language,
  omit: readonly string[] = [],
): [string, unknown][] {
  return Object.entries(properties)
    .filter(
      ([k]) =>
        !HIDDEN_KEYS.has(k) && !omit.includes(k) && !(k.endsWith('En') && k.slice(0, -2) in properties),
    )
    .map(([k, v]): [string, unknown] => {
      const en = properties[`${k}En`];
      return [k, language === 'en' && typeof en === 'string' && en !== '' ? en : v];
    });
}

/** A point geometry's [lon, lat], or null. */
export function pointOf(geometry: { type: string; coordinates: unknown } | null): [number, number] | null {
  if (geometry?.type !== 'Point' || !Array.isArray(geometry.coordinates)) return null;
  const [lon, lat] = geometry.coordinates as unknown[];
  return typeof lon === 'number' && typeof lat === 'number' ? [lon, lat] : null;
}

/** A timestamp on China time in the interface language (the text itself when it is not one). */
export function shortTime(iso: string, language: Language): string {
  return formatTime(language, iso);
}
