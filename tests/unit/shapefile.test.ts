import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, writeDbf, writeShpShx, zip, type ShapeRecord } from '../../api/lib/shapefile.ts';

const records: ShapeRecord[] = [
  {
    // counter-clockwise outer ring (GeoJSON order) with a clockwise hole
    polygons: [
      [
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
          [0, 0],
        ],
        [
          [0.5, 0.5],
          [0.5, 1],
          [1, 1],
          [0.5, 0.5],
        ],
      ],
    ],
    attributes: { CODE: '441900110002001', NAME: '常平社区第1网格', N: 42 },
  },
  { polygons: [], attributes: { CODE: 'x', NAME: null, N: null } },
];

describe('shapefile writer', () => {
  it('writes .shp/.shx with the headers, record offsets and ring orientation the format requires', () => {
    const { shp, shx } = writeShpShx(records);
    expect(shp.readInt32BE(0)).toBe(9994);
    expect(shp.readInt32BE(24) * 2).toBe(shp.length);
    expect(shp.readInt32LE(28)).toBe(1000);
    expect(shp.readInt32LE(32)).toBe(5);
    expect([0, 1, 2, 3].map((i) => shp.readDoubleLE(36 + 8 * i))).toEqual([0, 0, 2, 2]);
    // record 1: polygon with 2 parts, 9 points
    expect(shp.readInt32BE(100)).toBe(1);
    expect(shp.readInt32LE(108)).toBe(5);
    expect(shp.readInt32LE(108 + 36)).toBe(2);
    expect(shp.readInt32LE(108 + 40)).toBe(9);
    // outer ring written clockwise: (0,0) then (0,2)
    const points = 108 + 44 + 8;
    expect([shp.readDoubleLE(points + 16), shp.readDoubleLE(points + 24)]).toEqual([0, 2]);
    // the hole counter-clockwise: (0.5,0.5) then (1,1)
    expect([shp.readDoubleLE(points + 80 + 16), shp.readDoubleLE(points + 80 + 24)]).toEqual([1, 1]);
    // record 2: a null shape
    const second = shx.readInt32BE(108) * 2;
    expect(shp.readInt32BE(second)).toBe(2);
    expect(shp.readInt32LE(second + 8)).toBe(0);
    expect(shx.readInt32BE(24) * 2).toBe(shx.length);
    expect(shx.readInt32BE(100)).toBe(50);
  });

  it('writes a dBase III table with UTF-8 text cut on character boundaries', () => {
    const fields = [
      { name: 'CODE', type: 'C' as const, length: 15 },
      { name: 'NAME', type: 'C' as const, length: 10 },
      { name: 'N', type: 'N' as const, length: 5 },
    ];
    const dbf = writeDbf(fields, records, new Date('2026-03-04T00:00:00Z'));
    expect(dbf[0]).toBe(3);
    expect([dbf[1], dbf[2], dbf[3]]).toEqual([126, 3, 4]);
    expect(dbf.readUInt32LE(4)).toBe(2);
    const headerLength = dbf.readUInt16LE(8);
    expect(headerLength).toBe(32 + 32 * 3 + 1);
    expect(dbf.readUInt16LE(10)).toBe(1 + 15 + 10 + 5);
    const rec = dbf.subarray(headerLength, headerLength + 31);
    expect(rec.toString('utf8', 1, 16)).toBe('441900110002001');
    // 10 bytes hold three 3-byte characters; the fourth is not split
    expect(rec.toString('utf8', 16, 26).trimEnd()).toBe('常平社');
    expect(rec.toString('ascii', 26, 31)).toBe('   42');
    expect(dbf[dbf.length - 1]).toBe(0x1a);
  });

  it('zips with correct CRC-32 and sizes', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const data = Buffer.from('hello hello hello hello');
    const z = zip([{ name: 'a.txt', data }]);
    expect(z.readUInt32LE(0)).toBe(0x04034b50);
    expect(z.readUInt32LE(14)).toBe(crc32(data));
    const size = z.readUInt32LE(18);
    expect(inflateRawSync(z.subarray(30 + 5, 30 + 5 + size)).toString()).toBe(data.toString());
    expect(z.readUInt32LE(z.length - 22)).toBe(0x06054b50);
  });
});
