import { describe, expect, it } from 'vitest';
import { encodeTile } from '../../api/lib/mvt-encoder.ts';
import { tileEnvelope } from '../../api/lib/tiles.ts';
import { decodeTilePoints } from '../../web/map/tiles/mvt.ts';

/** EPSG:3857 metres → [lon, lat] degrees, the spherical Mercator inverse written out. */
function toLonLat(mx: number, my: number): [number, number] {
  const R = 6378137;
  return [((mx / R) * 180) / Math.PI, ((2 * Math.atan(Math.exp(my / R)) - Math.PI / 2) * 180) / Math.PI];
}

/** Where tile units (u, v) of tile z/x/y lie, in degrees (via the tile's envelope in metres). */
function expected(tile: { z: number; x: number; y: number }, u: number, v: number): [number, number] {
  const { minx, maxy, size } = tileEnvelope(tile);
  return toLonLat(minx + (u / 4096) * size, maxy - (v / 4096) * size);
}

const TILE = { z: 12, x: 3345, y: 1785 };

describe('decodeTilePoints (the web map reads vector tiles with @mapbox/vector-tile)', () => {
  const bytes = encodeTile([
    {
      name: 'incidents',
      features: [
        {
          id: 7,
          geometry: { type: 'Point', coordinates: [0, 0] },
          properties: { status: 'reported', priority: 1 },
        },
        {
          geometry: {
            type: 'MultiPoint',
            coordinates: [
              [2048, 2048],
              [4096, 4096],
            ],
          },
          properties: { count: 12, priority: 2, urgent: true },
        },
        {
          id: 9,
          geometry: {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [10, 10],
            ],
          },
          properties: { status: 'closed' },
        },
      ],
    },
    {
      name: 'teams',
      features: [{ id: 3, geometry: { type: 'Point', coordinates: [100, 100] }, properties: {} }],
    },
  ]);

  it('projects the points of the asked layer to lon/lat, each point of a multipoint on its own', () => {
    const points = decodeTilePoints(bytes, 'incidents', TILE);
    expect(points).toHaveLength(3);
    const corners: [number, number][] = [
      [0, 0],
      [2048, 2048],
      [4096, 4096],
    ];
    corners.forEach(([u, v], i) => {
      const [lon, lat] = expected(TILE, u, v);
      expect(points[i]!.position[0]).toBeCloseTo(lon, 10);
      expect(points[i]!.position[1]).toBeCloseTo(lat, 10);
    });
    // the tile is in Dongguan
    expect(points[1]!.position[0]).toBeGreaterThan(113.9);
    expect(points[1]!.position[0]).toBeLessThan(114.1);
  });

  it('keeps ids and typed properties; a feature without an id has none; lines are skipped', () => {
    const points = decodeTilePoints(bytes, 'incidents', TILE);
    expect(points[0]!.id).toBe(7);
    expect({ ...points[0]!.properties }).toEqual({ status: 'reported', priority: 1 });
    expect(points[1]!.id).toBeNull();
    expect(points[2]!.id).toBeNull();
    expect({ ...points[1]!.properties }).toEqual({ count: 12, priority: 2, urgent: true });
    expect(points.some((p) => p.properties.status === 'closed')).toBe(false);
  });

  it('reads only the layer asked for; an empty or layerless tile has no points', () => {
    expect(decodeTilePoints(bytes, 'teams', TILE).map((p) => p.id)).toEqual([3]);
    expect(decodeTilePoints(bytes, 'sites', TILE)).toEqual([]);
    expect(decodeTilePoints(new Uint8Array(0), 'incidents', TILE)).toEqual([]);
  });
});
