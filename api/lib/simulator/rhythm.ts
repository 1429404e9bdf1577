/**
 * The daily rhythm of reports: how many arrive per hour of the day (China time), as a share
 * of the day's total — few at night, most between 08:00 and 18:00. The sample's history and
 * the simulator's new reports follow the same curve.
 */
import { localHour } from './time.ts';

const HOUR_MS = 3_600_000;

/** Relative report rate by local hour 0–23. */
export const HOUR_WEIGHTS: readonly number[] = [
  1, 0.5, 0.5, 0.5, 0.5, 0.5, 2, 4, 8, 10, 10, 9, 6, 6, 9, 9, 9, 8, 7, 6, 6, 4, 2, 1,
];
const WEIGHT_SUM = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
const MAX_WEIGHT = Math.max(...HOUR_WEIGHTS);

/** Expected reports per hour at an instant, for `perDay` reports a day. */
export function ratePerHour(perDay: number, atMs: number): number {
  return (perDay * HOUR_WEIGHTS[localHour(atMs)]!) / WEIGHT_SUM;
}

/**
 * The instant of the next report after `fromMs` in a Poisson process whose rate follows the
 * daily curve (thinning: candidates at the peak rate, each kept with probability rate/peak).
 */
export function nextReportAt(fromMs: number, perDay: number, random: () => number): number {
  const peakPerMs = (perDay * MAX_WEIGHT) / WEIGHT_SUM / HOUR_MS;
  if (!(peakPerMs > 0)) return Infinity;
  let t = fromMs;
  for (let guard = 0; guard < 100_000; guard++) {
    t += -Math.log(1 - random()) / peakPerMs;
    if (random() * MAX_WEIGHT < HOUR_WEIGHTS[localHour(t)]!) return t;
  }
  return t;
}
