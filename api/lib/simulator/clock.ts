/**
 * The simulated clock: it starts at the real time and runs `speed` times as fast. Only the
 * simulation's pace follows it (how far teams have driven, when a job is done, when the next
 * report comes); whatever it writes carries the real time, because the database's clock
 * (now()) decides freshness, deadlines and the live stream.
 */

/** A source of real time (ms since the epoch); tests pass a fake one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class SimClock {
  readonly startRealMs: number;
  constructor(
    readonly real: Clock,
    readonly speed: number,
  ) {
    if (!(speed > 0)) throw new Error(`simulation speed must be positive, got ${speed}`);
    this.startRealMs = real.now();
  }
  /** Simulated time at a real instant (default: now). */
  simAt(realMs = this.real.now()): number {
    return this.startRealMs + (realMs - this.startRealMs) * this.speed;
  }
  /** Real milliseconds that `simMs` of simulated time take. */
  realSpan(simMs: number): number {
    return simMs / this.speed;
  }
}
