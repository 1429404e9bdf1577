import { describe, expect, it } from 'vitest';
import { CoverageGrid, type GridSpec } from '../../api/lib/coverage-grid.ts';
import { mulberry32 } from '../../geodata/generate/prng.ts';

const SPEC: GridSpec = { west: 116.3, south: 39.9, east: 116.4, north: 40.0, cellM: 100 };

/** Marks exactly one cell by a tiny disc at its centre. */
function markCell(grid: CoverageGrid, col: number, row: number): void {
  const [lon, lat] = grid.centre(col, row);
  grid.markDisc(lon, lat, 1);
}

/** Twice the signed area of a ring (positive when counter-clockwise). */
function signedArea2(ring: number[][]): number {
  let s = 0;
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x0, y0] = ring[k]!;
    const [x1, y1] = ring[k + 1]!;
    s += x0! * y1! - x1! * y0!;
  }
  return s;
}

function markedCount(grid: CoverageGrid): number {
  let n = 0;
  for (let row = 0; row < grid.rows; row++)
    for (let col = 0; col < grid.cols; col++) if (grid.isMarked(col, row)) n++;
  return n;
}

describe('CoverageGrid', () => {
  it('sizes cells from the cell size in metres at the middle latitude', () => {
    const grid = new CoverageGrid(SPEC);
    const cosMid = Math.cos((39.95 * Math.PI) / 180);
    expect(grid.cellWidthDeg).toBeCloseTo(100 / (111320 * cosMid), 12);
    expect(grid.cellHeightDeg).toBeCloseTo(100 / 110574, 12);
    expect(grid.cols).toBe(Math.ceil(0.1 / grid.cellWidthDeg));
    expect(grid.rows).toBe(Math.ceil(0.1 / grid.cellHeightDeg));
    expect(grid.cols).toBe(86);
    expect(grid.rows).toBe(111);
  });

  it('rejects invalid boxes and cell sizes', () => {
    expect(() => new CoverageGrid({ ...SPEC, east: SPEC.west })).toThrow(RangeError);
    expect(() => new CoverageGrid({ ...SPEC, north: 39.8 })).toThrow(RangeError);
    expect(() => new CoverageGrid({ ...SPEC, cellM: 0 })).toThrow(RangeError);
    expect(() => new CoverageGrid({ ...SPEC, cellM: NaN })).toThrow(RangeError);
    expect(() => new CoverageGrid({ ...SPEC, cellM: 0.001 })).toThrow(/too large/);
  });

  it('marks the cells whose centre is within the radius', () => {
    const grid = new CoverageGrid(SPEC);
    const [lon, lat] = grid.centre(40, 50);
    grid.markDisc(lon, lat, 250);
    // With ~100 m cells: offsets (dx, dy) in cells with dx² + dy² ≤ 6.25.
    const expected = new Set<string>();
    for (let dy = -2; dy <= 2; dy++)
      for (let dx = -2; dx <= 2; dx++) if (dx * dx + dy * dy <= 6.25) expected.add(`${40 + dx},${50 + dy}`);
    expect(expected.size).toBe(21);
    for (let row = 40; row <= 60; row++)
      for (let col = 30; col <= 50; col++)
        expect(grid.isMarked(col, row)).toBe(expected.has(`${col},${row}`));
    expect(markedCount(grid)).toBe(21);
    // The centre's own cell is in; the corners of the 5 × 5 block are out.
    expect(grid.isMarked(40, 50)).toBe(true);
    expect(grid.isMarked(38, 48)).toBe(false);
    expect(grid.isMarked(42, 52)).toBe(false);
  });

  it('agrees with a per-cell distance test for random discs, including ones over the edge', () => {
    const rand = mulberry32(99);
    const grid = new CoverageGrid(SPEC);
    const mismatches: string[] = [];
    let inside = 0;
    for (let t = 0; t < 60; t++) {
      grid.clear();
      const lon = 116.28 + rand() * 0.14;
      const lat = 39.88 + rand() * 0.14;
      const radius = rand() * 1500;
      grid.markDisc(lon, lat, radius);
      const mPerDegLon = 111320 * Math.cos((lat * Math.PI) / 180);
      for (let row = 0; row < grid.rows; row++) {
        for (let col = 0; col < grid.cols; col++) {
          const [x, y] = grid.centre(col, row);
          const d = Math.hypot((x - lon) * mPerDegLon, (y - lat) * 110574);
          if (Math.abs(d - radius) < 1e-6) continue;
          if (grid.isMarked(col, row) !== d <= radius) mismatches.push(`disc ${t} cell ${col},${row}`);
          if (d <= radius) inside++;
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(inside).toBeGreaterThan(1000);
  });

  it('ignores negative radii and discs entirely outside', () => {
    const grid = new CoverageGrid(SPEC);
    grid.markDisc(116.35, 39.95, -5);
    grid.markDisc(117, 39.95, 1000);
    grid.markDisc(116.35, 41, 1000);
    expect(markedCount(grid)).toBe(0);
    expect(grid.toMultiPolygon()).toEqual({ type: 'MultiPolygon', coordinates: [] });
    expect(grid.areaM2()).toBe(0);
  });

  it('merges horizontal runs into one rectangle each', () => {
    const grid = new CoverageGrid(SPEC);
    for (const col of [1, 2, 3, 5]) markCell(grid, col, 2);
    for (let col = 0; col < 10; col++) markCell(grid, col, 3);
    markCell(grid, grid.cols - 1, grid.rows - 1);
    const mp = grid.toMultiPolygon();
    expect(mp.type).toBe('MultiPolygon');
    expect(mp.coordinates).toHaveLength(4);
    const w = grid.cellWidthDeg;
    const h = grid.cellHeightDeg;
    const [first] = mp.coordinates;
    expect(first).toHaveLength(1);
    const ring = first![0]!;
    expect(ring).toHaveLength(5);
    const [x0, y0] = ring[0]!;
    const x1 = ring[1]![0]!;
    const y1 = ring[2]![1]!;
    expect(x0).toBeCloseTo(SPEC.west + 1 * w, 12);
    expect(x1).toBeCloseTo(SPEC.west + 4 * w, 12);
    expect(y0).toBeCloseTo(SPEC.south + 2 * h, 12);
    expect(y1).toBeCloseTo(SPEC.south + 3 * h, 12);
    // Rows 2 and 3 share an edge at exactly the same latitude.
    expect(mp.coordinates[2]![0]![0]![1]).toBe(ring[2]![1]);
  });

  it('closes every ring and orients it counter-clockwise', () => {
    const grid = new CoverageGrid(SPEC);
    const [lon, lat] = grid.centre(20, 20);
    grid.markDisc(lon, lat, 900);
    const mp = grid.toMultiPolygon();
    expect(mp.coordinates.length).toBeGreaterThan(0);
    for (const polygon of mp.coordinates) {
      expect(polygon).toHaveLength(1);
      const ring = polygon[0]!;
      expect(ring).toHaveLength(5);
      expect(ring[4]).toEqual(ring[0]);
      expect(signedArea2(ring)).toBeGreaterThan(0);
    }
  });

  it('with invert, returns the unmarked cells the mask allows', () => {
    const grid = new CoverageGrid(SPEC);
    const mask = new Uint8Array(grid.cols * grid.rows);
    // Mask: columns 10..19 of rows 5 and 6.
    for (const row of [5, 6]) for (let col = 10; col < 20; col++) mask[row * grid.cols + col] = 1;
    markCell(grid, 14, 5);
    markCell(grid, 30, 5); // marked but outside the mask: irrelevant to the inverted view
    const holes = grid.toMultiPolygon({ invert: true, mask });
    // Row 5 splits into 10..13 and 15..19; row 6 is one run.
    expect(holes.coordinates).toHaveLength(3);
    // One marked cell, (14, 5), lies in the mask; a row-6 cell is a hair smaller (further north).
    const row5Cell = grid.areaM2({ mask });
    const probe = new CoverageGrid(SPEC);
    markCell(probe, 14, 6);
    const row6Cell = probe.areaM2();
    expect(row6Cell).toBeLessThan(row5Cell);
    expect(grid.areaM2({ invert: true, mask })).toBeCloseTo(row5Cell * 9 + row6Cell * 10, 3);
    expect(grid.toMultiPolygon({ mask }).coordinates).toHaveLength(1);
    expect(() => grid.toMultiPolygon({ invert: true, mask: new Uint8Array(3) })).toThrow(RangeError);
    // Without a mask, invert covers the whole grid except the two marked cells.
    const total = grid.areaM2({ invert: true }) + grid.areaM2();
    expect(total).toBeCloseTo(new CoverageGrid(SPEC).areaM2({ invert: true }), 3);
  });

  it('round-trips cellOf and centre', () => {
    const grid = new CoverageGrid(SPEC);
    for (let row = 0; row < grid.rows; row++) {
      for (let col = 0; col < grid.cols; col++) {
        const [lon, lat] = grid.centre(col, row);
        expect(grid.cellOf(lon, lat)).toBe(row * grid.cols + col);
      }
    }
    expect(grid.cellOf(SPEC.west - 0.001, 39.95)).toBe(-1);
    expect(grid.cellOf(116.35, SPEC.north + 0.01)).toBe(-1);
    expect(grid.cellOf(NaN, 39.95)).toBe(-1);
    expect(grid.cellOf(SPEC.west, SPEC.south)).toBe(0);
    expect(grid.isMarked(-1, 0)).toBe(false);
    expect(grid.isMarked(0, grid.rows)).toBe(false);
  });

  it('measures areas in square metres', () => {
    const grid = new CoverageGrid(SPEC);
    markCell(grid, 0, 55);
    // A cell near the middle latitude is very nearly cellM × cellM.
    expect(grid.areaM2()).toBeCloseTo(100 * 100, -1);
    grid.clear();
    const [lon, lat] = grid.centre(43, 55);
    grid.markDisc(lon, lat, 2000);
    const disc = Math.PI * 2000 * 2000;
    expect(Math.abs(grid.areaM2() - disc) / disc).toBeLessThan(0.02);
    // Whole grid: width from the box at each row's latitude times the grid's height.
    const all = grid.areaM2() + grid.areaM2({ invert: true });
    const widthM = grid.cols * grid.cellWidthDeg * 111320 * Math.cos((39.95 * Math.PI) / 180);
    expect(Math.abs(all - widthM * grid.rows * 100) / all).toBeLessThan(0.001);
  });
});

describe('coverage grid: polygons', () => {
  it('marks the cells whose centres lie inside a polygon, holes excepted, like a per-cell test', () => {
    const g = new CoverageGrid({ west: 113.0, south: 22.0, east: 113.1, north: 22.1, cellM: 500 });
    const shell = [
      [113.01, 22.01],
      [113.09, 22.02],
      [113.08, 22.09],
      [113.02, 22.07],
      [113.01, 22.01],
    ];
    const hole = [
      [113.04, 22.04],
      [113.06, 22.04],
      [113.06, 22.06],
      [113.04, 22.06],
      [113.04, 22.04],
    ];
    g.markPolygons([[shell, hole]]);
    const inside = (ring: number[][], x: number, y: number) => {
      let c = false;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]!;
        const [xj, yj] = ring[j]!;
        if (yi! > y !== yj! > y && x < xi! + ((y - yi!) / (yj! - yi!)) * (xj! - xi!)) c = !c;
      }
      return c;
    };
    let marked = 0;
    for (let row = 0; row < g.rows; row++) {
      for (let col = 0; col < g.cols; col++) {
        const [x, y] = g.centre(col, row);
        const expected = inside(shell, x, y) && !inside(hole, x, y);
        expect(g.isMarked(col, row), `${col},${row}`).toBe(expected);
        if (expected) marked++;
      }
    }
    expect(marked).toBeGreaterThan(50);
  });
});

describe('CoverageGrid.despeckle', () => {
  it('drops patches and fills holes of fewer cells than asked, edge to edge only', () => {
    const grid = new CoverageGrid(SPEC);
    // a 6 × 6 block with a one-cell hole and a 2 × 2 hole
    for (let row = 10; row < 16; row++)
      for (let col = 10; col < 16; col++)
        if (!(col === 11 && row === 11) && !(col >= 13 && col <= 14 && row >= 13 && row <= 14))
          markCell(grid, col, row);
    // three cells in an L (dropped), and two cells touching only at a corner (each alone: dropped)
    markCell(grid, 30, 30);
    markCell(grid, 31, 30);
    markCell(grid, 30, 31);
    markCell(grid, 40, 40);
    markCell(grid, 41, 41);
    // a four-cell line (kept)
    for (let col = 50; col < 54; col++) markCell(grid, col, 5);
    grid.despeckle(4);
    expect(grid.isMarked(11, 11)).toBe(true);
    for (const [c, r] of [
      [13, 13],
      [14, 13],
      [13, 14],
      [14, 14],
    ] as const)
      expect(grid.isMarked(c, r)).toBe(false);
    expect(markedCount(grid)).toBe(36 - 4 + 4);
  });

  it('works on the unmarked cells within a mask: a hole that leaves the mask is no hole', () => {
    const grid = new CoverageGrid(SPEC);
    const inside = new CoverageGrid(SPEC);
    for (let row = 0; row < 20; row++) for (let col = 0; col < 20; col++) markCell(inside, col, row);
    const mask = inside.snapshot();
    // selection: unmarked cells inside the mask. A marked cell at (5, 5) is a one-cell hole in it;
    // marked cells at (19, 10) and (20, 10) straddle the mask's edge: not a hole.
    markCell(grid, 5, 5);
    markCell(grid, 19, 10);
    markCell(grid, 20, 10);
    grid.despeckle(4, { invert: true, mask });
    expect(grid.isMarked(5, 5)).toBe(false);
    expect(grid.isMarked(19, 10)).toBe(true);
    expect(grid.areaM2({ invert: true, mask })).toBeCloseTo(inside.areaM2() - grid.areaM2({ mask }), 6);
    expect(grid.areaM2({ mask })).toBeGreaterThan(0);
  });
});
