import { VectorTile, type VectorTileLayer } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

const decode = (body: Buffer) => new VectorTile(new PbfReader(new Uint8Array(body)));
/** 常平镇, a town with roads and grids. */
const CP = { lon: 114.0, lat: 22.98 };

/** The XYZ tile holding a point, by the slippy-map formulas. */
function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2) * n),
  };
}

/** A tile's bounds in degrees [west, south, east, north]. */
function boundsOf(z: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** z;
  const lat = (yy: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * yy) / n))) * 180) / Math.PI;
  return [(x / n) * 360 - 180, lat(y + 1), ((x + 1) / n) * 360 - 180, lat(y)];
}

function features(layer: VectorTileLayer | undefined) {
  return Array.from({ length: layer?.length ?? 0 }, (_, i) => layer!.feature(i));
}

describe('basemap tiles: roads and place names', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  const get = (z: number, x: number, y: number, headers: Record<string, string> = {}) =>
    t.app.inject({ url: `/api/tiles/basemap/${z}/${x}/${y}.mvt`, headers });

  it('serves every road of a zoom-15 tile, on the roads of the road table, to anyone', async () => {
    const z = 15;
    const { x, y } = tileOf(CP.lon, CP.lat, z);
    const res = await get(z, x, y); // nobody signed in
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const roads = features(decode(res.rawPayload).layers.road);
    expect(roads.length).toBeGreaterThan(0);

    // Every edge crossing the tile itself is drawn (more may come from the buffer around it).
    const [w, s, e, n] = boundsOf(z, x, y);
    const crossing = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM road_edges WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
      [w, s, e, n],
    );
    expect(crossing.rows[0]!.n).toBeGreaterThan(0);
    expect(roads.length).toBeGreaterThanOrEqual(crossing.rows[0]!.n);

    // Each drawn line lies on an edge of its class (within a tile unit, about 2.4 m at z15).
    for (const f of roads) {
      const geojson = f.toGeoJSON(x, y, z);
      expect(['LineString', 'MultiLineString']).toContain(geojson.geometry.type);
      const r = await t.db.query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM road_edges WHERE class = $2
           AND ST_DWithin(geom::geography, ST_GeomFromGeoJSON($1)::geography, 4)) AS ok`,
        [JSON.stringify(geojson.geometry), f.properties.class],
      );
      expect(r.rows[0]!.ok).toBe(true);
    }
  });

  it('carries the names of the towns, villages and grids whose label point is in the tile', async () => {
    const z = 15;
    const { x, y } = tileOf(CP.lon, CP.lat, z);
    const places = features(decode((await get(z, x, y)).rawPayload).layers.place);
    const [w, s, e, n] = boundsOf(z, x, y);
    const expected = await t.db.query<{ name: string; level: string }>(
      `SELECT name, level FROM areas WHERE valid_to IS NULL
         AND ST_Intersects(ST_PointOnSurface(geom), ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
      [w, s, e, n],
    );
    expect(expected.rows.length).toBeGreaterThan(0);
    const got = places.map((f) => `${f.properties.level}:${f.properties.name}`).sort();
    expect(got).toEqual(expected.rows.map((r) => `${r.level}:${r.name}`).sort());
    const rank = { town: 1, village: 2, grid: 3 } as Record<string, number>;
    for (const f of places) expect(f.properties.rank).toBe(rank[f.properties.level as string]);
  });

  it('draws main roads from zoom 11, every road from 13; villages from 12, grids from 14', async () => {
    const classesAt = async (z: number) => {
      const { x, y } = tileOf(CP.lon, CP.lat, z);
      const tile = decode((await get(z, x, y)).rawPayload);
      return {
        roads: new Set(features(tile.layers.road).map((f) => f.properties.class)),
        places: new Set(features(tile.layers.place).map((f) => f.properties.level)),
      };
    };
    const z10 = await classesAt(10);
    expect(z10.roads.size).toBe(0);
    expect([...z10.places]).toEqual(['town']);
    const z11 = await classesAt(11);
    expect(z11.roads.size).toBeGreaterThan(0);
    for (const c of z11.roads) expect(['expressway', 'arterial']).toContain(c);
    expect(z11.places.has('village')).toBe(false);
    const z12 = await classesAt(12);
    expect(z12.places.has('village')).toBe(true);
    expect(z12.places.has('grid')).toBe(false);
    expect((await classesAt(13)).roads.has('local')).toBe(true);
    expect((await classesAt(14)).places.has('grid')).toBe(true);
  });

  it('answers an unchanged tile with 304 and refuses coordinates outside the zoom', async () => {
    const { x, y } = tileOf(CP.lon, CP.lat, 14);
    const first = await get(14, x, y);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"/);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    expect((await get(14, x, y, { 'if-none-match': etag })).statusCode).toBe(304);
    expect((await get(3, 9, 0)).statusCode).toBe(400);
  });
});
