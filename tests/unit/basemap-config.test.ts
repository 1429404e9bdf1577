import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBasemapConfig, loadConfig } from '../../api/config.ts';
import { basemapSettings, vectorStyle } from '../../api/routes/basemap/index.ts';

const RASTER = 'http://10.1.2.3/tiles/{z}/{x}/{y}.png';

describe('RISKMAP_BASEMAP_* settings', () => {
  it('is the offline basemap when nothing is set', () => {
    expect(loadBasemapConfig({})).toEqual({ kind: 'offline' });
    expect(loadConfig({}).basemap).toEqual({ kind: 'offline' });
    expect(basemapSettings({ kind: 'offline' })).toMatchObject({
      kind: 'offline',
      crs: 'wgs84',
      tiles: null,
    });
  });

  it('reads a raster tile server with its defaults (raster, wgs84, maxzoom 18)', () => {
    const b = loadBasemapConfig({ RISKMAP_BASEMAP_URL: RASTER });
    expect(b).toEqual({
      kind: 'raster',
      url: RASTER,
      crs: 'wgs84',
      attribution: null,
      maxzoom: 18,
      style: null,
    });
    expect(
      basemapSettings(
        loadBasemapConfig({
          RISKMAP_BASEMAP_URL: RASTER,
          RISKMAP_BASEMAP_CRS: 'gcj02',
          RISKMAP_BASEMAP_ATTRIBUTION: '© 市测绘院',
          RISKMAP_BASEMAP_MAXZOOM: '17',
        }),
      ),
    ).toEqual({
      kind: 'raster',
      crs: 'gcj02',
      tiles: RASTER,
      styleUrl: null,
      attribution: '© 市测绘院',
      maxzoom: 17,
    });
    // a path on this origin (a reverse proxy in front of the tile server) is accepted
    expect(loadBasemapConfig({ RISKMAP_BASEMAP_URL: '/tiles/{z}/{x}/{y}.png' })).toMatchObject({
      kind: 'raster',
    });
  });

  it('reads a vector style URL, and an MVT template with a style file filled in', () => {
    const style = loadBasemapConfig({
      RISKMAP_BASEMAP_URL: 'http://10.1.2.3/styles/city.json',
      RISKMAP_BASEMAP_TYPE: 'vector',
    });
    expect(basemapSettings(style)).toMatchObject({
      kind: 'vector',
      styleUrl: 'http://10.1.2.3/styles/city.json',
    });

    const dir = mkdtempSync(path.join(os.tmpdir(), 'riskmap-style-'));
    const file = path.join(dir, 'style.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 8,
        sources: { city: { type: 'vector' }, other: { type: 'vector', tiles: ['http://x/{z}/{x}/{y}'] } },
        layers: [{ id: 'roads', type: 'line', source: 'city', 'source-layer': 'roads' }],
      }),
    );
    const mvt = loadBasemapConfig({
      RISKMAP_BASEMAP_URL: 'http://10.1.2.3/mvt/{z}/{x}/{y}.pbf',
      RISKMAP_BASEMAP_TYPE: 'vector',
      RISKMAP_BASEMAP_STYLE: file,
      RISKMAP_BASEMAP_MAXZOOM: '14',
    });
    expect(basemapSettings(mvt)).toMatchObject({ kind: 'vector', styleUrl: '/api/basemap-settings/style' });
    const filled = vectorStyle(mvt) as { sources: Record<string, { tiles?: string[]; maxzoom?: number }> };
    expect(filled.sources.city).toMatchObject({
      tiles: ['http://10.1.2.3/mvt/{z}/{x}/{y}.pbf'],
      maxzoom: 14,
    });
    expect(filled.sources.other?.tiles).toEqual(['http://x/{z}/{x}/{y}']);
  });

  it('refuses to start on wrong settings, naming the variable', () => {
    const bad: [NodeJS.ProcessEnv, RegExp][] = [
      [
        { RISKMAP_BASEMAP_URL: RASTER, RISKMAP_BASEMAP_TYPE: 'wms' },
        /RISKMAP_BASEMAP_TYPE must be 'raster' or 'vector'/,
      ],
      [
        { RISKMAP_BASEMAP_URL: RASTER, RISKMAP_BASEMAP_CRS: 'bd09' },
        /RISKMAP_BASEMAP_CRS must be 'wgs84' or 'gcj02'/,
      ],
      [
        { RISKMAP_BASEMAP_URL: 'http://10.1.2.3/tiles/{z}/{x}.png' },
        /RISKMAP_BASEMAP_URL must be a tile template with \{z\}, \{x\} and \{y\}/,
      ],
      [{ RISKMAP_BASEMAP_URL: 'ftp://10.1.2.3/{z}/{x}/{y}.png' }, /RISKMAP_BASEMAP_URL must be http\(s\)/],
      [{ RISKMAP_BASEMAP_URL: 'not a url {z}{x}{y}' }, /RISKMAP_BASEMAP_URL is not a URL/],
      [
        { RISKMAP_BASEMAP_URL: RASTER, RISKMAP_BASEMAP_MAXZOOM: '30' },
        /RISKMAP_BASEMAP_MAXZOOM must be an integer 0–24/,
      ],
      [{ RISKMAP_BASEMAP_CRS: 'gcj02' }, /RISKMAP_BASEMAP_CRS is set but RISKMAP_BASEMAP_URL is not/],
      [
        { RISKMAP_BASEMAP_URL: 'http://10.1.2.3/mvt/{z}/{x}/{y}.pbf', RISKMAP_BASEMAP_TYPE: 'vector' },
        /RISKMAP_BASEMAP_STYLE must name a style JSON file/,
      ],
      [
        {
          RISKMAP_BASEMAP_URL: 'http://10.1.2.3/mvt/{z}/{x}/{y}.pbf',
          RISKMAP_BASEMAP_TYPE: 'vector',
          RISKMAP_BASEMAP_STYLE: '/nonexistent/style.json',
        },
        /RISKMAP_BASEMAP_STYLE: cannot read/,
      ],
    ];
    for (const [env, message] of bad) {
      expect(() => loadBasemapConfig(env), JSON.stringify(env)).toThrow(message);
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
    }
  });
});
