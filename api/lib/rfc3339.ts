/**
 * RFC 3339 dates and date-times as the standard interfaces take them (OGC API `datetime`,
 * GeoReport v2 `start_date`/`end_date`), turned into bounds that PostgreSQL compares exactly.
 * Pure: text in, ISO 8601 text out (UTC, microseconds, which is what timestamptz keeps).
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** China Standard Time (UTC+8, no daylight saving): the city's calendar day. */
export const CHINA_OFFSET_MS = 8 * 3_600_000;

/** An instant to the microsecond: milliseconds since the epoch plus 0–999 microseconds. */
export interface Instant {
  ms: number;
  us: number;
}

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** A calendar date `YYYY-MM-DD`: the start of that day in China time; null when it is not one. */
export function parseDate(text: string): Instant | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDay(y, mo, d)) return null;
  return { ms: Date.UTC(y, mo - 1, d) - CHINA_OFFSET_MS, us: 0 };
}

/**
 * An RFC 3339 date-time with its offset (`2026-03-01T08:00:00+08:00`, `…Z`, fractions to the
 * nanosecond, kept to the microsecond); null when it is not one (a date-time without an offset
 * names no instant).
 */
export function parseDateTime(text: string): Instant | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (!validDay(y!, mo!, d!) || h! > 23 || mi! > 59 || s! > 60) return null;
  const zone = m[8]!;
  let offsetMs = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMs = (zone[0] === '-' ? -1 : 1) * (oh * 3_600_000 + om * 60_000);
  }
  const fraction = (m[7] ?? '').padEnd(6, '0');
  // a leap second (…:60) is read as the first instant of the next minute
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - offsetMs + Number(fraction.slice(0, 3));
  return { ms, us: Number(fraction.slice(3, 6)) };
}

/** The instant one microsecond later: the exclusive end that makes `<` include the instant. */
export function nextMicrosecond(t: Instant): Instant {
  return t.us === 999 ? { ms: t.ms + 1, us: 0 } : { ms: t.ms, us: t.us + 1 };
}

/** The day after a date's start (exclusive end of the whole day). */
export function nextDay(t: Instant): Instant {
  return { ms: t.ms + 86_400_000, us: t.us };
}

/** ISO 8601 in UTC with six fraction digits, e.g. `2026-03-01T00:00:00.000001Z`. */
export function formatInstant(t: Instant): string {
  return `${new Date(t.ms).toISOString().slice(0, -1)}${String(t.us).padStart(3, '0')}Z`;
}

/** Orders two instants. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.ms - b.ms || a.us - b.us;
}
