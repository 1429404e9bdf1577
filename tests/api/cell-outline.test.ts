import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellOutline } from '../../api/db/coverage-repository.ts';
import { CoverageGrid, type GridSpec, type MultiPolygonGeometry } from '../../api/lib/coverage-grid.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

const SPEC: GridSpec = { west: 113.7, south: 22.9, east: 113.8, north: 23.0, cellM: 100 };

/** Marks the cells of columns c0..c1 and rows r0..r1 (inclusive), by tiny discs at their centres. */
function markBlock(
  grid: CoverageGrid,
  c0: number,
  c1: number,
  r0: number,
  r1: number,
  skip = new Set<string>(),
) {
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      if (skip.has(`${col},${row}`)) continue;
      const [lon, lat] = grid.centre(col, row);
      grid.markDisc(lon, lat, 1);
    }
  }
}

interface Measured {
  valid: boolean;
  parts: number;
  holes: number;
  /** Planar area in square degrees. */
  areaDeg2: number;
  /** Geodesic area in km². */
  km2: number;
  points: number;
}

describe('cell outlines: isochrones and the uncovered area drawn as dissolved, simplified polygons', () => {
  let t: TestApp;
  let commander: Client;
  beforeAll(async () => {
    t = await openTestApp();
    commander = await t.as('commander');
  });
  afterAll(() => t.close());

  /** What PostGIS says of a GeoJSON MultiPolygon: the oracle is PostGIS, not the code under test. */
  async function measure(g: MultiPolygonGeometry): Promise<Measured> {
    const r = await t.db.query<Measured>(
      `WITH g AS (SELECT ST_GeomFromGeoJSON($1::text) AS g)
       SELECT ST_IsValid(g) AS valid, ST_NumGeometries(g)::int AS parts,
              (SELECT coalesce(sum(ST_NumInteriorRings((d).geom)), 0)::int FROM ST_Dump(g) d) AS holes,
              ST_Area(g) AS "areaDeg2", ST_Area(g::geography) / 1e6 AS km2, ST_NPoints(g)::int AS points
       FROM g`,
      [JSON.stringify(g)],
    );
    return r.rows[0]!;
  }

  it('dissolves overlapping blocks into one polygon, keeps real holes and patches, drops speckles', async () => {
    const grid = new CoverageGrid(SPEC);
    // A: 20 × 20 cells with a 3 × 3 hole (kept) and a one-cell hole (a speckle: filled)
    const holes = new Set<string>(['15,15']);
    for (let row = 24; row <= 26; row++) for (let col = 13; col <= 15; col++) holes.add(`${col},${row}`);
    markBlock(grid, 10, 29, 10, 29, holes);
    // B: 20 × 20 cells overlapping A by 10 × 10
    markBlock(grid, 20, 39, 20, 39);
    // a separate 4 × 4 patch (kept) and a lone cell (a speckle: dropped)
    markBlock(grid, 50, 53, 10, 13);
    markBlock(grid, 60, 60, 50, 50);

    const raw = grid.toMultiPolygon();
    expect(raw.coordinates.length).toBeGreaterThan(30);
    const outline = await cellOutline(t.db, grid);
    const m = await measure(outline);
    expect(m.valid).toBe(true);
    expect(m.parts).toBe(2);
    expect(m.holes).toBe(1);
    // |A| + |B| − |A ∩ B| − the kept hole + the patch, in cells of cw × ch degrees
    const expectedCells = 400 + 400 - 100 - 9 + 16;
    const cellDeg2 = grid.cellWidthDeg * grid.cellHeightDeg;
    expect(m.areaDeg2 / cellDeg2).toBeGreaterThan(expectedCells * 0.99);
    expect(m.areaDeg2 / cellDeg2).toBeLessThan(expectedCells * 1.01);
  });

  it('smooths the staircase of a disc: one polygon near πr², far fewer vertices than the cell edges', async () => {
    const grid = new CoverageGrid(SPEC);
    const [lon, lat] = grid.centre(40, 50);
    const r = 1500;
    grid.markDisc(lon, lat, r);
    const outline = await cellOutline(t.db, grid);
    const m = await measure(outline);
    expect(m.valid).toBe(true);
    expect(m.parts).toBe(1);
    expect(m.holes).toBe(0);
    const expectedKm2 = (Math.PI * r * r) / 1e6;
    expect(m.km2).toBeGreaterThan(expectedKm2 * 0.96);
    expect(m.km2).toBeLessThan(expectedKm2 * 1.04);
    const staircase = await t.db.query<{ points: number }>(
      `SELECT ST_NPoints(ST_Union(ST_GeomFromGeoJSON($1::text)))::int AS points`,
      [JSON.stringify(grid.toMultiPolygon())],
    );
    expect(m.points).toBeLessThan(staircase.rows[0]!.points / 2);
  });

  it('gives nothing for no cells', async () => {
    const outline = await cellOutline(t.db, new CoverageGrid(SPEC));
    expect(outline).toEqual({ type: 'MultiPolygon', coordinates: [] });
  });

  it('serves isochrones and the uncovered area as valid polygon sets of the stated area', async () => {
    const team = await t.db.query<{ id: number }>(
      `SELECT id FROM teams WHERE geom IS NOT NULL ORDER BY id LIMIT 1`,
    );
    const res = await commander.inject(`/api/teams/${team.rows[0]!.id}/isochrones?minutes=5,10,15`);
    expect(res.statusCode).toBe(200);
    const features = res.json().features as {
      properties: { areaKm2: number };
      geometry: MultiPolygonGeometry;
    }[];
    expect(features).toHaveLength(3);
    for (const f of features) {
      const m = await measure(f.geometry);
      expect(m.valid).toBe(true);
      // one shape around the team, perhaps a few islands beside it: not a rectangle per row
      expect(m.parts).toBeLessThanOrEqual(6);
      expect(m.km2).toBeGreaterThan(f.properties.areaKm2 * 0.93);
      expect(m.km2).toBeLessThan(f.properties.areaKm2 * 1.07);
    }

    const cov = (await commander.inject('/api/coverage?minutes=10')).json() as {
      uncovered: MultiPolygonGeometry;
      uncoveredKm2: number;
    };
    const m = await measure(cov.uncovered);
    expect(m.valid).toBe(true);
    expect(m.km2).toBeGreaterThan(cov.uncoveredKm2 * 0.95);
    expect(m.km2).toBeLessThan(cov.uncoveredKm2 * 1.05);
    // the city's uncovered area as patches, not the thousands of row rectangles of its cells
    expect(m.parts).toBeLessThan(200);
  });
});
