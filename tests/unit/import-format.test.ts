import { afterEach, describe, expect, it, vi } from 'vitest';
import { importRejectionsUrl } from '../../web/api/client.ts';
import type { ImportJob } from '../../api/schemas/imports.ts';
import {
  coordinatesBody,
  formatFromFilename,
  geometrySummary,
  initialCoordinates,
  initialMapping,
  needsCoordinates,
  readFraction,
  unmappedRequired,
} from '../../web/import/import-format.ts';

/** An uploaded CSV job with only what the helpers read filled in. */
function csvJob(patch: Partial<ImportJob> = {}): ImportJob {
  return {
    columns: ['名称', '类型', '经度', '纬度'],
    fields: [
      { name: 'name', required: true, nameZh: '名称', nameEn: 'Name', hintZh: '', hintEn: '' },
      { name: 'kind', required: true, nameZh: '类型', nameEn: 'Kind', hintZh: '', hintEn: '' },
      { name: 'address', required: false, nameZh: '地址', nameEn: 'Address', hintZh: '', hintEn: '' },
    ],
    suggestedMapping: { name: '名称', kind: '类型', address: '地址', nosuchfield: '名称' },
    suggestedCoordinates: { lon: '经度', lat: '纬度' },
    ...patch,
  } as ImportJob;
}

describe('import page helpers', () => {
  it('reads the format from the extension as the API does', () => {
    expect(formatFromFilename('a.GeoJSON')).toBe('geojson');
    expect(formatFromFilename('a.json')).toBe('geojson');
    expect(formatFromFilename('点位.csv')).toBe('csv');
    expect(formatFromFilename('a.txt')).toBe('csv');
    expect(formatFromFilename('parcels.zip')).toBe('shapefile');
    expect(formatFromFilename('a.kml')).toBe('kml');
    expect(formatFromFilename('道路.KMZ')).toBe('kml');
    expect(formatFromFilename('a.xlsx')).toBeNull();
    expect(formatFromFilename('noextension')).toBeNull();
  });

  it('keeps only suggestions naming a field of the layer and a column of the file', () => {
    expect(initialMapping(csvJob())).toEqual({ name: '名称', kind: '类型' });
  });

  it('names the required fields still unmapped', () => {
    const job = csvJob();
    expect(unmappedRequired(job.fields, { name: '名称' }).map((f) => f.name)).toEqual(['kind']);
    expect(unmappedRequired(job.fields, { name: '名称', kind: '类型' })).toEqual([]);
  });

  it('pre-sets the position columns and builds the run body only when complete', () => {
    const lonlat = initialCoordinates(csvJob());
    expect(coordinatesBody(lonlat)).toEqual({ lon: '经度', lat: '纬度' });
    expect(coordinatesBody({ ...lonlat, lat: '' })).toBeNull();
    const wkt = initialCoordinates(csvJob({ columns: ['geom'], suggestedCoordinates: { wkt: 'geom' } }));
    expect(wkt.mode).toBe('wkt');
    expect(coordinatesBody(wkt)).toEqual({ wkt: 'geom' });
    // a suggestion naming a column the file lacks is not kept
    const none = initialCoordinates(
      csvJob({ columns: ['x'], suggestedCoordinates: { lon: 'lng', lat: 'lat' } }),
    );
    expect(coordinatesBody(none)).toBeNull();
  });

  it('asks for position columns for a CSV, except for teams whose position is optional', () => {
    expect(needsCoordinates(csvJob({ layer: 'sites', hasGeometry: false }))).toBe(true);
    expect(needsCoordinates(csvJob({ layer: 'teams', hasGeometry: false }))).toBe(false);
    expect(needsCoordinates(csvJob({ layer: 'sites', hasGeometry: true }))).toBe(false);
  });

  describe('the rejections download link', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('asks for the messages in the interface language', () => {
      vi.stubGlobal('window', { location: { origin: 'https://riskmap.example' } });
      expect(importRejectionsUrl(7, 'en')).toBe('https://riskmap.example/api/imports/7/rejections?lang=en');
      expect(new URL(importRejectionsUrl(7, 'zh-CN')).searchParams.get('lang')).toBe('zh-CN');
    });
  });

  it('reports the share of the file read, unknown without a size', () => {
    const p = { phase: 'reading' as const, rowsRead: 0, accepted: 0, rejected: 0 };
    expect(readFraction({ ...p, bytesRead: 50, totalBytes: 200 })).toBe(0.25);
    expect(readFraction({ ...p, bytesRead: 0, totalBytes: 0 })).toBeNull();
  });

  it('summarises a geometry by its type and first position', () => {
    expect(geometrySummary({ type: 'Point', coordinates: [113.75, 23.02] })).toBe(
      'Point 113.75000, 23.02000',
    );
    expect(geometrySummary({ type: 'Polygon', coordinates: [[[113.1, 23.1]]] })).toBe(
      'Polygon 113.10000, 23.10000',
    );
    expect(geometrySummary(null)).toBe('');
  });
});
