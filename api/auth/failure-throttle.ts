/**
 * Sign-in failures per client address, in memory: after `limit` failures within
 * `windowMs` the address is refused until the oldest failure leaves the window.
 * Per-account locking lives in the database (users.failed_attempts, locked_until);
 * this guards against one address trying many accounts.
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

  reset(address: string): void {
    this.failures.delete(address);
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
 * Delay (ms) before answering a failed sign-in for an account with `failures`
 * consecutive failures: nothing for the first two, then doubling from 250 ms, at most 4 s.
 */
export function failureDelayMs(failures: number): number {
  if (failures <= 2) return 0;
  return Math.min(4000, 250 * 2 ** (failures - 3));
}
