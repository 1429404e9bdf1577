/**
 * Exact minimum-cost assignment (Hungarian / Kuhn–Munkres) for rectangular cost matrices
 * in which some pairs are forbidden.
 */

/** Result of {@link minCostAssignment}. */
export interface Assignment {
  /** Per row: the column it takes, or -1 when it takes none. */
  assignment: Int32Array;
  /** Sum of the costs of the assigned pairs (same unit as the costs); 0 when nothing is assigned. */
  total: number;
}

/**
 * Assigns each row at most one column and each column at most one row. Among all such
 * assignments it first maximises the number of assigned rows, then minimises the total cost;
 * rows that cannot take any remaining finite column are left at -1.
 *
 * Runs the potentials-based Hungarian method in O(n²·m) time with n = min(rows, cols) and
 * m = max(rows, cols), and O(n·m) memory (the costs are copied into one Float64Array).
 *
 * @param cost cost[i][j] ≥ 0 and finite (any unit, e.g. seconds), or Infinity when row i may
 *   not take column j. Rows may be plain arrays or typed arrays (e.g. Float64Array); only the
 *   first `rows` rows and `cols` entries of each are read.
 * @param rows number of rows (≥ 0)
 * @param cols number of columns (≥ 0)
 * @throws RangeError when a cost is negative, NaN or -Infinity, or when a row is missing or too short
 */
export function minCostAssignment(
  cost: ReadonlyArray<ArrayLike<number>>,
  rows: number,
  cols: number,
): Assignment {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be an integer ≥ 0, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 0) throw new RangeError(`cols must be an integer ≥ 0, got ${cols}`);
  const assignment = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return { assignment, total: 0 };

  // The Hungarian loop below needs at least as many columns as rows, so work on the
  // transpose when there are more rows: n = short side, m = long side.
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const a = new Float64Array(n * m);
  let finiteSum = 0;
  let anyInfinite = false;
  for (let i = 0; i < rows; i++) {
    const row = cost[i];
    if (row === undefined || row.length < cols)
      throw new RangeError(`cost row ${i} is missing or has fewer than ${cols} entries`);
    for (let j = 0; j < cols; j++) {
      const c = row[j] as number;
      if (c === Infinity) anyInfinite = true;
      else if (!(c >= 0)) throw new RangeError(`cost[${i}][${j}] must be ≥ 0 or Infinity, got ${c}`);
      else finiteSum += c;
      a[transposed ? j * m + i : i * m + j] = c;
    }
  }

  // A forbidden pair costs more than every finite pair together, so an optimum of the
  // penalised matrix uses as few forbidden pairs as possible (= as many allowed pairs as
  // possible) and, among those, the cheapest allowed ones. Forbidden pairs are dropped after.
  if (anyInfinite) {
    const penalty = finiteSum + 1;
    for (let k = 0; k < a.length; k++) if (a[k] === Infinity) a[k] = penalty;
  }

  // e-maxx formulation, 1-based: p[j] is the row (1..n) matched to column j (0 = none);
  // column 0 is a virtual column holding the row being inserted.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0] as number;
      const base = (i0 - 1) * m - 1;
      const ui0 = u[i0] as number;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = (a[base + j] as number) - ui0 - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const pj = p[j] as number;
          u[pj] = (u[pj] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else {
          minv[j] = (minv[j] as number) - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }

  // The total is summed from the caller's costs rather than the potentials, so it carries no
  // accumulated rounding from the dual updates.
  let total = 0;
  for (let j = 1; j <= m; j++) {
    const i = p[j] as number;
    if (i === 0) continue;
    const r = transposed ? j - 1 : i - 1;
    const c = transposed ? i - 1 : j - 1;
    const value = (cost[r] as ArrayLike<number>)[c] as number;
    if (value === Infinity) continue;
    assignment[r] = c;
    total += value;
  }
  return { assignment, total };
}
