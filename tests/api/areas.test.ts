import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../../api/db/dataset-loader.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

describe('areas', () => {
  let t: TestApp;
  let c: Client;
  beforeAll(async () => {
    t = await openTestApp();
    c = await t.as('commander');
  });
  afterAll(() => t.close());

  it('lists the 36 town-level units of Dongguan, 33 of them with an outline', async () => {
    const res = await c.inject('/api/areas?level=town');
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(36);
    const withOutline = fc.features.filter((f: { geometry: unknown }) => f.geometry !== null);
    expect(withOutline).toHaveLength(33);
    const changping = fc.features.find((f: { id: string }) => f.id === '441900110');
    expect(changping.properties).toMatchObject({
      name: '常平镇',
      level: 'town',
      parentCode: '441900',
      synthetic: false,
    });
    expect(changping.geometry.type).toBe('MultiPolygon');
    expect(changping.properties.labelPoint).toHaveLength(2);
  });

  it('lists all 609 villages/communities with their real NBS codes', async () => {
    const res = await c.inject('/api/areas?level=village&geometry=false');
    const fc = res.json();
    // On a shared PostgreSQL test database other files add fixture villages of their own:
    // every village of the sample city is listed, and those are 609.
    const sample = JSON.parse(readFileSync(path.join(SAMPLE_DIR, 'areas.geojson'), 'utf8')) as {
      features: Array<{ properties: { code: string; level: string } }>;
    };
    const sampleVillages = new Set(
      sample.features.filter((f) => f.properties.level === 'village').map((f) => f.properties.code),
    );
    expect(sampleVillages.size).toBe(609);
    expect(fc.features.filter((f: { id: string }) => sampleVillages.has(f.id))).toHaveLength(609);
    expect(
      fc.features.every(
        (f: { id: string; geometry: unknown }) => /^\d{12}$/.test(f.id) && f.geometry === null,
      ),
    ).toBe(true);
    const gangbei = fc.features.find((f: { id: string }) => f.id === '441900003001');
    expect(gangbei.properties.name).toBe('岗贝社区居民委员会');
  });

  it('has about 2,900 grids whose 15-digit codes extend their village code', async () => {
    const res = await c.inject('/api/areas?level=grid&geometry=false');
    const grids = res.json().features as Array<{ id: string; properties: { parentCode: string } }>;
    expect(grids.length).toBeGreaterThan(2700);
    expect(grids.length).toBeLessThan(3200);
    for (const g of grids) {
      expect(g.id).toMatch(/^\d{15}$/);
      expect(g.id.slice(0, 12)).toBe(g.properties.parentCode);
    }
  });

  it('filters by parent', async () => {
    const res = await c.inject('/api/areas?parent=441900110&geometry=false');
    const fc = res.json();
    expect(fc.features.length).toBeGreaterThan(0);
    expect(
      fc.features.every(
        (f: { properties: { parentCode: string; level: string } }) =>
          f.properties.parentCode === '441900110' && f.properties.level === 'village',
      ),
    ).toBe(true);
  });

  it('gives one area with its path from the city down, bbox and child count', async () => {
    const grids = (await c.inject('/api/areas?parent=441900003001&geometry=false')).json().features;
    const code = grids[0].id as string;
    const res = await c.inject(`/api/areas/${code}`);
    expect(res.statusCode).toBe(200);
    const p = res.json().properties;
    expect(p.path.map((a: { code: string }) => a.code)).toEqual([
      '441900',
      '441900003',
      '441900003001',
      code,
    ]);
    expect(p.path[1].name).toBe('东城街道');
    expect(p.bbox).toHaveLength(4);
    expect(p.childCount).toBe(0);
  });

  it('finds the town, village and grid containing a point', async () => {
    const town = (await c.inject('/api/areas/441900110')).json();
    const [lon, lat] = town.properties.labelPoint;
    const res = await c.inject(`/api/areas/at?lon=${lon}&lat=${lat}`);
    expect(res.statusCode).toBe(200);
    const levels = res.json().path.map((a: { level: string }) => a.level);
    expect(levels).toEqual(['city', 'town', 'village', 'grid']);
    expect(res.json().path[1].code).toBe('441900110');
  });

  it('finds nothing at sea', async () => {
    const res = await c.inject('/api/areas/at?lon=113.9&lat=22.3');
    expect(res.json().path).toEqual([]);
  });

  it('rejects a malformed code with 400 and an unknown one with 404', async () => {
    const bad = await c.inject('/api/areas/12ab');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/code/);
    const missing = await c.inject('/api/areas/441900999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toContain('441900999');
  });

  it('rejects an unknown level and out-of-range coordinates with 400', async () => {
    expect((await c.inject('/api/areas?level=province')).statusCode).toBe(400);
    const res = await c.inject('/api/areas/at?lon=200&lat=23');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/lon/);
  });
});
