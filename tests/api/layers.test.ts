import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type Client, type TestApp } from './template.ts';

const CITY_BBOX = '113.5,22.6,114.3,23.2';

describe('layers', () => {
  let t: TestApp;
  let c: Client;
  beforeAll(async () => {
    t = await openTestApp();
    c = await t.as('commander');
  });
  afterAll(() => t.close());

  it('lists the six layers with their counts and filters', async () => {
    const res = await c.inject('/api/layers');
    expect(res.statusCode).toBe(200);
    const layers = res.json() as Array<{ id: string; count: number; filters: string[] }>;
    expect(layers.map((l) => l.id)).toEqual([
      'sites',
      'components',
      'risk_sources',
      'cameras',
      'teams',
      'incidents',
    ]);
    for (const l of layers) expect(l.count).toBeGreaterThan(0);
    expect(layers.find((l) => l.id === 'risk_sources')?.filters).toContain('level');
  });

  it('returns features in a bbox as GeoJSON, all inside it', async () => {
    const bbox = [113.7, 22.95, 113.8, 23.05];
    const res = await c.inject(`/api/layers/sites/features?bbox=${bbox.join(',')}&limit=5000`);
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBeGreaterThan(0);
    for (const f of fc.features) {
      const [lon, lat] = f.geometry.coordinates;
      expect(lon).toBeGreaterThanOrEqual(bbox[0]!);
      expect(lon).toBeLessThanOrEqual(bbox[2]!);
      expect(lat).toBeGreaterThanOrEqual(bbox[1]!);
      expect(lat).toBeLessThanOrEqual(bbox[3]!);
      expect(f.properties.kindName).toBeTruthy();
    }
  });

  it('honours limit and says when the answer was truncated', async () => {
    const res = await c.inject(`/api/layers/components/features?bbox=${CITY_BBOX}&limit=10`);
    const fc = res.json();
    expect(fc.features).toHaveLength(10);
    expect(fc.truncated).toBe(true);
  });

  it('filters risk sources by level and components by 大类', async () => {
    const rs = (await c.inject(`/api/layers/risk_sources/features?level=1&limit=20000`)).json();
    expect(rs.features.length).toBeGreaterThan(0);
    expect(rs.features.every((f: { properties: { level: number } }) => f.properties.level === 1)).toBe(true);
    const comps = (await c.inject(`/api/layers/components/features?kind=01&limit=20000`)).json();
    expect(comps.features.length).toBeGreaterThan(0);
    expect(
      comps.features.every((f: { properties: { code: string } }) => f.properties.code.slice(6, 8) === '01'),
    ).toBe(true);
  });

  it('filters by town', async () => {
    const fc = (await c.inject('/api/layers/sites/features?town=441900110&limit=20000')).json();
    expect(fc.features.length).toBeGreaterThan(0);
    expect(
      fc.features.every((f: { properties: { townCode: string } }) => f.properties.townCode === '441900110'),
    ).toBe(true);
  });

  it('gives one feature by id, 404 for a missing one and 400 for a bad id', async () => {
    const first = (await c.inject('/api/layers/teams/features?limit=1')).json().features[0];
    const one = await c.inject(`/api/layers/teams/features/${first.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().properties.name).toBe(first.properties.name);
    const missing = await c.inject('/api/layers/teams/features/99999999');
    expect(missing.statusCode).toBe(404);
    const bad = await c.inject('/api/layers/teams/features/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("'abc'");
  });

  it('says which layers exist when asked for an unknown one', async () => {
    const res = await c.inject('/api/layers/volcanoes/features');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('volcanoes');
    expect(res.json().message).toContain('risk_sources');
  });

  it.each([
    ['113.7,22.9,113.8', /4 comma-separated/],
    ['113.7,22.9,abc,23', /'abc'/],
    ['113.8,22.9,113.7,23', /minLon/],
    ['113.7,23,113.8,22.9', /minLat/],
    ['-200,22,113,23', /longitudes/],
  ])('rejects bbox %s with a 400 that says why', async (bbox, why) => {
    const res = await c.inject(`/api/layers/sites/features?bbox=${bbox}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(why);
    expect(res.json().message).toContain('bbox');
  });

  it('rejects a filter the layer does not have, and malformed filters', async () => {
    const noLevel = await c.inject('/api/layers/cameras/features?level=2');
    expect(noLevel.statusCode).toBe(400);
    expect(noLevel.json().message).toContain("no filter 'level'");
    const badLevel = await c.inject('/api/layers/risk_sources/features?level=9');
    expect(badLevel.statusCode).toBe(400);
    expect(badLevel.json().message).toMatch(/level/);
    const badTown = await c.inject('/api/layers/sites/features?town=4419');
    expect(badTown.statusCode).toBe(400);
    const badLimit = await c.inject('/api/layers/sites/features?limit=0');
    expect(badLimit.statusCode).toBe(400);
  });

  it('serves the offline basemap layers and refuses other names', async () => {
    const land = await c.inject('/api/basemap/ne10m-land');
    expect(land.statusCode).toBe(200);
    expect(land.json().type).toBe('FeatureCollection');
    const other = await c.inject('/api/basemap/..%2Fsource%2Ftowns');
    expect(other.statusCode).toBe(404);
  });
});
