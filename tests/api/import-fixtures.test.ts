import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zip } from '../../api/lib/shapefile.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

/*
 * Files as real tools write them: every fixture here is written by GDAL (ogr2ogr, from a
 * GeoJSON of sample-city sites and risk-source outlines), not by the project's own writers, and
 * the imported positions are compared with the source's, not with anything the importer computed.
 */
const hasGdal = spawnSync('ogr2ogr', ['--version']).status === 0;
const RUN = Date.now().toString(36);
/** 大朗镇: no other test file imports there. */
const TOWN = '441900123';

type Job = {
  id: number;
  status: string;
  error: string | null;
  detectedCrs: string | null;
  columns: string[];
  layers: string[];
  approximateDatums: string[];
  suggestedMapping: Record<string, string>;
  rejections: Array<{ row: number; reason: string; message: string }>;
  inserted: number;
};

describe.skipIf(!hasGdal)('imports of files written by GDAL', () => {
  let t: TestApp;
  let admin: Client;
  let dir: string;
  /** The source features: sites (points) and risk sources (polygons), in WGS 84. */
  let sites: Array<{ name: string; kind: string; lon: number; lat: number }>;
  let source: string;
  let polygons: string;

  beforeAll(async () => {
    t = await openTestApp();
    admin = await t.as('admin');
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskmap-gdal-fixtures-'));
    const rows = (
      await t.db.query<{ x: number; y: number }>(
        `SELECT ST_X(geom) x, ST_Y(geom) y FROM sites WHERE town_code = '${TOWN}' ORDER BY id LIMIT 5`,
      )
    ).rows;
    sites = rows.map((r, i) => ({
      name: `GDAL测试场所${RUN}-${i}`,
      kind: ['S01', 'S02', 'S03', 'S04', 'S06'][i]!,
      // a few metres off a stored site: inside the town, with all the decimals a survey gives
      lon: r.x + 1.234567e-5,
      lat: r.y + 2.345678e-5,
    }));
    source = path.join(dir, 'sites.geojson');
    writeFileSync(
      source,
      JSON.stringify({
        type: 'FeatureCollection',
        features: sites.map((s) => ({
          type: 'Feature',
          properties: { 名称: s.name, 类型: s.kind, 地址: '东莞市大朗镇' },
          geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
        })),
      }),
    );
    polygons = path.join(dir, 'risks.geojson');
    writeFileSync(
      polygons,
      JSON.stringify({
        type: 'FeatureCollection',
        features: sites.slice(0, 2).map((s, i) => ({
          type: 'Feature',
          properties: { 名称: `GDAL风险源${RUN}-${i}`, 类型: 'R01', 等级: '较大', 半径: 50 },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [s.lon, s.lat],
                [s.lon + 0.0004, s.lat],
                [s.lon + 0.0004, s.lat + 0.0003],
                [s.lon, s.lat + 0.0003],
                [s.lon, s.lat],
              ],
            ],
          },
        })),
      }),
    );
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ogr2ogr = (...args: string[]) => execFileSync('ogr2ogr', args, { stdio: 'pipe' });

  /** The files GDAL wrote for layer `name` into `folder`, zipped (our zip writer only packs them). */
  const zipped = (folder: string, keep: (name: string) => boolean = () => true): Buffer =>
    zip(
      readdirSync(folder)
        .filter(keep)
        .map((name) => ({ name, data: readFileSync(path.join(folder, name)) })),
    );

  const upload = async (layer: string, filename: string, body: Buffer): Promise<Job> => {
    const res = await admin.inject({
      method: 'POST',
      url: `/api/imports?layer=${layer}&filename=${encodeURIComponent(filename)}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const run = async (id: number, body: Record<string, unknown>): Promise<Job> => {
    const res = await admin.inject({ method: 'POST', url: `/api/imports/${id}/run`, payload: body });
    expect(res.statusCode, res.body).toBe(202);
    for (;;) {
      const job = (await admin.inject(`/api/imports/${id}`)).json() as Job;
      if (job.status !== 'running') return job;
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const undo = async (id: number) =>
    expect((await admin.inject({ method: 'POST', url: `/api/imports/${id}/undo` })).statusCode).toBe(200);

  /** The positions stored by import `id`, by name, against the source: within a centimetre. */
  const expectSitesAt = async (id: number) => {
    const stored = (
      await t.db.query<{ name: string; kind: string; x: number; y: number }>(
        `SELECT name, kind, ST_X(geom) x, ST_Y(geom) y FROM sites WHERE import_id = $1 ORDER BY name`,
        [id],
      )
    ).rows;
    expect(stored.map((s) => [s.name, s.kind])).toEqual(
      [...sites].sort((a, b) => (a.name < b.name ? -1 : 1)).map((s) => [s.name, s.kind]),
    );
    for (const s of stored) {
      const src = sites.find((x) => x.name === s.name)!;
      expect(Math.abs(s.x - src.lon) * 102_400, `${s.name} east-west metres`).toBeLessThan(0.01);
      expect(Math.abs(s.y - src.lat) * 110_800, `${s.name} north-south metres`).toBeLessThan(0.01);
    }
  };

  const importSites = async (
    filename: string,
    body: Buffer,
    crs: string,
    extra: Record<string, unknown> = {},
  ) => {
    const job = await upload('sites', filename, body);
    const done = await run(job.id, { mapping: { name: '名称', kind: '类型' }, crs, ...extra });
    expect(done.status, `${filename}: ${done.error ?? JSON.stringify(done.rejections.slice(0, 3))}`).toBe(
      'applied',
    );
    await expectSitesAt(job.id);
    await undo(job.id);
    return job;
  };

  it('a CGCS2000 Gauss-Kruger Shapefile (EPSG:4547, as GDAL writes it): recognised, converted to within 1 cm', async () => {
    const out = path.join(dir, 'gk');
    ogr2ogr(
      '-f',
      'ESRI Shapefile',
      '-t_srs',
      'EPSG:4547',
      '-lco',
      'ENCODING=UTF-8',
      out,
      source,
      '-nln',
      'sites',
    );
    const job = await upload('sites', 'bureau-gk.zip', zipped(out));
    expect(job.detectedCrs).toBe('EPSG:4547');
    expect(job.columns).toEqual(['名称', '类型', '地址']);
    await importSites('bureau-gk.zip', zipped(out), 'EPSG:4547');
    // the same with the zone number in front of the easting (EPSG:4526), GBK text and no .cpg
    const prefixed = path.join(dir, 'gk38');
    ogr2ogr(
      '-f',
      'ESRI Shapefile',
      '-t_srs',
      'EPSG:4526',
      '-lco',
      'ENCODING=CP936',
      prefixed,
      source,
      '-nln',
      'sites',
    );
    const noCpg = zipped(prefixed, (n) => !n.endsWith('.cpg'));
    const gbk = await upload('sites', 'gk38.zip', noCpg);
    expect(gbk.detectedCrs).toBe('EPSG:4526');
    await importSites('gk38.zip', noCpg, 'EPSG:4526');
    await importSites('gk38-cpg.zip', zipped(prefixed), 'EPSG:4526');
  });

  it('Web Mercator and UTM 49N/50N Shapefiles, and a 6-degree zone', async () => {
    for (const code of ['EPSG:3857', 'EPSG:32649', 'EPSG:32650', 'EPSG:4498']) {
      const out = path.join(dir, code.replace(':', ''));
      ogr2ogr('-f', 'ESRI Shapefile', '-t_srs', code, '-lco', 'ENCODING=UTF-8', out, source, '-nln', 'sites');
      const job = await upload('sites', `${code}.zip`, zipped(out));
      expect(job.detectedCrs, code).toBe(code);
      await importSites(`${code}.zip`, zipped(out), code);
    }
  });

  it('polygons from a GK Shapefile keep their outline to within 1 cm', async () => {
    const out = path.join(dir, 'gk-poly');
    ogr2ogr(
      '-f',
      'ESRI Shapefile',
      '-t_srs',
      'EPSG:4547',
      '-lco',
      'ENCODING=UTF-8',
      out,
      polygons,
      '-nln',
      'risks',
    );
    const job = await upload('risk_sources', 'risks.zip', zipped(out));
    const done = await run(job.id, {
      mapping: { name: '名称', kind: '类型', level: '等级', impactRadiusM: '半径' },
      crs: job.detectedCrs,
    });
    expect(done.status, done.error ?? JSON.stringify(done.rejections)).toBe('applied');
    // the largest distance between the source outline and the stored one, in metres
    const src = JSON.parse(readFileSync(polygons, 'utf8')) as {
      features: Array<{ properties: { 名称: string }; geometry: unknown }>;
    };
    for (const f of src.features) {
      const d = await t.db.query<{ m: number }>(
        `SELECT ST_HausdorffDistance(ST_Transform(geom, 4547), ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), 4547)) m
         FROM risk_sources WHERE import_id = $1 AND name = $3`,
        [job.id, JSON.stringify(f.geometry), f.properties.名称],
      );
      expect(d.rows[0]!.m).toBeLessThan(0.01);
    }
    await undo(job.id);
  });

  it('GeoJSON as RFC 7946 and legacy with a crs member, and GeoJSONSeq', async () => {
    const rfc = path.join(dir, 'rfc.geojson');
    ogr2ogr('-f', 'GeoJSON', '-lco', 'RFC7946=YES', rfc, source);
    const a = await upload('sites', 'rfc.geojson', readFileSync(rfc));
    expect(a.detectedCrs).toBeNull();
    await importSites('rfc.geojson', readFileSync(rfc), 'wgs84');
    const legacy = path.join(dir, 'legacy.geojson');
    ogr2ogr('-f', 'GeoJSON', '-t_srs', 'EPSG:4547', legacy, source);
    expect(readFileSync(legacy, 'utf8')).toContain('EPSG::4547');
    const b = await upload('sites', 'legacy.geojson', readFileSync(legacy));
    expect(b.detectedCrs).toBe('EPSG:4547');
    await importSites('legacy.geojson', readFileSync(legacy), 'EPSG:4547');
    const seq = path.join(dir, 'sites.geojsonl');
    ogr2ogr('-f', 'GeoJSONSeq', seq, source);
    await importSites('sites.geojsonl', readFileSync(seq), 'wgs84');
  });

  it('KML (KML and LIBKML drivers) and a LIBKML KMZ whose doc.kml only links its layers', async () => {
    const kml = path.join(dir, 'sites.kml');
    ogr2ogr('-f', 'KML', kml, source, '-nln', 'sites');
    await importSites('sites.kml', readFileSync(kml), 'wgs84');
    const libkml = path.join(dir, 'libkml.kml');
    ogr2ogr('-f', 'LIBKML', libkml, source, '-nln', 'sites');
    await importSites('libkml.kml', readFileSync(libkml), 'wgs84');
    const kmz = path.join(dir, 'sites.kmz');
    ogr2ogr('-f', 'LIBKML', kmz, source, '-nln', 'sites');
    // GDAL's doc.kml holds no placemark, only a NetworkLink to layers/sites.kml
    const job = await upload('sites', 'sites.kmz', readFileSync(kmz));
    expect(job.layers).toEqual(['sites']);
    expect(job.columns).toEqual(expect.arrayContaining(['名称', '类型']));
    await importSites('sites.kmz', readFileSync(kmz), 'wgs84');
    // two layers in one KMZ: both are read
    const layers = path.join(dir, 'layers.gpkg');
    ogr2ogr('-f', 'GPKG', layers, source, '-nln', 'a');
    ogr2ogr('-update', '-f', 'GPKG', layers, polygons, '-nln', 'b');
    const both = path.join(dir, 'both.kmz');
    ogr2ogr('-f', 'LIBKML', both, layers);
    const two = await upload('risk_sources', 'both.kmz', readFileSync(both));
    expect(two.layers).toEqual(['a', 'b']);
  });

  it('CSV with a UTF-8 BOM and WKT, in GB18030, and with GK eastings and northings', async () => {
    const wkt = path.join(dir, 'wkt.csv');
    ogr2ogr('-f', 'CSV', '-lco', 'GEOMETRY=AS_WKT', '-lco', 'WRITE_BOM=YES', wkt, source);
    const bom = readFileSync(wkt);
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    await importSites('wkt.csv', bom, 'wgs84', { coordinates: { wkt: 'WKT' } });
    const xy = path.join(dir, 'xy.csv');
    ogr2ogr('-f', 'CSV', '-lco', 'GEOMETRY=AS_XY', xy, source);
    const gb = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030', xy]);
    expect(gb.includes(Buffer.from('名称'))).toBe(false);
    await importSites('gb18030.csv', gb, 'wgs84', { coordinates: { lon: 'X', lat: 'Y' } });
    const gk = path.join(dir, 'gk.csv');
    ogr2ogr('-f', 'CSV', '-t_srs', 'EPSG:4547', '-lco', 'GEOMETRY=AS_XY', gk, source);
    await importSites('gk.csv', readFileSync(gk), 'EPSG:4547', { coordinates: { lon: 'X', lat: 'Y' } });
  });

  it('round trip: sites exported in EPSG:4547 and grids as a GK Shapefile import back within 1 cm', async () => {
    // the source sites, imported once, exported in Gauss-Kruger and imported again
    const job = await upload('sites', 'rt.geojson', readFileSync(source));
    const done = await run(job.id, { mapping: { name: '名称', kind: '类型' }, crs: 'wgs84' });
    expect(done.status).toBe('applied');
    const exported = await admin.inject(`/api/export/sites?format=geojson&crs=EPSG:4547&town=${TOWN}`);
    expect(exported.statusCode, exported.body).toBe(200);
    const fc = exported.json() as {
      crs: unknown;
      features: Array<{ properties: Record<string, unknown>; geometry: unknown }>;
    };
    expect(fc.crs).toEqual({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4547' } });
    const mine = { ...fc, features: fc.features.filter((f) => String(f.properties.name).includes(RUN)) };
    expect(mine.features).toHaveLength(sites.length);
    await undo(job.id);
    const back = await upload('sites', 'rt-4547.geojson', Buffer.from(JSON.stringify(mine)));
    expect(back.detectedCrs).toBe('EPSG:4547');
    const again = await run(back.id, { mapping: { name: 'name', kind: 'kind' }, crs: 'EPSG:4547' });
    expect(again.status, again.error ?? '').toBe('applied');
    await expectSitesAt(back.id);
    await undo(back.id);

    // one village's grids, exported as a GK Shapefile, imported as new versions of themselves
    const village = (
      await t.db.query<{ code: string }>(
        `SELECT parent_code code FROM areas WHERE level = 'grid' AND valid_to IS NULL AND code LIKE '${TOWN}%' ORDER BY code LIMIT 1`,
      )
    ).rows[0]!.code;
    const shp = await admin.inject(
      `/api/export/areas?level=grid&parent=${village}&format=shapefile&crs=EPSG:4547`,
    );
    expect(shp.statusCode, shp.body).toBe(200);
    const grids = await upload('areas', 'grids-4547.zip', shp.rawPayload);
    expect(grids.detectedCrs).toBe('EPSG:4547');
    const before = (
      await t.db.query<{ code: string; g: string }>(
        `SELECT code, ST_AsText(geom) g FROM areas WHERE parent_code = $1 AND valid_to IS NULL ORDER BY code`,
        [village],
      )
    ).rows;
    const rerun = await run(grids.id, { mapping: { code: 'CODE', name: 'NAME' }, crs: 'EPSG:4547' });
    expect(rerun.status, rerun.error ?? JSON.stringify(rerun.rejections.slice(0, 3))).toBe('applied');
    const moved = await t.db.query<{ code: string; m: number }>(
      `SELECT a.code, ST_HausdorffDistance(ST_Transform(a.geom, 4547), ST_Transform(ST_GeomFromText(b.g, 4326), 4547)) m
       FROM areas a JOIN unnest($2::text[], $3::text[]) AS b(code, g) ON b.code = a.code
       WHERE a.import_id = $1`,
      [grids.id, before.map((b) => b.code), before.map((b) => b.g)],
    );
    expect(moved.rows).toHaveLength(before.length);
    for (const r of moved.rows) expect(r.m, r.code).toBeLessThan(0.01);
    await undo(grids.id);
  });

  it('Xian 1980 without local parameters: accepted, flagged approximate', async () => {
    const out = path.join(dir, 'xian');
    ogr2ogr(
      '-f',
      'ESRI Shapefile',
      '-t_srs',
      'EPSG:2383',
      '-lco',
      'ENCODING=UTF-8',
      out,
      source,
      '-nln',
      'sites',
    );
    const job = await upload('sites', 'xian.zip', zipped(out));
    expect(job.detectedCrs).toBe('EPSG:2383');
    expect(job.approximateDatums).toEqual(['xian1980', 'beijing1954']);
  });
});
