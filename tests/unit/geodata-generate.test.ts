import { describe, expect, it } from 'vitest';
import { csvField, csvRow, ewktLineString, ewktPoint, pgTextArray } from '../../geodata/generate/format.ts';
import { gridCode, numberingOrder, villageShortName } from '../../geodata/generate/grid-numbering.ts';
import { apportion, mulberry32 } from '../../geodata/generate/prng.ts';

describe('grid numbering', () => {
  it('numbers rows north to south and west to east within a row', () => {
    // 2 rows over lat 0..2: two cells in the north row, two in the south row
    const centroids: Array<[number, number]> = [
      [113.2, 0.5], // south-east
      [113.1, 1.5], // north-west
      [113.05, 0.4], // south-west
      [113.3, 1.6], // north-east
    ];
    expect(numberingOrder(centroids, 0, 2, 2)).toEqual([1, 3, 2, 0]);
  });

  it('builds 15-digit grid codes from the village code and refuses bad input', () => {
    expect(gridCode('441900003001', 7)).toBe('441900003001007');
    expect(() => gridCode('4419000030', 1)).toThrow(/village code/);
    expect(() => gridCode('441900003001', 1000)).toThrow(/sequence/);
  });

  it('shortens village committee names', () => {
    expect(villageShortName('岗贝社区居民委员会')).toBe('岗贝社区');
  });
});

describe('deterministic randomness', () => {
  it('gives the same stream for the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('apportions an integer total by weight with a minimum', () => {
    const parts = apportion(10, [1, 1, 2], 1);
    expect(parts.reduce((s, x) => s + x, 0)).toBe(10);
    expect(parts).toEqual([3, 3, 4]);
    expect(apportion(2930, [5, 0, 3], 1).every((x) => x >= 1)).toBe(true);
  });
});

describe('CSV and EWKT for COPY', () => {
  it('quotes what CSV needs quoted and keeps NULL apart from empty', () => {
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
    expect(csvField('第二小学, 东区')).toBe('"第二小学, 东区"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(true)).toBe('t');
    expect(csvRow([1, 'a', null, false])).toBe('1,a,,f\n');
    expect(() => csvField(NaN)).toThrow();
  });

  it('writes EWKT in EPSG:4326 with 7 decimals', () => {
    expect(ewktPoint(113.75123456, 23.0212)).toBe('SRID=4326;POINT(113.7512346 23.0212000)');
    expect(
      ewktLineString([
        [113.1, 23.1],
        [113.2, 23.2],
      ]),
    ).toBe('SRID=4326;LINESTRING(113.1000000 23.1000000,113.2000000 23.2000000)');
    expect(pgTextArray(['grid_patrol', 'mediation'])).toBe('{grid_patrol,mediation}');
    expect(() => pgTextArray(['a,b'])).toThrow();
  });
});

describe('hex EWKB for the city-scale files', () => {
  it('encodes a point and a line that decode back to the rounded coordinates', async () => {
    const { hexEwkbPoint, hexEwkbLineString } = await import('../../geodata/generate/format.ts');
    const p = Buffer.from(hexEwkbPoint(113.75123456, 23.0212), 'hex');
    expect(p.readUInt32LE(1)).toBe(0x20000001);
    expect(p.readUInt32LE(5)).toBe(4326);
    expect(p.readDoubleLE(9)).toBe(113.7512346);
    expect(p.readDoubleLE(17)).toBe(23.0212);
    const l = Buffer.from(
      hexEwkbLineString([
        [113.1, 23.1],
        [113.2, 23.2],
      ]),
      'hex',
    );
    expect(l.readUInt32LE(9)).toBe(2);
    expect(l.readDoubleLE(29)).toBe(113.2);
    expect(l.readDoubleLE(37)).toBe(23.2);
  });
});
