import { describe, expect, it } from 'vitest';
import { minCostAssignment } from '../../api/lib/assignment.ts';
import { mulberry32 } from '../../geodata/generate/prng.ts';

/** Best (count, cost) over every injective partial assignment, by exhaustive search. */
function bruteForce(cost: number[][], rows: number, cols: number): { count: number; total: number } {
  const usedCol = new Array<boolean>(cols).fill(false);
  let bestCount = -1;
  let bestTotal = Infinity;
  const visit = (i: number, count: number, total: number): void => {
    if (i === rows) {
      if (count > bestCount || (count === bestCount && total < bestTotal)) {
        bestCount = count;
        bestTotal = total;
      }
      return;
    }
    visit(i + 1, count, total);
    for (let j = 0; j < cols; j++) {
      const c = cost[i]![j]!;
      if (usedCol[j] || c === Infinity) continue;
      usedCol[j] = true;
      visit(i + 1, count + 1, total + c);
      usedCol[j] = false;
    }
  };
  visit(0, 0, 0);
  return { count: bestCount, total: bestTotal };
}

/** Checks the result is a valid partial assignment over finite pairs, with the stated total. */
function checkValid(
  cost: ReadonlyArray<ArrayLike<number>>,
  rows: number,
  cols: number,
  result: { assignment: Int32Array; total: number },
): number {
  expect(result.assignment).toHaveLength(rows);
  const seen = new Set<number>();
  let sum = 0;
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const j = result.assignment[i]!;
    if (j === -1) continue;
    expect(j).toBeGreaterThanOrEqual(0);
    expect(j).toBeLessThan(cols);
    expect(seen.has(j)).toBe(false);
    seen.add(j);
    const c = cost[i]![j]!;
    expect(Number.isFinite(c)).toBe(true);
    sum += c;
    count++;
  }
  expect(result.total).toBeCloseTo(sum, 9);
  return count;
}

describe('minCostAssignment', () => {
  it('matches exhaustive search on random small matrices with forbidden pairs', () => {
    const rand = mulberry32(20240611);
    let cases = 0;
    for (let t = 0; t < 400; t++) {
      const rows = 1 + Math.floor(rand() * 6);
      const cols = 1 + Math.floor(rand() * 6);
      const infShare = [0, 0.2, 0.5, 0.8][t % 4]!;
      // Small integer costs make ties common; every third case uses fractional costs.
      const fractional = t % 3 === 0;
      const cost: number[][] = [];
      for (let i = 0; i < rows; i++) {
        const row: number[] = [];
        for (let j = 0; j < cols; j++) {
          if (rand() < infShare) row.push(Infinity);
          else row.push(fractional ? rand() * 1000 : Math.floor(rand() * 10));
        }
        cost.push(row);
      }
      const result = minCostAssignment(cost, rows, cols);
      const count = checkValid(cost, rows, cols, result);
      const best = bruteForce(cost, rows, cols);
      expect(count).toBe(best.count);
      expect(result.total).toBeCloseTo(best.total, 6);
      cases++;
    }
    expect(cases).toBe(400);
  });

  it('leaves the surplus rows unassigned when there are more rows than columns', () => {
    const cost = [
      [5, 9],
      [1, 8],
      [2, 3],
      [7, 1],
    ];
    const { assignment, total } = minCostAssignment(cost, 4, 2);
    expect(Array.from(assignment)).toEqual([-1, 0, -1, 1]);
    expect(total).toBe(2);
  });

  it('leaves a row with only forbidden columns unassigned', () => {
    const cost = [
      [4, 2, 7],
      [Infinity, Infinity, Infinity],
      [2, 1, 6],
    ];
    const { assignment, total } = minCostAssignment(cost, 3, 3);
    // Rows 0 and 2 both prefer column 1; 2 + 2 = 4 beats 4 + 1 = 5.
    expect(Array.from(assignment)).toEqual([1, -1, 0]);
    expect(total).toBe(4);
  });

  it('prefers more assigned rows over a lower total', () => {
    // Giving row 0 its cheap column 0 would strand row 1, whose only allowed column is 0.
    const cost = [
      [1, 100],
      [50, Infinity],
    ];
    const { assignment, total } = minCostAssignment(cost, 2, 2);
    expect(Array.from(assignment)).toEqual([1, 0]);
    expect(total).toBe(150);
  });

  it('returns an optimal assignment when all costs tie', () => {
    const cost = Array.from({ length: 4 }, () => [7, 7, 7, 7, 7]);
    const result = minCostAssignment(cost, 4, 5);
    expect(checkValid(cost, 4, 5, result)).toBe(4);
    expect(result.total).toBe(28);
  });

  it('returns nothing assigned when every pair is forbidden', () => {
    const cost = [
      [Infinity, Infinity],
      [Infinity, Infinity],
    ];
    const { assignment, total } = minCostAssignment(cost, 2, 2);
    expect(Array.from(assignment)).toEqual([-1, -1]);
    expect(total).toBe(0);
  });

  it('handles empty dimensions', () => {
    expect(Array.from(minCostAssignment([], 0, 3).assignment)).toEqual([]);
    const { assignment, total } = minCostAssignment([[], []], 2, 0);
    expect(Array.from(assignment)).toEqual([-1, -1]);
    expect(total).toBe(0);
  });

  it('accepts Float64Array rows', () => {
    const cost = [Float64Array.of(3, 1, Infinity), Float64Array.of(1, 5, 2)];
    const { assignment, total } = minCostAssignment(cost, 2, 3);
    expect(Array.from(assignment)).toEqual([1, 0]);
    expect(total).toBe(2);
  });

  it('rejects negative, NaN and short rows', () => {
    expect(() => minCostAssignment([[-1]], 1, 1)).toThrow(RangeError);
    expect(() => minCostAssignment([[NaN]], 1, 1)).toThrow(RangeError);
    expect(() => minCostAssignment([[1]], 1, 2)).toThrow(RangeError);
    expect(() => minCostAssignment([[1]], 2, 1)).toThrow(RangeError);
  });

  it('produces a valid full assignment for 200 × 3000 and 3000 × 200', () => {
    const rand = mulberry32(7);
    const cost: Float64Array[] = [];
    for (let i = 0; i < 200; i++) {
      const row = new Float64Array(3000);
      for (let j = 0; j < 3000; j++) row[j] = rand() < 0.1 ? Infinity : Math.round(rand() * 3600);
      cost.push(row);
    }
    const wide = minCostAssignment(cost, 200, 3000);
    expect(checkValid(cost, 200, 3000, wide)).toBe(200);

    const transposed: Float64Array[] = [];
    for (let j = 0; j < 3000; j++) {
      const row = new Float64Array(200);
      for (let i = 0; i < 200; i++) row[i] = cost[i]![j]!;
      transposed.push(row);
    }
    const tall = minCostAssignment(transposed, 3000, 200);
    expect(checkValid(transposed, 3000, 200, tall)).toBe(200);
    expect(tall.total).toBe(wide.total);
  });

  it('handles a dense 500 × 500 matrix', () => {
    const rand = mulberry32(11);
    const cost = Array.from({ length: 500 }, () => Array.from({ length: 500 }, () => rand() * 1000));
    const result = minCostAssignment(cost, 500, 500);
    expect(checkValid(cost, 500, 500, result)).toBe(500);
  });
});
