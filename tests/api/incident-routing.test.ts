import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE } from '../../api/auth/scope.ts';
import { intake } from '../../api/db/incident-repository.ts';
import { openTestApp, type TestApp } from './template.ts';

let n = 0;
const key = () => `routing-${process.pid}-${Date.now()}-${++n}`;

describe('routing by place', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  it('puts a point on the boundary of two grids in the lower-coded one, every time', async () => {
    // a point on the shared edge of two neighbouring grids of one village
    const r = await t.db.query<{ a: string; b: string; lon: number; lat: number }>(
      `SELECT a.code a, b.code b, ST_X(p) lon, ST_Y(p) lat
       FROM areas a JOIN areas b ON a.parent_code = b.parent_code AND a.code < b.code,
            LATERAL (SELECT ST_PointOnSurface(ST_Intersection(a.geom, b.geom)) p) x
       WHERE a.level = 'grid' AND b.level = 'grid' AND a.valid_to IS NULL AND b.valid_to IS NULL
         AND a.parent_code LIKE '441900110%' AND ST_Intersects(a.geom, b.geom)
         AND ST_Intersects(a.geom, p) AND ST_Intersects(b.geom, p)
       ORDER BY a.code LIMIT 1`,
    );
    const edge = r.rows[0]!;
    // the rule: of all grids holding the point, the lowest code
    const holders = await t.db.query<{ code: string }>(
      `SELECT code FROM areas WHERE level = 'grid' AND valid_to IS NULL AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code`,
      [edge.lon, edge.lat],
    );
    expect(holders.rows.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 3; i++) {
      const res = await intake(t.db, SYSTEM_SCOPE, {
        clientKey: key(),
        category: '0102',
        channel: 'desk',
        description: '边界',
        lon: edge.lon,
        lat: edge.lat,
      });
      expect(res.incident.grid_code).toBe(holders.rows[0]!.code);
      // and the village and town are the grid's own
      expect(res.incident.village_code).toBe(holders.rows[0]!.code.slice(0, 12));
      expect(res.incident.town_code).toBe(holders.rows[0]!.code.slice(0, 9));
    }
  });

  it('routes by the grid versions valid at report time, and keeps old incidents where they were', async () => {
    // grid A gives up its area to its neighbour B from time T on (a coordinator's reshape)
    const g = (
      await t.db.query<{ a: string; b: string; lon: number; lat: number; parent: string }>(
        `SELECT a.code a, b.code b, ST_X(a.label_point) lon, ST_Y(a.label_point) lat, a.parent_code parent
         FROM areas a JOIN areas b ON a.parent_code = b.parent_code AND a.code <> b.code
         WHERE a.level = 'grid' AND a.valid_to IS NULL AND b.valid_to IS NULL AND a.parent_code LIKE '441900121%'
           AND ST_Touches(a.geom, b.geom)
         ORDER BY a.code LIMIT 1`,
      )
    ).rows[0]!;
    const before = await intake(t.db, SYSTEM_SCOPE, {
      clientKey: key(),
      category: '0102',
      channel: 'desk',
      description: '旧网格',
      lon: g.lon,
      lat: g.lat,
    });
    expect(before.incident.grid_code).toBe(g.a);
    const T = new Date();
    await t.db.transaction(async (tx) => {
      await tx.query(`UPDATE areas SET valid_to = $2 WHERE code = $1 AND valid_to IS NULL`, [g.a, T]);
      await tx.query(`UPDATE areas SET valid_to = $2 WHERE code = $1 AND valid_to IS NULL`, [g.b, T]);
      await tx.query(
        `INSERT INTO areas (code, level, name, parent_code, synthetic, geom, version, valid_from)
         SELECT b.code, b.level, b.name, b.parent_code, true, ST_Multi(ST_Union(a.geom, b.geom)), b.version + 1, $3
         FROM areas a, areas b WHERE a.code = $1 AND b.code = $2 AND a.valid_to = $3 AND b.valid_to = $3`,
        [g.a, g.b, T],
      );
    });
    const after = await intake(t.db, SYSTEM_SCOPE, {
      clientKey: key(),
      category: '0102',
      channel: 'desk',
      description: '新网格',
      lon: g.lon,
      lat: g.lat,
    });
    expect(after.incident.grid_code).toBe(g.b);
    // reported a minute before the change (a late upload): the old version applies
    const late = await intake(t.db, SYSTEM_SCOPE, {
      clientKey: key(),
      category: '0102',
      channel: 'desk',
      description: '补报',
      lon: g.lon,
      lat: g.lat,
      reportedAt: new Date(T.getTime() - 60_000),
    });
    expect(late.incident.grid_code).toBe(g.a);
    // the earlier incident keeps the grid it was reported in
    const kept = await t.db.query<{ grid_code: string }>('SELECT grid_code FROM incidents WHERE id = $1', [
      before.incident.id,
    ]);
    expect(kept.rows[0]!.grid_code).toBe(g.a);
  });
});
