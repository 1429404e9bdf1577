/**
 * China Standard Time (UTC+8, no daylight saving) and small deterministic helpers shared by
 * the city simulator and the sample-city generator, which must agree on who is on duty when.
 */

export const CHINA_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** Local day number (days since 1970-01-01 in China time) of an instant. */
export function localDay(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);
}

/** Minutes after local midnight (fractional). */
export function localMinuteOfDay(ms: number): number {
  const local = ms + CHINA_OFFSET_MS;
  return (local - Math.floor(local / DAY_MS) * DAY_MS) / MINUTE_MS;
}

/** Local hour 0–23. */
export function localHour(ms: number): number {
  return Math.floor(localMinuteOfDay(ms) / 60);
}

/** Weekday of a local day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The instant a local day starts, plus `minutes`. */
export function localDayStart(day: number, minutes = 0): number {
  return day * DAY_MS - CHINA_OFFSET_MS + minutes * MINUTE_MS;
}

/**
 * A number in [0, 1) fixed by integers (a team id, an incident id, a salt): the same inputs
 * give the same draw in every process and after every restart, so decisions need no state.
 */
export function unitHash(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    for (const part of [x % 4_294_967_296, Math.floor(x / 4_294_967_296)]) {
      h = Math.imul(h ^ (part | 0), 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return (h >>> 0) / 4_294_967_296;
}

/** A seeded stream of numbers in [0, 1) (mulberry32), for the simulator's own draws. */
export function randomStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Uniform in [lo, hi) from a draw u in [0, 1). */
export function between(u: number, lo: number, hi: number): number {
  return lo + (hi - lo) * u;
}
