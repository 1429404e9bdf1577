import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE } from '../../api/auth/scope.ts';
import { intake } from '../../api/db/incident-repository.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';
import { FixtureVillages } from './fixture-villages.ts';

/**
 * Topology fixtures: each test makes its own village (常平镇 441900110 + a free 9xx suffix)
 * as a 0.01° square far outside the sample city, so nothing here touches the sample grids
 * and a shared PostgreSQL test database is safe with other files running alongside.
 */
const TOWN = '441900110';
/** Degrees of longitude per metre at the fixtures’ latitude (21.5° N). */
const M_LON = 1 / 103_600;

type Ring = number[][];
const rect = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ] as Ring[],
});

interface Village {
  code: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** A rectangle of the village between fractions fx0..fx1 (west→east) and fy0..fy1 (south→north). */
  part(fx0: number, fx1: number, fy0?: number, fy1?: number): ReturnType<typeof rect>;
}

describe('grid editor', () => {
  let t: TestApp;
  let cp: Client; // town coordinator of 常平镇
  beforeAll(async () => {
    t = await openTestApp();
    cp = await t.as('changping');
  });
  const villages = new FixtureVillages(() => t, TOWN);
  afterAll(async () => {
    await villages.retire();
    await t.close();
  });

  async function newVillage(): Promise<Village> {
    const { code, n } = await villages.freeCode();
    // each fixture village has a square of its own, so concurrent files never overlap
    const x0 = 111 + (n - 900) * 0.02;
    const y0 = 21.5;
    const [x1, y1] = [x0 + 0.01, y0 + 0.01];
    await t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO area_codes (code, level) VALUES ($1, 'village')`, [code]);
      await tx.query(
        `INSERT INTO areas (code, level, name, parent_code, synthetic, geom, valid_from)
         VALUES ($1, 'village', $2, $3, true, ST_Multi(ST_MakeEnvelope($4, $5, $6, $7, 4326)), now() - interval '1 day')`,
        [code, `测试村${n}`, TOWN, x0, y0, x1, y1],
      );
    });
    return {
      code,
      x0,
      y0,
      x1,
      y1,
      part: (fx0, fx1, fy0 = 0, fy1 = 1) =>
        rect(x0 + (x1 - x0) * fx0, y0 + (y1 - y0) * fy0, x0 + (x1 - x0) * fx1, y0 + (y1 - y0) * fy1),
    };
  }

  async function create(v: Village, geometry: unknown, name = '测试网格', client = cp) {
    return client.inject({
      method: 'POST',
      url: '/api/grids',
      payload: { parentCode: v.code, name, geometry, households: null },
    });
  }

  async function currentGrids(v: Village): Promise<Array<{ code: string; version: number }>> {
    const r = await t.db.query<{ code: string; version: number }>(
      `SELECT code, version FROM areas WHERE parent_code = $1 AND valid_to IS NULL ORDER BY code`,
      [v.code],
    );
    return r.rows;
  }

  describe('create and the topology checks', () => {
    it('numbers a new grid after the village code, stores version 1 and reports the gap left', async () => {
      const v = await newVillage();
      const res = await create(v, v.part(0, 0.5));
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      const g = body.grids[0];
      expect(g.properties.code).toBe(`${v.code}001`);
      expect(g.properties.version).toBe(1);
      expect(g.properties.change).toBe('created');
      expect(g.properties.changedBy).toBe('changping');
      expect(g.properties.households).toBeNull(); // null stays null, not 0
      expect(g.properties.areaM2).toBeGreaterThan(500_000);
      // the east half is uncovered: one gap of about half the village
      expect(body.warnings).toHaveLength(1);
      expect(body.warnings[0].kind).toBe('gap');
      expect(body.warnings[0].geometry.type).toBe('Polygon');
      expect(body.warnings[0].areaM2).toBeCloseTo(g.properties.areaM2, -3);
      const audit = await t.db.query(
        `SELECT 1 FROM audit_log WHERE action = 'grid.create' AND target_id = $1`,
        [g.properties.code],
      );
      expect(audit.rowCount).toBe(1);
    });

    it('allows grids that touch along an edge, and then no gap is left', async () => {
      const v = await newVillage();
      expect((await create(v, v.part(0, 0.5))).statusCode).toBe(201);
      const res = await create(v, v.part(0.5, 1));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().grids[0].properties.code).toBe(`${v.code}002`);
      expect(res.json().warnings).toEqual([]);
      const listing = (await cp.inject(`/api/grids?parent=${v.code}`)).json();
      expect(listing.grids.features.map((f: { id: string }) => f.id)).toEqual([
        `${v.code}001`,
        `${v.code}002`,
      ]);
      expect(listing.gaps.features).toEqual([]);
      expect(listing.parent.properties.level).toBe('village');
      // the whole town: its villages' outlines, the grids of all of them, each village's gaps
      const town = (await cp.inject(`/api/grids?parent=${TOWN}`)).json();
      expect(town.parent.properties).toMatchObject({ code: TOWN, level: 'town' });
      expect(town.villages.map((f: { id: string }) => f.id)).toContain(v.code);
      const ids = town.grids.features.map((f: { id: string }) => f.id);
      expect(ids).toEqual(expect.arrayContaining([`${v.code}001`, `${v.code}002`, '441900110002001']));
      expect(ids.every((id: string) => id.startsWith(TOWN))).toBe(true);
      expect(
        town.gaps.features.some(
          (g: { properties: { villageCode: string } }) => g.properties.villageCode === v.code,
        ),
      ).toBe(false);
    });

    it('refuses an overlap with a sibling, returning the overlapping part, and saves nothing', async () => {
      const v = await newVillage();
      await create(v, v.part(0, 0.5));
      const res = await create(v, v.part(0.4, 1));
      expect(res.statusCode).toBe(422);
      const body = res.json();
      expect(body.message).toMatch(/overlaps grid/);
      // a stable code and params beside the English message, for the interface to translate
      expect(body).toMatchObject({ code: 'grid_rejected', params: { count: 1 } });
      const overlap = body.problems.find((p: { kind: string }) => p.kind === 'overlap');
      expect(overlap).toMatchObject({ code: 'overlaps_grid', params: { other: `${v.code}001` } });
      expect(overlap.params.areaM2).toBe(overlap.areaM2);
      expect(overlap.otherCode).toBe(`${v.code}001`);
      expect(overlap.geometry.type).toBe('Polygon');
      // 0.1 of the width (≈ 103 m) × the height (≈ 1,107 m)
      expect(overlap.areaM2).toBeGreaterThan(100_000);
      expect(overlap.areaM2).toBeLessThan(125_000);
      expect(await currentGrids(v)).toHaveLength(1);
    });

    it('tolerates a sliver overlap narrower than the tolerance and trims it away when storing', async () => {
      const v = await newVillage();
      await create(v, v.part(0, 0.5));
      const mid = v.x0 + 0.005;
      const res = await create(v, rect(mid - 0.2 * M_LON, v.y0, v.x1, v.y1));
      expect(res.statusCode, res.body).toBe(201);
      const r = await t.db.query<{ overlap: number }>(
        `SELECT ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS overlap
         FROM areas a, areas b WHERE a.code = $1 AND b.code = $2 AND a.valid_to IS NULL AND b.valid_to IS NULL`,
        [`${v.code}001`, `${v.code}002`],
      );
      expect(r.rows[0]!.overlap).toBeLessThan(0.01);
    });

    it('refuses a grid reaching outside its village, returning the part outside', async () => {
      const v = await newVillage();
      const res = await create(v, rect(v.x0 + 0.005, v.y0, v.x1 + 100 * M_LON, v.y1));
      expect(res.statusCode).toBe(422);
      const p = res.json().problems[0];
      expect(p.kind).toBe('outside_parent');
      expect(p).toMatchObject({ code: 'outside_village', params: { village: v.code, toleranceM: 0.5 } });
      expect(p.geometry.type).toBe('Polygon');
      expect(p.areaM2).toBeGreaterThan(100_000);
      expect(p.areaM2).toBeLessThan(120_000);
      expect(await currentGrids(v)).toHaveLength(0);
      // within the tolerance it is accepted and clipped to the village
      const ok = await create(v, rect(v.x0 + 0.005, v.y0, v.x1 + 0.2 * M_LON, v.y1));
      expect(ok.statusCode, ok.body).toBe(201);
      const inside = await t.db.query<{ inside: boolean }>(
        `SELECT ST_CoveredBy(g.geom, p.geom) AS inside FROM areas g, areas p
         WHERE g.code = $1 AND g.valid_to IS NULL AND p.code = $2 AND p.valid_to IS NULL`,
        [`${v.code}001`, v.code],
      );
      expect(inside.rows[0]!.inside).toBe(true);
    });

    it('refuses bad outlines with a clear reason (and the location of an invalidity), saving nothing', async () => {
      const v = await newVillage();
      const { x0, y0 } = v;
      const d = 0.004;
      const cases: Array<[string, unknown, RegExp, string, string, Record<string, unknown>?]> = [
        [
          'self-intersection',
          {
            type: 'Polygon',
            coordinates: [
              [
                [x0 + 0.001, y0 + 0.001],
                [x0 + d, y0 + d],
                [x0 + d, y0 + 0.001],
                [x0 + 0.001, y0 + d],
                [x0 + 0.001, y0 + 0.001],
              ],
            ],
          },
          /Self-intersection/i,
          'invalid',
          'invalid',
          { reason: 'self_intersection' },
        ],
        [
          'hole outside the shell',
          {
            type: 'Polygon',
            coordinates: [
              rect(x0 + 0.001, y0 + 0.001, x0 + 0.003, y0 + 0.003).coordinates[0],
              rect(x0 + 0.005, y0 + 0.005, x0 + 0.006, y0 + 0.006).coordinates[0],
            ],
          },
          /Hole lies outside shell/i,
          'invalid',
          'invalid',
          { reason: 'hole_outside_shell' },
        ],
        [
          'latitude out of range',
          rect(x0, 95, x0 + 0.001, 96),
          /out of range/,
          'coordinates',
          'position_out_of_range',
          { ring: 0, position: 0, lat: 95 },
        ],
        [
          'a point',
          { type: 'Point', coordinates: [x0, y0] },
          /a grid is a Polygon, not a Point/,
          'geometry_type',
          'not_polygon',
          { type: 'Point' },
        ],
        [
          'a multipolygon',
          { type: 'MultiPolygon', coordinates: [v.part(0, 0.5).coordinates] },
          /not a MultiPolygon/,
          'geometry_type',
          'multipolygon',
        ],
        [
          'an open ring',
          { type: 'Polygon', coordinates: [v.part(0, 0.5).coordinates[0]!.slice(0, 4)] },
          /not closed/,
          'ring',
          'ring_not_closed',
          { ring: 0 },
        ],
        ['no geometry', null, /Polygon is required/, 'geometry_type', 'geometry_required'],
      ];
      // more than 10,000 vertices: a circle of 10,001 points
      const circle: number[][] = [];
      for (let i = 0; i < 10_001; i++) {
        const a = (2 * Math.PI * i) / 10_001;
        circle.push([x0 + 0.005 + 0.002 * Math.cos(a), y0 + 0.005 + 0.002 * Math.sin(a)]);
      }
      circle.push(circle[0]!);
      cases.push([
        'too many vertices',
        { type: 'Polygon', coordinates: [circle] },
        /more than 10,000 vertices/,
        'too_many_vertices',
        'too_many_vertices',
        { max: 10_000 },
      ]);
      for (const [what, geometry, message, kind, code, params] of cases) {
        const res = await create(v, geometry);
        expect(res.statusCode, what).toBe(422);
        expect(res.json().message, what).toMatch(message);
        expect(res.json().code, what).toBe('grid_rejected');
        expect(res.json().problems[0].kind, what).toBe(kind);
        expect(res.json().problems[0].code, what).toBe(code);
        expect(res.json().problems[0].params, what).toMatchObject(params ?? {});
        // the validate endpoint says the same, without a status error
        const check = await cp.inject({
          method: 'POST',
          url: '/api/grids/validate',
          payload: { parentCode: v.code, geometry },
        });
        expect(check.statusCode, what).toBe(200);
        expect(check.json().ok, what).toBe(false);
        expect(check.json().errors[0].kind, what).toBe(kind);
        expect(check.json().errors[0].code, what).toBe(code);
      }
      const bowtie = (await create(v, cases[0]![1])).json().problems[0];
      expect(bowtie.geometry.type).toBe('Point');
      expect(await currentGrids(v)).toHaveLength(0);
      // and a body that is not a grid at all fails the schema
      const bad = await cp.inject({ method: 'POST', url: '/api/grids', payload: { parentCode: v.code } });
      expect(bad.statusCode).toBe(400);
    });

    it('validates without saving: ok with the gaps as warnings, or the errors', async () => {
      const v = await newVillage();
      await create(v, v.part(0, 0.5));
      const ok = await cp.inject({
        method: 'POST',
        url: '/api/grids/validate',
        payload: { parentCode: v.code, geometry: v.part(0.5, 1, 0, 0.5) },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().ok).toBe(true);
      expect(ok.json().warnings.map((w: { kind: string }) => w.kind)).toEqual(['gap']);
      const bad = await cp.inject({
        method: 'POST',
        url: '/api/grids/validate',
        payload: { parentCode: v.code, geometry: v.part(0.25, 1) },
      });
      expect(bad.json().ok).toBe(false);
      expect(bad.json().errors[0].kind).toBe('overlap');
      // checking the grid's own new outline does not count the grid against itself
      const own = await cp.inject({
        method: 'POST',
        url: '/api/grids/validate',
        payload: { parentCode: v.code, code: `${v.code}001`, geometry: v.part(0, 0.6) },
      });
      expect(own.json().ok).toBe(true);
      expect(await currentGrids(v)).toHaveLength(1);
    });

    it('keeps grids inside the editor’s scope and the edit permission', async () => {
      const v = await newVillage();
      // a village coordinator of another village, a town coordinator of another town
      for (const who of ['changping-sq', 'humen']) {
        const res = await create(v, v.part(0, 0.5), 'x', await t.as(who));
        expect(res.statusCode, who).toBe(403);
        expect(res.json().message, who).toMatch(/outside your area/);
        expect((await (await t.as(who)).inject(`/api/grids?parent=${v.code}`)).statusCode, who).toBe(403);
      }
      for (const who of ['viewer', 'dispatcher-cp', 'gridworker-cp', 'commander']) {
        const res = await create(v, v.part(0, 0.5), 'x', await t.as(who));
        expect(res.statusCode, who).toBe(403);
        expect(res.json().message, who).toMatch(/may not edit grids/);
      }
      expect(await currentGrids(v)).toHaveLength(0);
      // the admin (whole city) may
      expect((await create(v, v.part(0, 0.5), 'x', await t.as('admin'))).statusCode).toBe(201);
      // a grid belongs to a village, not a town
      const town = await cp.inject({
        method: 'POST',
        url: '/api/grids',
        payload: { parentCode: TOWN, name: 'x', geometry: v.part(0, 0.5) },
      });
      expect(town.statusCode).toBe(400);
    });
  });

  describe('versions and history', () => {
    it('reshapes by closing the old version and opening the next; a stale version gets 409', async () => {
      const v = await newVillage();
      const code = (await create(v, v.part(0, 0.5))).json().grids[0].id as string;
      const between = new Date();
      const admin = await t.as('admin');
      // two coordinators start from version 1; the first save wins
      const first = await cp.inject({
        method: 'PUT',
        url: `/api/grids/${code}`,
        payload: { version: 1, geometry: v.part(0, 0.6) },
      });
      expect(first.statusCode, first.body).toBe(200);
      const g = first.json().grids[0];
      expect(g.id).toBe(code);
      expect(g.properties.version).toBe(2);
      expect(g.properties.change).toBe('reshaped');
      const second = await admin.inject({
        method: 'PUT',
        url: `/api/grids/${code}`,
        payload: { version: 1, geometry: v.part(0, 0.4) },
      });
      expect(second.statusCode).toBe(409);
      expect(second.json().message).toMatch(/version 2.*version 1/);
      expect(second.json()).toMatchObject({
        code: 'grid_version_stale',
        params: { code, current: 2, yours: 1 },
      });
      const history = (await cp.inject(`/api/grids/${code}/history`)).json();
      expect(history.versions.map((x: { properties: { version: number } }) => x.properties.version)).toEqual([
        1, 2,
      ]);
      const [v1, v2] = history.versions;
      expect(v1.properties.validTo).toBe(v2.properties.validFrom);
      expect(v1.properties.closedReason).toBe('replaced');
      expect(v2.properties.validTo).toBeNull();
      expect(v2.properties.areaM2).toBeGreaterThan(v1.properties.areaM2 * 1.15);
      // the map as of a moment between the two versions shows version 1
      const asOf = (
        await cp.inject(`/api/grids?parent=${v.code}&at=${encodeURIComponent(between.toISOString())}`)
      ).json();
      expect(asOf.grids.features).toHaveLength(1);
      expect(asOf.grids.features[0].properties.version).toBe(1);
      // before the grid existed: none
      const before = (
        await cp.inject(`/api/grids?parent=${v.code}&at=${new Date(Date.now() - 3_600_000).toISOString()}`)
      ).json();
      expect(before.grids.features).toHaveLength(0);
      // a reshape that fails a check changes nothing
      const bad = await cp.inject({
        method: 'PUT',
        url: `/api/grids/${code}`,
        payload: { version: 2, geometry: rect(v.x0 - 0.001, v.y0, v.x0 + 0.005, v.y1) },
      });
      expect(bad.statusCode).toBe(422);
      expect((await currentGrids(v))[0]!.version).toBe(2);
    });

    it('renames and sets households as new versions with the same outline; grid workers without one', async () => {
      const v = await newVillage();
      const code = (await create(v, v.part(0, 0.5))).json().grids[0].id as string;
      const res = await cp.inject({
        method: 'PUT',
        url: `/api/grids/${code}`,
        payload: { version: 1, name: '新名字', households: 321 },
      });
      expect(res.statusCode, res.body).toBe(200);
      const g = res.json().grids[0];
      expect(g.properties).toMatchObject({ name: '新名字', households: 321, version: 2, change: 'renamed' });
      const same = await t.db.query<{ same: boolean }>(
        `SELECT ST_Equals(a.geom, b.geom) AS same FROM areas a, areas b
         WHERE a.code = $1 AND b.code = $1 AND a.version = 1 AND b.version = 2`,
        [code],
      );
      expect(same.rows[0]!.same).toBe(true);
      // a grid worker of its own (the demo ones stay where other files expect them)
      const admin = await t.as('admin');
      const made = await admin.inject({
        method: 'POST',
        url: '/api/users',
        payload: {
          username: `gw-${v.code.slice(9)}-${Date.now() % 100000}`,
          displayName: '网格员',
          role: 'grid_worker',
          homeAreaCode: v.code,
          password: 'a-good-password',
        },
      });
      expect(made.statusCode, made.body).toBe(201);
      const candidates = (await cp.inject(`/api/grids/workers?parent=${v.code}`)).json();
      expect(candidates.map((w: { id: number }) => w.id)).toContain(made.json().id);
      expect(candidates.every((w: { homeAreaCode: string }) => w.homeAreaCode.startsWith(TOWN))).toBe(true);
      const assign = await cp.inject({
        method: 'PUT',
        url: `/api/grids/${code}`,
        payload: { version: 2, workerIds: [made.json().id] },
      });
      expect(assign.statusCode, assign.body).toBe(200);
      expect(assign.json().grids[0].properties.version).toBe(2);
      expect(assign.json().grids[0].properties.workers.map((w: { id: number }) => w.id)).toEqual([
        made.json().id,
      ]);
      // only grid workers can be assigned
      const cpUser = (await t.db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'changping'`))
        .rows[0]!;
      const wrong = await cp.inject({
        method: 'PUT',
        url: `/api/grids/${code}`,
        payload: { version: 2, workerIds: [cpUser.id] },
      });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json().message).toMatch(/not a grid worker/);
    });

    it('splits a grid along a line: the larger piece keeps the code, the other is numbered next', async () => {
      const v = await newVillage();
      const code = (await create(v, v.part(0, 1))).json().grids[0].id as string;
      const x = v.x0 + 0.006; // 60 % west, 40 % east
      const miss = await cp.inject({
        method: 'POST',
        url: `/api/grids/${code}/split`,
        payload: {
          version: 1,
          line: {
            type: 'LineString',
            coordinates: [
              [x, v.y0 + 0.002],
              [x, v.y0 + 0.004],
            ],
          },
        },
      });
      expect(miss.statusCode).toBe(422);
      expect(miss.json().problems[0].kind).toBe('split_line');
      const res = await cp.inject({
        method: 'POST',
        url: `/api/grids/${code}/split`,
        payload: {
          version: 1,
          line: {
            type: 'LineString',
            coordinates: [
              [x, v.y0 - 0.001],
              [x, v.y1 + 0.001],
            ],
          },
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      const [kept, made] = res.json().grids;
      expect(kept.id).toBe(code);
      expect(kept.properties.version).toBe(2);
      expect(kept.properties.change).toBe('split');
      expect(made.id).toBe(`${v.code}002`);
      expect(made.properties.name).toBe(`测试村${v.code.slice(9)}第2网格`);
      expect(kept.properties.areaM2 / made.properties.areaM2).toBeCloseTo(1.5, 1);
      expect(res.json().warnings).toEqual([]);
      const history = (await cp.inject(`/api/grids/${code}/history`)).json();
      expect(history.versions[0].properties.closedReason).toBe('split');
    });

    it('merges neighbours into the lowest code; refuses non-neighbours and stale versions', async () => {
      const v = await newVillage();
      await create(v, v.part(0, 0.3));
      await create(v, v.part(0.3, 0.6));
      await create(v, v.part(0.7, 1));
      const [a, b, c] = (await currentGrids(v)).map((g) => g.code);
      const apart = await cp.inject({
        method: 'POST',
        url: '/api/grids/merge',
        payload: {
          grids: [
            { code: a, version: 1 },
            { code: c, version: 1 },
          ],
        },
      });
      expect(apart.statusCode).toBe(422);
      expect(apart.json().problems[0].kind).toBe('not_neighbours');
      const stale = await cp.inject({
        method: 'POST',
        url: '/api/grids/merge',
        payload: {
          grids: [
            { code: a, version: 1 },
            { code: b, version: 7 },
          ],
        },
      });
      expect(stale.statusCode).toBe(409);
      const res = await cp.inject({
        method: 'POST',
        url: '/api/grids/merge',
        payload: {
          grids: [
            { code: b, version: 1 },
            { code: a, version: 1 },
          ],
          name: '合并网格',
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      const merged = res.json().grids[0];
      expect(merged.id).toBe(a);
      expect(merged.properties).toMatchObject({ version: 2, change: 'merged', name: '合并网格' });
      // 0.6 of the village: ≈ 0.6 × 1,036 m × 1,107 m
      expect(merged.properties.areaM2).toBeGreaterThan(650_000);
      expect(merged.geometry.type).toBe('MultiPolygon');
      expect(merged.geometry.coordinates).toHaveLength(1);
      expect((await currentGrids(v)).map((g) => g.code)).toEqual([a, c]);
      const hb = (await cp.inject(`/api/grids/${b}/history`)).json();
      expect(hb.versions[0].properties).toMatchObject({ closedReason: 'merged', closedInto: a });
    });

    it('deletes a grid (history kept) and never issues its code again', async () => {
      const v = await newVillage();
      const code = (await create(v, v.part(0, 0.5))).json().grids[0].id as string;
      expect((await cp.inject({ method: 'DELETE', url: `/api/grids/${code}?version=3` })).statusCode).toBe(
        409,
      );
      const res = await cp.inject({ method: 'DELETE', url: `/api/grids/${code}?version=1` });
      expect(res.statusCode, res.body).toBe(200);
      expect((await cp.inject(`/api/grids/${code}`)).statusCode).toBe(404);
      const history = (await cp.inject(`/api/grids/${code}/history`)).json();
      expect(history.versions[0].properties.closedReason).toBe('deleted');
      const next = (await create(v, v.part(0, 0.5))).json().grids[0].id;
      expect(next).toBe(`${v.code}002`);
      expect((await cp.inject({ method: 'DELETE', url: `/api/grids/${code}?version=1` })).statusCode).toBe(
        404,
      );
    });
  });

  describe('incidents after a change of grids', () => {
    it('keeps an incident in its grid, lists it when its point moves to another grid, and reassigns on confirmation', async () => {
      const v = await newVillage();
      const a = (await create(v, v.part(0, 0.5))).json().grids[0].id as string;
      const b = (await create(v, v.part(0.5, 1))).json().grids[0].id as string;
      // an open incident and a closed one in the east of A
      const at = { lon: v.x0 + 0.0045, lat: v.y0 + 0.005 };
      const key = () => `grids-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const open = await intake(t.db, SYSTEM_SCOPE, {
        clientKey: key(),
        category: '0102',
        channel: 'desk',
        description: '开放',
        ...at,
      });
      const done = await intake(t.db, SYSTEM_SCOPE, {
        clientKey: key(),
        category: '0102',
        channel: 'desk',
        description: '已结',
        ...at,
      });
      expect(open.incident.grid_code).toBe(a);
      await t.db.query(`UPDATE incidents SET status = 'closed' WHERE id = $1`, [done.incident.id]);
      // A gives its east strip to B
      expect(
        (
          await cp.inject({
            method: 'PUT',
            url: `/api/grids/${a}`,
            payload: { version: 1, geometry: v.part(0, 0.4) },
          })
        ).statusCode,
      ).toBe(200);
      const res = await cp.inject({
        method: 'PUT',
        url: `/api/grids/${b}`,
        payload: { version: 1, geometry: v.part(0.4, 1) },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().reassignable).toBe(1);
      // the incident still belongs to A
      const still = await t.db.query<{ grid_code: string }>('SELECT grid_code FROM incidents WHERE id = $1', [
        open.incident.id,
      ]);
      expect(still.rows[0]!.grid_code).toBe(a);
      const pending = (await cp.inject(`/api/grids/reassignments?parent=${v.code}`)).json();
      expect(pending).toEqual([
        expect.objectContaining({ id: open.incident.id, gridCode: a, newGridCode: b }),
      ]);
      // a village coordinator elsewhere sees none of it
      expect(
        (await (await t.as('changping-sq')).inject(`/api/grids/reassignments?parent=${v.code}`)).statusCode,
      ).toBe(403);
      const moved = await cp.inject({
        method: 'POST',
        url: '/api/grids/reassignments',
        payload: { incidentIds: [open.incident.id, done.incident.id] },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json()).toEqual({
        reassigned: [{ id: open.incident.id, from: a, to: b }],
        skipped: [done.incident.id],
      });
      const now = await t.db.query<{ grid_code: string }>('SELECT grid_code FROM incidents WHERE id = $1', [
        open.incident.id,
      ]);
      expect(now.rows[0]!.grid_code).toBe(b);
      const ev = await t.db.query<{ note: string }>(
        `SELECT note FROM incident_events WHERE incident_id = $1 AND action = 'reassign_grid'`,
        [open.incident.id],
      );
      expect(ev.rows[0]!.note).toContain(`${a} → ${b}`);
      expect((await cp.inject(`/api/grids/reassignments?parent=${v.code}`)).json()).toEqual([]);
      // the closed one was left where it was
      const closed = await t.db.query<{ grid_code: string }>(
        'SELECT grid_code FROM incidents WHERE id = $1',
        [done.incident.id],
      );
      expect(closed.rows[0]!.grid_code).toBe(a);
    });
  });

  describe('import and export', () => {
    const feature = (geometry: unknown, properties: Record<string, unknown>) => ({
      type: 'Feature',
      geometry,
      properties,
    });

    it('refuses an import with problems, reporting every one, and saves nothing', async () => {
      const v = await newVillage();
      await create(v, v.part(0, 1));
      const before = await currentGrids(v);
      const res = await cp.inject({
        method: 'POST',
        url: '/api/grids/import',
        payload: {
          parentCode: v.code,
          collection: {
            type: 'FeatureCollection',
            features: [
              feature(v.part(0, 0.5), { name: 'A' }),
              feature(v.part(0.4, 1), { name: 'B' }), // overlaps A
              feature(rect(v.x1, v.y0, v.x1 + 0.002, v.y1), { name: 'C' }), // outside
              feature({ type: 'Point', coordinates: [v.x0, v.y0] }, { name: 'D' }),
              feature(v.part(0, 0.1), {}), // no name (and overlaps A)
              feature(v.part(0.9, 1), { name: 'F', code: `${v.code}777` }),
            ],
          },
        },
      });
      expect(res.statusCode).toBe(422);
      const body = res.json();
      expect(body.ok).toBe(false);
      const seen = body.errors.map((e: { feature: number; kind: string }) => `${e.feature}:${e.kind}`);
      expect(seen.sort()).toEqual(
        [
          '0:overlap',
          '0:overlap',
          '1:overlap',
          '2:outside_parent',
          '3:geometry_type',
          '4:name',
          '5:code',
        ].sort(),
      );
      // an overlap is reported once, on the first feature, naming the other
      const overlaps = body.errors.filter((e: { kind: string }) => e.kind === 'overlap');
      expect(overlaps.map((e: { message: string }) => e.message).sort()).toEqual([
        expect.stringMatching(/^overlaps feature 1 by/),
        expect.stringMatching(/^overlaps feature 4 by/),
        expect.stringMatching(/^overlaps feature 5 by/),
      ]);
      expect(body.message).toMatch(/7 problem\(s\); nothing was saved/);
      expect(await currentGrids(v)).toEqual(before);
    });

    it('imports a village’s grids all at once: codes kept or numbered west→east, north→south; a dry run saves nothing', async () => {
      const v = await newVillage();
      const old = (await create(v, v.part(0, 1))).json().grids[0].id as string;
      const collection = {
        type: 'FeatureCollection',
        features: [
          feature(v.part(0.5, 1, 0, 0.5), { name: '东南' }),
          feature(v.part(0, 0.5, 0, 0.5), { name: '西南', households: 40 }),
          feature(v.part(0.5, 1, 0.5, 1), { name: '东北' }),
          feature(v.part(0, 0.5, 0.5, 1), { name: '西北', code: old }),
        ],
      };
      const dry = await cp.inject({
        method: 'POST',
        url: '/api/grids/import',
        payload: { parentCode: v.code, dryRun: true, collection },
      });
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json()).toMatchObject({ ok: true, dryRun: true, kept: [old], created: [] });
      expect(await currentGrids(v)).toEqual([{ code: old, version: 1 }]);
      const res = await cp.inject({
        method: 'POST',
        url: '/api/grids/import',
        payload: { parentCode: v.code, collection },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ ok: true, kept: [old], closed: [], warnings: [] });
      const listing = (await cp.inject(`/api/grids?parent=${v.code}`)).json();
      const byName = Object.fromEntries(
        listing.grids.features.map((f: { id: string; properties: { name: string; version: number } }) => [
          f.properties.name,
          [f.id.slice(12), f.properties.version],
        ]),
      );
      // the kept one is version 2; the new ones: 东北 (north row), then 西南, 东南 (south row, west first)
      expect(byName).toEqual({ 西北: ['001', 2], 东北: ['002', 1], 西南: ['003', 1], 东南: ['004', 1] });
      expect(listing.gaps.features).toEqual([]);
    });

    it('exports GeoJSON and a zipped Shapefile (.shp .shx .dbf .prj .cpg)', async () => {
      const v = await newVillage();
      await create(v, v.part(0, 0.5), '西网格');
      await create(v, v.part(0.5, 1), '东网格');
      const gj = await cp.inject(`/api/grids/export?parent=${v.code}`);
      expect(gj.statusCode).toBe(200);
      expect(gj.headers['content-type']).toMatch(/application\/geo\+json/);
      const fc = gj.json();
      expect(fc.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual([
        '西网格',
        '东网格',
      ]);
      const res = await cp.inject(`/api/grids/export?parent=${v.code}&format=shapefile`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      const files = unzip(res.rawPayload);
      const base = `grids-${v.code}`;
      expect(Object.keys(files).sort()).toEqual(
        ['.cpg', '.dbf', '.prj', '.shp', '.shx'].map((e) => base + e).sort(),
      );
      const shp = files[`${base}.shp`]!;
      expect(shp.readInt32BE(0)).toBe(9994);
      expect(shp.readInt32BE(24) * 2).toBe(shp.length);
      expect(shp.readInt32LE(32)).toBe(5);
      expect(shp.readDoubleLE(36)).toBeCloseTo(v.x0, 6);
      const shx = files[`${base}.shx`]!;
      expect((shx.length - 100) / 8).toBe(2);
      const dbf = files[`${base}.dbf`]!;
      expect(dbf.readUInt32LE(4)).toBe(2);
      expect(dbf.toString('utf8')).toContain('西网格');
      // GDAL, where installed, reads it back
      if (existsSync('/usr/bin/ogrinfo')) {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'grids-shp-'));
        try {
          for (const [name, data] of Object.entries(files)) await writeFile(path.join(dir, name), data);
          const out = execFileSync('/usr/bin/ogrinfo', ['-al', '-so', path.join(dir, `${base}.shp`)], {
            encoding: 'utf8',
          });
          expect(out).toMatch(/Geometry: Polygon/);
          expect(out).toMatch(/Feature Count: 2/);
          expect(out).toMatch(/WGS/);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    });
  });
});

/** The entries of a zip (deflate or stored), read through its central directory. */
function unzip(buf: Buffer): Record<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    out[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    at += 46 + nameLength + extra + comment;
  }
  return out;
}
