/**
 * Working-time arithmetic for incident deadlines (限期办理). Time zone: China Standard
 * Time (UTC+8, no daylight saving), so local dates are UTC shifted by 8 hours.
 * A working day is Monday–Friday unless the calendar marks it a holiday, plus weekend
 * days the calendar marks as working days (调休上班). Within a working day only the
 * working periods count. A deadline of N working days is N × the length of a working
 * day of working time, so hours and days are one scale.
 */

const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** A working period of a day, in minutes after local midnight: [start, end). */
export type Period = readonly [number, number];

export interface WorkingCalendar {
  /** Local dates (YYYY-MM-DD) that are days off although Monday–Friday. */
  holidays: ReadonlySet<string>;
  /** Local dates (YYYY-MM-DD) that are working days although Saturday/Sunday. */
  workdays: ReadonlySet<string>;
  /** Working periods of every working day, ascending, non-overlapping. */
  periods: readonly Period[];
}

/** 08:30–12:00 and 14:00–17:30: the usual hours of a Guangdong government office. */
export const DEFAULT_PERIODS: readonly Period[] = [
  [8 * 60 + 30, 12 * 60],
  [14 * 60, 17 * 60 + 30],
];

/** Minutes of working time in one working day. */
export function dayMinutes(cal: WorkingCalendar): number {
  return cal.periods.reduce((a, [s, e]) => a + (e - s), 0);
}

/** Local date string of a local-midnight day index (days since 1970-01-01 local). */
function localDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** True when the local day (days since epoch, local time) is a working day. */
export function isWorkingDay(cal: WorkingCalendar, day: number): boolean {
  const date = localDate(day);
  if (cal.holidays.has(date)) return false;
  if (cal.workdays.has(date)) return true;
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The instant `minutes` of working time after `start` (minutes ≥ 0). When `start`
 * is outside working time the clock starts at the next working period.
 */
export function addWorkingMinutes(cal: WorkingCalendar, start: Date, minutes: number): Date {
  if (minutes < 0) throw new Error('addWorkingMinutes: minutes must be ≥ 0');
  const local = start.getTime() + OFFSET_MS;
  let day = Math.floor(local / DAY_MS);
  let minuteOfDay = (local - day * DAY_MS) / 60_000;
  let left = minutes;
  for (let guard = 0; guard < 3660; guard++) {
    if (isWorkingDay(cal, day)) {
      for (const [s, e] of cal.periods) {
        if (minuteOfDay >= e) continue;
        const from = Math.max(s, minuteOfDay);
        const room = e - from;
        if (left <= room) return new Date(day * DAY_MS + (from + left) * 60_000 - OFFSET_MS);
        left -= room;
        minuteOfDay = e;
      }
    }
    day += 1;
    minuteOfDay = 0;
  }
  throw new Error('addWorkingMinutes: no working time within ten years');
}

/** Working minutes between two instants; negative when `to` is before `from`. */
export function workingMinutesBetween(cal: WorkingCalendar, from: Date, to: Date): number {
  if (to < from) return -workingMinutesBetween(cal, to, from);
  const a = from.getTime() + OFFSET_MS;
  const b = to.getTime() + OFFSET_MS;
  let total = 0;
  for (let day = Math.floor(a / DAY_MS); day * DAY_MS < b; day++) {
    if (!isWorkingDay(cal, day)) continue;
    for (const [s, e] of cal.periods) {
      const ps = day * DAY_MS + s * 60_000;
      const pe = day * DAY_MS + e * 60_000;
      const lo = Math.max(ps, a);
      const hi = Math.min(pe, b);
      if (hi > lo) total += (hi - lo) / 60_000;
    }
  }
  return total;
}

export type DeadlineUnit = 'working_hours' | 'working_days';

/** The deadline of something started at `start` with `amount` working hours or days. */
export function deadline(cal: WorkingCalendar, start: Date, amount: number, unit: DeadlineUnit): Date {
  const minutes = unit === 'working_hours' ? amount * 60 : amount * dayMinutes(cal);
  return addWorkingMinutes(cal, start, minutes);
}
