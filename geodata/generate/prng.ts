/**
 * Seeded pseudo-random numbers for the sample-city generator.
 *
 * Everything the generator draws comes from here, so that the same seed and scale
 * always give byte-identical output (no Math.random, no clock).
 */

/**
 * mulberry32: a small, fast 32-bit PRNG.
 * @param seed any integer (taken modulo 2^32)
 * @returns a function returning uniform floats in [0, 1)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * FNV-1a 32-bit hash of a string; used to derive independent sub-streams from one seed.
 * @returns an unsigned 32-bit integer
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded random stream with the helpers the generator needs. */
export class Rng {
  private readonly gen: () => number;
  /** @param seed integer seed (modulo 2^32) */
  constructor(readonly seed: number) {
    this.gen = mulberry32(seed);
  }
  /** An independent stream for a named purpose: same seed + label → same stream. */
  fork(label: string): Rng {
    return new Rng((hashString(label) ^ Math.imul(this.seed >>> 0, 0x9e3779b1)) >>> 0);
  }
  /** Uniform float in [0, 1). */
  next(): number {
    return this.gen();
  }
  /** Uniform float in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.gen();
  }
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.gen() * (max - min + 1));
  }
  /** true with probability p. */
  chance(p: number): boolean {
    return this.gen() < p;
  }
  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    const v = items[Math.floor(this.gen() * items.length)];
    if (v === undefined) throw new Error('pick from empty array');
    return v;
  }
  /** One key of a weight table, with probability proportional to its weight. */
  weighted<K>(table: readonly (readonly [K, number])[]): K {
    let total = 0;
    for (const [, w] of table) total += w;
    let r = this.gen() * total;
    for (const [k, w] of table) {
      r -= w;
      if (r < 0) return k;
    }
    const last = table[table.length - 1];
    if (!last) throw new Error('weighted pick from empty table');
    return last[0];
  }
}

/**
 * A sampler for indices 0..n-1 with probability proportional to weights
 * (cumulative sums + binary search, O(log n) per draw).
 */
export class WeightedPicker {
  private readonly cum: Float64Array;
  readonly total: number;
  /** @param weights non-negative weights; at least one must be > 0 */
  constructor(weights: readonly number[]) {
    this.cum = new Float64Array(weights.length);
    let s = 0;
    weights.forEach((w, i) => {
      s += Math.max(0, w);
      this.cum[i] = s;
    });
    if (!(s > 0)) throw new Error('WeightedPicker: all weights are zero');
    this.total = s;
  }
  /** Draw one index. */
  pick(rng: Rng): number {
    const r = rng.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cum[mid] ?? 0) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * Split an integer total into parts proportional to weights (largest-remainder method),
 * each part at least `min`. Ties break by index, so the result is deterministic.
 * @returns integer parts summing to total (or to n*min if total is smaller)
 */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const wsum = weights.reduce((a, b) => a + Math.max(0, b), 0);
  const rest = Math.max(0, total - min * n);
  const quotas = weights.map((w) => (wsum > 0 ? (rest * Math.max(0, w)) / wsum : rest / n));
  const parts = quotas.map((q) => min + Math.floor(q));
  let left = rest - quotas.reduce((a, q) => a + Math.floor(q), 0);
  const order = quotas.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0 && k < order.length; k++, left--) {
    const o = order[k];
    if (o) parts[o.i] = (parts[o.i] ?? 0) + 1;
  }
  return parts;
}
