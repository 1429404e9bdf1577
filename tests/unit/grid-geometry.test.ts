import { describe, expect, it } from 'vitest';
import { lineShapeProblems, numberingOrder, polygonShapeProblems } from '../../api/lib/grid-geometry.ts';

const square = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];

describe('grid outline shape checks', () => {
  it('accepts a closed polygon with a hole', () => {
    const hole = [
      [0.2, 0.2],
      [0.4, 0.2],
      [0.4, 0.4],
      [0.2, 0.2],
    ];
    expect(polygonShapeProblems({ type: 'Polygon', coordinates: [square, hole] })).toEqual([]);
  });

  it('names the ring and position at fault', () => {
    const bad = polygonShapeProblems({
      type: 'Polygon',
      coordinates: [
        square,
        [
          [0, 0],
          [200, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    });
    expect(bad[0]).toMatchObject({
      kind: 'coordinates',
      message: expect.stringMatching(/^hole 1, position 1: 200, 0/),
    });
    expect(
      polygonShapeProblems({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 'x'],
            [0, 0],
            [0, 0],
          ],
        ],
      })[0]!.kind,
    ).toBe('coordinates');
    expect(
      polygonShapeProblems({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      })[0]!.message,
    ).toMatch(/3 positions; a ring needs at least 4/);
    expect(polygonShapeProblems({ type: 'Polygon', coordinates: [] })[0]!.kind).toBe('ring');
    expect(polygonShapeProblems({ type: 'LineString', coordinates: square })[0]!.kind).toBe('geometry_type');
    expect(polygonShapeProblems('POLYGON((0 0,1 0,1 1,0 0))')[0]!.kind).toBe('geometry_type');
  });

  it('refuses more than 10,000 vertices before looking at them', () => {
    const ring = Array.from({ length: 10_001 }, () => [0, 0]);
    expect(polygonShapeProblems({ type: 'Polygon', coordinates: [ring] })).toEqual([
      expect.objectContaining({ kind: 'too_many_vertices' }),
    ]);
  });

  it('checks split lines', () => {
    expect(
      lineShapeProblems({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      }),
    ).toEqual([]);
    expect(lineShapeProblems({ type: 'LineString', coordinates: [[0, 0]] })[0]!.kind).toBe('split_line');
    expect(lineShapeProblems({ type: 'Polygon', coordinates: [square] })[0]!.kind).toBe('geometry_type');
  });
});

describe('numbering order of new grids', () => {
  it('goes row by row from north to south, west to east within a row', () => {
    // a 2 × 2 block given in scrambled order; row centres differ a little
    const items = [
      { lon: 1.5, lat: 0.5, height: 1 }, // SE
      { lon: 0.5, lat: 0.45, height: 1 }, // SW
      { lon: 1.5, lat: 1.55, height: 1 }, // NE
      { lon: 0.5, lat: 1.5, height: 1 }, // NW
    ];
    expect(numberingOrder(items)).toEqual([3, 2, 1, 0]);
    expect(numberingOrder([])).toEqual([]);
  });
});
