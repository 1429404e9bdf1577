import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { encodeTile } from '../../api/lib/mvt-encoder.ts';

const decode = (buf: Uint8Array) => new VectorTile(new PbfReader(buf));

describe('MVT encoder', () => {
  it('encodes points with typed properties that a standard decoder reads back', () => {
    const buf = encodeTile([
      {
        name: 'sites',
        features: [
          {
            id: 7,
            geometry: { type: 'Point', coordinates: [100, 200] },
            properties: { kind: 'S01', level: 2, big: -3, r: 1.5, ok: true, none: null },
          },
          {
            id: 8,
            geometry: { type: 'Point', coordinates: [4000, 10] },
            properties: { kind: 'S01', level: 4 },
          },
        ],
      },
      { name: 'empty', features: [] },
    ]);
    const tile = decode(buf);
    expect(Object.keys(tile.layers)).toEqual(['sites']);
    const layer = tile.layers.sites!;
    expect(layer.length).toBe(2);
    expect(layer.extent).toBe(4096);
    const f = layer.feature(0);
    expect(f.id).toBe(7);
    expect(f.type).toBe(1);
    expect(f.properties).toEqual({ kind: 'S01', level: 2, big: -3, r: 1.5, ok: true });
    expect(f.loadGeometry()[0]![0]).toMatchObject({ x: 100, y: 200 });
    expect(layer.feature(1).loadGeometry()[0]![0]).toMatchObject({ x: 4000, y: 10 });
  });

  it('writes polygon exteriors clockwise and holes counter-clockwise whatever the input winding', () => {
    const ccw: Array<[number, number]> = [
      [0, 0],
      [0, 100],
      [100, 100],
      [100, 0],
      [0, 0],
    ];
    const hole: Array<[number, number]> = [
      [10, 10],
      [20, 10],
      [20, 20],
      [10, 20],
      [10, 10],
    ];
    const buf = encodeTile([
      {
        name: 'areas',
        features: [{ id: 1, geometry: { type: 'Polygon', coordinates: [ccw, hole] }, properties: {} }],
      },
    ]);
    const f = decode(buf).layers.areas!.feature(0);
    expect(f.type).toBe(3);
    const gj = f.toGeoJSON(0, 0, 0);
    expect(gj.geometry.type).toBe('Polygon');
    // one polygon with one hole: the decoder classified the rings by their winding
    expect((gj.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2);
  });

  it('drops degenerate rings and features without geometry', () => {
    const buf = encodeTile([
      {
        name: 'x',
        features: [
          {
            id: 1,
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [1, 1],
                  [2, 2],
                  [1, 1],
                ],
              ],
            },
            properties: {},
          },
        ],
      },
    ]);
    expect(Object.keys(decode(buf).layers)).toEqual([]);
  });
});
