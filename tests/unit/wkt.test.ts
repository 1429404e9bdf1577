import { describe, expect, it } from 'vitest';
import { parseWkt, WktError } from '../../api/lib/wkt.ts';

describe('parseWkt', () => {
  it('reads WKT with line breaks and tabs between the parts', () => {
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    };
    expect(parseWkt('POLYGON(\n(0 0, 1 0, 1 1, 0 0))')).toEqual(square);
    expect(parseWkt('POLYGON\t(\t(0 0,\t1 0,\r\n1 1, 0 0)\n)')).toEqual(square);
    expect(parseWkt('MULTIPOINT(\n\t(1 2),\n\t(3 4)\n)')).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it('still refuses what is not WKT', () => {
    expect(() => parseWkt('POLYGON(\n(0 0, 1 0, 1 1, 0 0)')).toThrow(WktError);
    expect(() => parseWkt('POINT(\t1 x)')).toThrow(WktError);
  });
});
