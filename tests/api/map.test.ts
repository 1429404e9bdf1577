import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type Client, type TestApp } from './template.ts';

describe('search, around, exposure, statistics and feature context', () => {
  let t: TestApp;
  let c: Client;
  beforeAll(async () => {
    t = await openTestApp();
    c = await t.as('commander');
  });
  afterAll(() => t.close());

  it('finds an area by name and by code, with a bbox to fly to', async () => {
    const byName = (await c.inject(`/api/search?q=${encodeURIComponent('常平')}`)).json();
    const town = byName.hits.find(
      (h: { kind: string; id: string }) => h.kind === 'area' && h.id === '441900110',
    );
    expect(town).toBeDefined();
    expect(town.bbox).toHaveLength(4);
    const byCode = (await c.inject('/api/search?q=441900121')).json();
    expect(byCode.hits[0]).toMatchObject({ kind: 'area', id: '441900121', label: '虎门镇' });
  });

  it('finds a site by its name and an incident by its number', async () => {
    const site = (
      await t.db.query<{ id: number; name: string }>('SELECT id, name FROM sites ORDER BY id LIMIT 1')
    ).rows[0]!;
    const hits = (await c.inject(`/api/search?q=${encodeURIComponent(site.name)}`)).json().hits;
    expect(
      hits.some((h: { kind: string; id: string }) => h.kind === 'site' && h.id === String(site.id)),
    ).toBe(true);
    const inc = (await t.db.query<{ id: number }>('SELECT id FROM incidents ORDER BY id LIMIT 1')).rows[0]!;
    const incHits = (await c.inject(`/api/search?q=${inc.id}`)).json().hits;
    expect(
      incHits.some((h: { kind: string; id: string }) => h.kind === 'incident' && h.id === String(inc.id)),
    ).toBe(true);
  });

  it('treats LIKE wildcards literally and keeps search inside the scope', async () => {
    expect((await c.inject('/api/search?q=%25')).json().hits).toEqual([]);
    const humen = await t.as('humen');
    const hits = (await humen.inject(`/api/search?q=${encodeURIComponent('常平')}`)).json().hits;
    expect(hits.filter((h: { kind: string }) => h.kind === 'area')).toEqual([]);
    expect((await c.inject('/api/search?q=')).statusCode).toBe(400);
    expect((await c.inject('/api/search?q=%20%20')).statusCode).toBe(400);
  });

  it('lists what is around a point, by distance, within the radius', async () => {
    const rs = (
      await t.db.query<{ lon: number; lat: number }>(
        'SELECT ST_X(geom) lon, ST_Y(geom) lat FROM risk_sources ORDER BY id LIMIT 1',
      )
    ).rows[0]!;
    const res = await c.inject(`/api/around?lon=${rs.lon}&lat=${rs.lat}&radius=1500`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.riskSources.length).toBeGreaterThan(0);
    expect(body.riskSources[0].distanceM).toBeLessThan(1);
    expect(body.riskSources[0].insideImpact).toBe(true);
    for (const list of [body.riskSources, body.sites, body.teams]) {
      for (const x of list) expect(x.distanceM).toBeLessThanOrEqual(1500);
    }
    const d = body.teams.map((x: { distanceM: number }) => x.distanceM);
    expect([...d].sort((a, b) => a - b)).toEqual(d);
    expect(body.riskSourcesByLevel.reduce((a: number, b: number) => a + b, 0)).toBe(body.riskSources.length);
    // the default radius is 500 m
    expect((await c.inject(`/api/around?lon=${rs.lon}&lat=${rs.lat}`)).json().radius).toBe(500);
  });

  it('agrees with a brute-force distance check', async () => {
    const p = { lon: 113.75, lat: 23.02 };
    const body = (await c.inject(`/api/around?lon=${p.lon}&lat=${p.lat}&radius=2000&limit=500`)).json();
    const brute = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM sites WHERE ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) <= 2000`,
      [p.lon, p.lat],
    );
    expect(body.sites.length).toBe(brute.rows[0]!.n);
  });

  it.each([
    ['/api/around?lon=113.7&lat=23&radius=0', /radius/],
    ['/api/around?lon=113.7&lat=23&radius=9000', /radius/],
    ['/api/around?lon=113.7&lat=abc', /lat/],
    ['/api/around?lat=23', /lon/],
  ])('rejects %s with 400', async (url, why) => {
    const res = await c.inject(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(why);
  });

  it("lists the key sites inside a risk source's impact radius", async () => {
    const rs = (
      await t.db.query<{ id: number; r: number; lon: number; lat: number }>(
        "SELECT id, impact_radius_m r, ST_X(geom) lon, ST_Y(geom) lat FROM risk_sources WHERE synthetic AND GeometryType(geom) = 'POINT' ORDER BY impact_radius_m DESC, id LIMIT 1",
      )
    ).rows[0]!;
    const res = await c.inject(`/api/risk-sources/${rs.id}/exposed`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.source.impactRadiusM).toBe(rs.r);
    for (const s of body.sites) expect(s.distanceM).toBeLessThanOrEqual(rs.r);
    expect((await c.inject('/api/risk-sources/99999999/exposed')).statusCode).toBe(404);
  });

  it('gives per-town statistics that add up to the city totals', async () => {
    const stats = (await c.inject('/api/stats/areas?level=town')).json() as Array<{
      openIncidents: number;
      riskSources: number;
      riskIndex: number;
      openIncidentsPer10k: number | null;
      population: number;
    }>;
    expect(stats).toHaveLength(33);
    const open = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM incidents WHERE status NOT IN ('closed', 'rejected', 'merged') AND town_code IS NOT NULL`,
    );
    expect(stats.reduce((a, s) => a + s.openIncidents, 0)).toBe(open.rows[0]!.n);
    const rs = await t.db.query<{ n: number; w: number }>(
      `SELECT count(*)::int n, sum(CASE level WHEN 1 THEN 8 WHEN 2 THEN 4 WHEN 3 THEN 2 ELSE 1 END)::int w FROM risk_sources WHERE town_code IS NOT NULL`,
    );
    expect(stats.reduce((a, s) => a + s.riskSources, 0)).toBe(rs.rows[0]!.n);
    expect(stats.reduce((a, s) => a + s.riskIndex, 0)).toBe(rs.rows[0]!.w);
    const s = stats.find((x) => x.openIncidents > 0)!;
    expect(s.openIncidentsPer10k).toBeCloseTo((s.openIncidents / s.population) * 10000, 1);
    const villages = (await (await t.as('changping')).inject('/api/stats/areas?level=village')).json();
    expect(villages.every((v: { code: string }) => v.code.startsWith('441900110'))).toBe(true);
    expect((await c.inject('/api/stats/areas?level=grid')).statusCode).toBe(400);
  });

  it('gives a feature its area path and linked incidents', async () => {
    const inc = (
      await t.db.query<{ id: number; grid: string }>(
        'SELECT id, grid_code grid FROM incidents WHERE grid_code IS NOT NULL ORDER BY id LIMIT 1',
      )
    ).rows[0]!;
    const res = await c.inject(`/api/layers/incidents/features/${inc.id}/context`);
    expect(res.statusCode).toBe(200);
    const ctx = res.json();
    expect(ctx.path.map((p: { level: string }) => p.level)).toEqual(['town', 'village', 'grid']);
    expect(ctx.path[2].code).toBe(inc.grid);
    // an incident right next to a site is linked to it
    const site = (
      await t.db.query<{ id: number; lon: number; lat: number; town: string }>(
        'SELECT id, ST_X(geom) lon, ST_Y(geom) lat, town_code town FROM sites ORDER BY id LIMIT 1',
      )
    ).rows[0]!;
    await t.db.query(
      `INSERT INTO incidents (category, channel, description, priority, town_code, geom)
       VALUES ('0101', 'desk', '门口私搭乱建', 3, $3, ST_SetSRID(ST_MakePoint($1 + 0.0001, $2), 4326))`,
      [site.lon, site.lat, site.town],
    );
    const siteCtx = (await c.inject(`/api/layers/sites/features/${site.id}/context`)).json();
    expect(
      siteCtx.incidents.some(
        (i: { description: string; distanceM: number }) =>
          i.description === '门口私搭乱建' && i.distanceM < 20,
      ),
    ).toBe(true);
  });

  it('filters incidents by report time for the heatmap window', async () => {
    const from = '2026-11-01T00:00:00Z';
    const to = '2026-11-15T00:00:00Z';
    const fc = (await c.inject(`/api/layers/incidents/features?from=${from}&to=${to}&limit=20000`)).json();
    const n = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM incidents WHERE reported_at >= $1 AND reported_at < $2`,
      [from, to],
    );
    expect(fc.features.length).toBe(n.rows[0]!.n);
    expect((await c.inject('/api/layers/incidents/features?from=yesterday')).statusCode).toBe(400);
    expect((await c.inject(`/api/layers/sites/features?from=${from}`)).statusCode).toBe(400);
  });
});
