import type { Language } from '../i18n.ts';

/** The platform's time zone: Dongguan keeps China Standard Time (UTC+8, no daylight saving). */
export const CHINA_TIME_ZONE = 'Asia/Shanghai';

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The calendar fields of an instant on China's clock. */
interface ChinaClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const CHINA_PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: CHINA_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function chinaClock(date: Date): ChinaClock {
  const parts = CHINA_PARTS.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

/** English month and day, "4 Dec 2026", in China time. */
const EN_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: CHINA_TIME_ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/** What formatTime shows: the date, or down to the minute (default) or the second. */
export type TimePrecision = 'date' | 'minute' | 'second';

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/**
 * An instant (ISO 8601 text, epoch ms or a Date) on China's clock whatever the machine's time
 * zone, in the interface language's format: "2026-12-04 14:30" in Chinese, "4 Dec 2026, 14:30"
 * in English. A dash for none; text that is not a time shows as it is.
 */
export function formatTime(
  language: Language,
  value: string | number | Date | null | undefined,
  precision: TimePrecision = 'minute',
): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const c = chinaClock(date);
  const time = precision === 'second' ? `${c.hour}:${c.minute}:${c.second}` : `${c.hour}:${c.minute}`;
  if (language === 'zh-CN') {
    const day = `${c.year}-${c.month}-${c.day}`;
    return precision === 'date' ? day : `${day} ${time}`;
  }
  const day = EN_DATE.format(date);
  return precision === 'date' ? day : `${day}, ${time}`;
}

/** An instant as the text of a time field, "2026-12-04 14:30" on China's clock ('' for none). */
export function timeFieldText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  const c = chinaClock(new Date(ms));
  return `${c.year}-${c.month}-${c.day} ${c.hour}:${c.minute}`;
}

/**
 * What a time field accepts: a date, and optionally a time ("2026-12-04", "2026-12-4 9:05",
 * or "2026-12-04T09:05" as pasted from elsewhere).
 */
export const TIME_FIELD_PATTERN = String.raw`\s*\d{4}-\d{1,2}-\d{1,2}((\s+|T)\d{1,2}:\d{2})?\s*`;

/**
 * The instant a time field's text names on China's clock (epoch ms), NaN when the text is not
 * a real date and time of that form; a date alone is its midnight.
 */
export function parseTimeField(text: string): number {
  if (!new RegExp(`^(?:${TIME_FIELD_PATTERN})$`).test(text)) return Number.NaN;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0] = (text.match(/\d+/g) ?? []).map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59) return Number.NaN;
  const utc = Date.UTC(year, month - 1, day, hour, minute);
  // Date.UTC rolls 31 April over into May: such a day does not exist
  if (new Date(utc).getUTCDate() !== day) return Number.NaN;
  return utc - CHINA_OFFSET_MS;
}

/** A place by its name first and its code second, "常平镇 · 441900110"; the code alone without a name. */
export function nameAndCode(name: string | null | undefined, code: string | null | undefined): string {
  const n = name?.trim();
  if (!code) return n || '—';
  return n ? `${n} · ${code}` : code;
}

export { errorMessage } from './error-message.ts';

/** "a, b ,c" → ['a', 'b', 'c'] (empty parts dropped, duplicates removed). */
export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
