import { setTimeout as wait } from 'node:timers/promises';

/**
 * Sign-in failures per client address, in memory: after `limit` failures within
 * `windowMs` the address is refused until the oldest failure leaves the window. A success
 * in between forgets nothing, or one valid account would let an address keep guessing
 * the passwords of others. Failures per sign-in name are counted in the database
 * (login_failures, see ACCOUNT_FAILURES); this guards against one address trying many names.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds the address must wait before trying again; 0 when it may try now. */
  retryAfterMs(address: string): number {
    const list = this.prune(address);
    if (list.length < this.limit) return 0;
    return list[list.length - this.limit]! + this.windowMs - this.now();
  }

  recordFailure(address: string): void {
    const list = this.prune(address);
    list.push(this.now());
    this.failures.set(address, list);
    // Bound memory under a flood of distinct addresses.
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }

  private prune(address: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(address) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(address);
    else this.failures.set(address, list);
    return list;
  }
}

/**
 * Failures per sign-in name, whether or not an account has that name (so that the answers
 * do not tell which names exist): five in a row lock the name for 15 minutes; a name with
 * no failure for a day starts afresh.
 */
export const ACCOUNT_FAILURES = { maxFailures: 5, lockMinutes: 15, forgetHours: 24 } as const;

/**
 * Delay (ms) before answering a failed sign-in for a name with `failures`
 * consecutive failures: nothing for the first two, then doubling from 250 ms, at most 4 s.
 */
export function failureDelayMs(failures: number): number {
  if (failures <= 2) return 0;
  return Math.min(4000, 250 * 2 ** (failures - 3));
}

/** Waits `ms` milliseconds before a failed sign-in is answered (replaced in tests). */
export async function sleep(ms: number): Promise<void> {
  if (ms > 0) await wait(ms);
}
