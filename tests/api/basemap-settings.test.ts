import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBasemapConfig } from '../../api/config.ts';
import { openTestApp, type TestApp } from './template.ts';

describe('GET /api/basemap-settings', () => {
  let offline: TestApp;
  let gcj: TestApp;
  let vector: TestApp;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'riskmap-style-'));
    const file = path.join(dir, 'style.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 8,
        sources: { city: { type: 'vector' } },
        layers: [{ id: 'water', type: 'fill', source: 'city', 'source-layer': 'water' }],
      }),
    );
    // One app after the other: each opens its own embedded database.
    offline = await openTestApp({ basemap: { kind: 'offline' } });
    gcj = await openTestApp({
      basemap: loadBasemapConfig({
        RISKMAP_BASEMAP_URL: 'http://10.1.2.3/tiles/{z}/{x}/{y}.png',
        RISKMAP_BASEMAP_CRS: 'gcj02',
        RISKMAP_BASEMAP_ATTRIBUTION: '© 高德地图',
      }),
    });
    vector = await openTestApp({
      basemap: loadBasemapConfig({
        RISKMAP_BASEMAP_URL: 'http://10.1.2.3/mvt/{z}/{x}/{y}.pbf',
        RISKMAP_BASEMAP_TYPE: 'vector',
        RISKMAP_BASEMAP_STYLE: file,
      }),
    });
  });
  afterAll(async () => {
    await offline?.close();
    await gcj?.close();
    await vector?.close();
  });

  it('says offline when nothing is configured, without a session', async () => {
    const res = await offline.app.inject('/api/basemap-settings');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      kind: 'offline',
      crs: 'wgs84',
      tiles: null,
      styleUrl: null,
      attribution: null,
      maxzoom: 18,
    });
    expect((await offline.app.inject('/api/basemap-settings/style')).statusCode).toBe(404);
  });

  it('names a GCJ-02 raster tile server', async () => {
    const res = await gcj.app.inject('/api/basemap-settings');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      kind: 'raster',
      crs: 'gcj02',
      tiles: 'http://10.1.2.3/tiles/{z}/{x}/{y}.png',
      styleUrl: null,
      attribution: '© 高德地图',
      maxzoom: 18,
    });
  });

  it('serves the style of a vector MVT basemap with the template filled in', async () => {
    const settings = (await vector.app.inject('/api/basemap-settings')).json();
    expect(settings).toMatchObject({ kind: 'vector', crs: 'wgs84', styleUrl: '/api/basemap-settings/style' });
    const style = await vector.app.inject(settings.styleUrl);
    expect(style.statusCode).toBe(200);
    expect(style.json().sources.city).toEqual({
      type: 'vector',
      tiles: ['http://10.1.2.3/mvt/{z}/{x}/{y}.pbf'],
      maxzoom: 18,
    });
  });
});
