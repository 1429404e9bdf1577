import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wgs84ToGcj02 } from '../../api/lib/chinese-coordinates.ts';
import { readRecords } from '../../api/lib/import-readers/index.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

/** The files of a zip archive (stored or deflated), read from its central directory. */
function unzip(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const local = buf.readUInt32LE(p + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    p += 46 + nameLen + extra;
  }
  return out;
}

describe('exports', () => {
  let t: TestApp;
  let cp: Client;
  beforeAll(async () => {
    t = await openTestApp();
    cp = await t.as('changping');
  });
  afterAll(() => t.close());

  const count = async () =>
    (
      await t.db.query<{ n: number }>(
        `SELECT count(*)::int n FROM sites WHERE coalesce(grid_code, village_code, town_code) LIKE '441900110%'`,
      )
    ).rows[0]!.n;

  it('exports a layer as GeoJSON in WGS84 and, converted, in GCJ-02', async () => {
    const wgs = await cp.inject('/api/export/sites?format=geojson');
    expect(wgs.statusCode).toBe(200);
    expect(wgs.headers['content-disposition']).toMatch(/attachment; filename="sites-.*-wgs84.geojson"/);
    const a = wgs.json();
    expect(a.features).toHaveLength(await count());
    const gcj = (await cp.inject('/api/export/sites?format=geojson&crs=gcj02')).json();
    expect(gcj.crs_note).toMatch(/GCJ02/);
    const [x, y] = wgs84ToGcj02(a.features[0].geometry.coordinates);
    expect(gcj.features[0].geometry.coordinates[0]).toBeCloseTo(x, 9);
    expect(gcj.features[0].geometry.coordinates[1]).toBeCloseTo(y, 9);
  });

  it('exports CSV and XLSX with a header row and one row per feature, Chinese intact', async () => {
    const csv = await cp.inject('/api/export/sites?format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toMatch(/^id,lon,lat,name,/);
    expect(lines).toHaveLength((await count()) + 1);
    const xlsx = await cp.inject('/api/export/sites?format=xlsx');
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    const files = unzip(xlsx.rawPayload);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']),
    );
    expect(files.get('xl/workbook.xml')).toContain('name="重点场所"');
    const sheet = files.get('xl/worksheets/sheet1.xml')!;
    expect(sheet.match(/<row /g)).toHaveLength((await count()) + 1);
    const firstName = (
      await t.db.query<{ name: string }>(
        `SELECT name FROM sites WHERE coalesce(grid_code, village_code, town_code) LIKE '441900110%' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!.name;
    expect(sheet).toContain(firstName.replace(/&/g, '&amp;'));
  });

  it('exports a filtered incident list and refuses a bad one', async () => {
    const res = await cp.inject('/api/export/incidents?format=csv&status=closed');
    expect(res.statusCode).toBe(200);
    const rows =
      res.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n').length - 1;
    const n = (
      await t.db.query<{ n: number }>(
        `SELECT count(*)::int n FROM incidents WHERE status = 'closed' AND coalesce(grid_code, village_code, town_code) LIKE '441900110%'`,
      )
    ).rows[0]!.n;
    expect(rows).toBe(n);
    expect((await cp.inject('/api/export/sites?format=pdf')).statusCode).toBe(400);
    expect((await cp.inject('/api/export/sites?crs=epsg3857')).statusCode).toBe(400);
  });

  it('exports the grids of the town as a zipped Shapefile that reads back (and that GDAL reads) with the same codes and outlines', async () => {
    const res = await cp.inject('/api/export/areas?level=grid&format=shapefile');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/zip/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-areas-shp-'));
    try {
      const file = path.join(dir, 'grids.zip');
      await writeFile(file, res.rawPayload);
      const stored = (
        await t.db.query<{ code: string; name: string; area: number }>(
          `SELECT code, name, ST_Area(geom::geography) area FROM areas
           WHERE level = 'grid' AND valid_to IS NULL AND code LIKE '441900110%' ORDER BY code`,
        )
      ).rows;
      expect(stored.length).toBeGreaterThan(5);
      const read: Array<{ code: string; name: string; geometry: unknown }> = [];
      for await (const r of readRecords(file, 'shapefile')) {
        read.push({ code: String(r.properties.CODE), name: String(r.properties.NAME), geometry: r.geometry });
      }
      expect(read.map((r) => [r.code, r.name])).toEqual(stored.map((s) => [s.code, s.name]));
      // the outline read back has the stored area, to a square metre
      const areas = await t.db.query<{ area: number }>(
        `SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)::geography) area FROM unnest($1::text[]) g`,
        [read.map((r) => JSON.stringify(r.geometry))],
      );
      areas.rows.forEach((a, i) => expect(Math.abs(a.area - stored[i]!.area)).toBeLessThan(1));
      if (spawnSync('ogrinfo', ['--version']).status === 0) {
        const info = spawnSync('ogrinfo', ['-so', '-al', `/vsizip/${file}`], { encoding: 'utf8' });
        expect(info.stdout).toContain(`Feature Count: ${stored.length}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect((await cp.inject('/api/export/areas?level=county')).statusCode).toBe(400);
  });

  it('a Shapefile in GCJ-02 or BD-09 has no .prj (no EPSG definition), one in WGS84 has the WGS84 .prj', async () => {
    const entries = async (crs: string) => {
      const res = await cp.inject(`/api/export/areas?level=grid&format=shapefile&crs=${crs}`);
      expect(res.statusCode, res.body).toBe(200);
      return [...unzip(res.rawPayload).keys()].map((name) => name.slice(name.lastIndexOf('.')));
    };
    const wgs = await entries('wgs84');
    expect(wgs).toContain('.prj');
    expect(wgs).toContain('.cpg');
    for (const crs of ['gcj02', 'bd09']) {
      const shifted = await entries(crs);
      expect(shifted).not.toContain('.prj');
      expect(shifted).toEqual(expect.arrayContaining(['.shp', '.shx', '.dbf', '.cpg']));
    }
  });

  it('the incident report counts by town and category, with the on-time rate, as XLSX', async () => {
    const res = await cp.inject('/api/export/incident-report');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const files = unzip(res.rawPayload);
    expect(files.get('xl/workbook.xml')).toMatch(/name="汇总".*name="按镇街".*name="按类别"/s);
    const expected = (
      await t.db.query<{ total: number; resolved: number; on_time: number }>(
        `SELECT count(*)::int total, count(r.at)::int resolved, count(*) FILTER (WHERE r.at <= i.deadline_at)::int on_time
         FROM incidents i
         LEFT JOIN LATERAL (SELECT min(at) at FROM incident_events e WHERE e.incident_id = i.id AND e.to_status = 'resolved') r ON true
         WHERE coalesce(i.grid_code, i.village_code, i.town_code) LIKE '441900110%'`,
      )
    ).rows[0]!;
    expect(expected.total).toBeGreaterThan(0);
    // the totals row of the summary sheet: code, name, total, open, resolved, on time, rate, overdue
    const summary = files.get('xl/worksheets/sheet1.xml')!;
    const cells = [...summary.matchAll(/<row r="11"[^>]*>(.*?)<\/row>/gs)][0]![1]!;
    const numbers = [...cells.matchAll(/<v>([^<]*)<\/v>/g)].map((m) => Number(m[1]));
    expect(numbers.slice(0, 3)).toEqual([expected.total, expect.any(Number), expected.resolved]);
    expect(numbers[3]).toBe(expected.on_time);
    // one town only: the coordinator's own
    const towns = files.get('xl/worksheets/sheet2.xml')!;
    expect(towns.match(/<row /g)).toHaveLength(2);
    expect(towns).toContain('441900110');
    expect(
      (await cp.inject('/api/export/incident-report?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'))
        .statusCode,
    ).toBe(400);
    // compared as instants, not as text: 02:00Z to 05:00Z is a valid window
    const from = encodeURIComponent('2026-01-01T10:00:00+08:00');
    const valid = await cp.inject(`/api/export/incident-report?from=${from}&to=2026-01-01T05:00:00Z`);
    expect(valid.statusCode, valid.body).toBe(200);
  });

  it('writes text a spreadsheet would run as a formula as text in CSV, numbers as numbers, and XLSX unchanged', async () => {
    const at = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(geom) lon, ST_Y(geom) lat FROM sites
         WHERE coalesce(grid_code, village_code, town_code) LIKE '441900110%' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    const descriptions = ['=HYPERLINK("http://x","y")', "-2+3+cmd|' /C calc'!A0", '@SUM(1+1)'];
    const ids: number[] = [];
    for (const [i, description] of descriptions.entries()) {
      const res = await cp.inject({
        method: 'POST',
        url: '/api/incidents',
        payload: {
          clientKey: `csv-formula-${Date.now()}-${i}`,
          category: '0501',
          channel: 'desk',
          description,
          lon: at.lon,
          lat: at.lat,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const csv = await cp.inject('/api/export/incidents?format=csv');
    expect(csv.statusCode, csv.body).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    const line = (id: number) => lines.find((l) => l.startsWith(`${id},`))!;
    // written by hand (RFC 4180 quoting around the neutralising apostrophe)
    expect(line(ids[0]!)).toContain(`,"'=HYPERLINK(""http://x"",""y"")",`);
    expect(line(ids[1]!)).toContain(`,'-2+3+cmd|' /C calc'!A0,`);
    expect(line(ids[2]!)).toContain(`,'@SUM(1+1),`);
    // id, lon and lat are numbers, written as they are
    const [id, lon, lat] = line(ids[0]!).split(',');
    expect(id).toBe(String(ids[0]));
    expect(lon).toMatch(/^\d+\.\d+$/);
    expect(lat).toMatch(/^\d+\.\d+$/);
    expect(Number(lon)).toBeCloseTo(at.lon, 6);
    expect(Number(lat)).toBeCloseTo(at.lat, 6);

    // XLSX cells are typed: the text as it was, as a string, and no formula anywhere
    const xlsx = await cp.inject('/api/export/incidents?format=xlsx');
    const sheet = unzip(xlsx.rawPayload).get('xl/worksheets/sheet1.xml')!;
    expect(sheet).not.toMatch(/<f[\s>]/);
    const texts = [...sheet.matchAll(/<c [^>]*t="inlineStr"[^>]*><is><t[^>]*>([^<]*)<\/t>/g)].map((m) =>
      m[1]!
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    );
    for (const d of descriptions) expect(texts).toContain(d);
  });

  it('writes GeoJSON as RFC 7946 asks: exterior rings counter-clockwise, holes clockwise, no crs member', async () => {
    const admin = await t.as('admin');
    /** Twice the signed area by the shoelace formula (positive: counter-clockwise). */
    const area = (ring: number[][]) =>
      ring.slice(0, -1).reduce((sum, p, i) => sum + p[0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * p[1]!, 0);
    let rings = 0;
    for (const url of [
      '/api/export/areas?level=town&format=geojson',
      '/api/export/areas?level=grid&format=geojson',
    ]) {
      const fc = (await admin.inject(url)).json() as {
        crs?: unknown;
        features: Array<{
          id: string;
          geometry: { type: string; coordinates: number[][][][] | number[][][] };
        }>;
      };
      expect(fc.crs).toBeUndefined();
      for (const f of fc.features) {
        if (!f.geometry) continue;
        const polygons = (
          f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
        ) as number[][][][];
        for (const polygon of polygons) {
          expect(area(polygon[0]!), `${f.id} exterior`).toBeGreaterThan(0);
          for (const hole of polygon.slice(1)) expect(area(hole), `${f.id} hole`).toBeLessThan(0);
          rings += polygon.length;
        }
      }
    }
    expect(rings).toBeGreaterThan(1000);
    // the stored outlines are not all wound that way: the export does it
    const clockwise = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM areas WHERE valid_to IS NULL AND ST_AsText(geom) <> ST_AsText(ST_ForcePolygonCCW(geom))`,
    );
    expect(clockwise.rows[0]!.n).toBeGreaterThan(0);
  });

  it.skipIf(spawnSync('ogr2ogr', ['--version']).status !== 0)(
    'XLSX: an outline longer than an Excel cell goes, split, to a second sheet that joins back to the whole WKT',
    async () => {
      const admin = await t.as('admin');
      const csv = (await admin.inject('/api/export/areas?level=town&format=csv')).body.replace(/^\uFEFF/, '');
      const wkts = new Map(
        csv
          .trim()
          .split('\r\n')
          .slice(1)
          .filter((line) => line.includes('POLYGON'))
          .map((line) => [line.slice(0, 9), /"?((?:MULTI)?POLYGON[^"]*)"?$/.exec(line)![1]!]),
      );
      const [largest, longest] = [...wkts].sort((a, b) => b[1].length - a[1].length)[0]!;
      // the largest town's outline does not fit one cell: the case this checks
      expect(longest.length).toBeGreaterThan(32_767);
      const res = await admin.inject('/api/export/areas?level=town&format=xlsx');
      expect(res.statusCode).toBe(200);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-xlsx-'));
      try {
        const file = path.join(dir, 'towns.xlsx');
        await writeFile(file, res.rawPayload);
        // read by GDAL's XLSX driver, every row of both sheets as text
        const sheet = (name: string) =>
          JSON.parse(
            spawnSync(
              'ogr2ogr',
              [
                '--config',
                'OGR_XLSX_HEADERS',
                'FORCE',
                '--config',
                'OGR_XLSX_FIELD_TYPES',
                'STRING',
                '-f',
                'GeoJSON',
                '/vsistdout/',
                file,
                name,
              ],
              { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
            ).stdout,
          ) as { features: Array<{ properties: Record<string, string | null> }> };
        const main = sheet('行政区与网格');
        expect(main.features.length).toBeGreaterThanOrEqual(wkts.size);
        const long = sheet('超长单元格 long cells');
        for (const f of [...main.features, ...long.features]) {
          for (const v of Object.values(f.properties))
            expect(String(v ?? '').length).toBeLessThanOrEqual(32_767);
        }
        const row = long.features.find((f) => f.properties.id === largest)!;
        expect(row.properties.column).toBe('wkt');
        const parts = Object.entries(row.properties)
          .filter(([k]) => k !== 'id' && k !== 'column')
          .map(([, v]) => v ?? '');
        expect(parts.join('')).toBe(longest);
        const note = main.features.find((f) => f.properties.code === largest)!.properties.wkt!;
        expect(note).toMatch(/^→ 超长单元格 long cells: row \d+ \(\d+ characters over \d+ cells/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(spawnSync('ogr2ogr', ['--version']).status !== 0)(
    'exports in CGCS2000: a GK zone Shapefile GDAL reads as EPSG:4547, back within 1 cm; GeoJSON in EPSG:4490',
    async () => {
      const res = await cp.inject('/api/export/areas?level=grid&format=shapefile&crs=EPSG:4547');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/-epsg4547\.zip"/);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-gk-shp-'));
      try {
        const file = path.join(dir, 'grids.zip');
        await writeFile(file, res.rawPayload);
        const info = spawnSync('ogrinfo', ['-so', '-al', `/vsizip/${file}`], { encoding: 'utf8' });
        expect(info.stdout).toContain('CGCS2000 / 3-degree Gauss-Kruger CM 114E');
        // GDAL takes it back to WGS 84; the outlines are the stored ones to a centimetre
        const back = spawnSync(
          'ogr2ogr',
          ['-t_srs', 'EPSG:4326', '-f', 'GeoJSON', '/vsistdout/', `/vsizip/${file}`],
          {
            encoding: 'utf8',
            maxBuffer: 256 * 1024 * 1024,
          },
        );
        const fc = JSON.parse(back.stdout) as {
          features: Array<{ properties: { CODE: string }; geometry: unknown }>;
        };
        expect(fc.features.length).toBeGreaterThan(5);
        const d = await t.db.query<{ m: number }>(
          `SELECT max(ST_HausdorffDistance(ST_Transform(a.geom, 4547), ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(b.g), 4326), 4547))) m
           FROM unnest($1::text[], $2::text[]) AS b(code, g) JOIN areas a ON a.code = b.code AND a.valid_to IS NULL`,
          [fc.features.map((f) => f.properties.CODE), fc.features.map((f) => JSON.stringify(f.geometry))],
        );
        expect(d.rows[0]!.m).toBeLessThan(0.01);
        // a 3-degree zone with its zone prefix, too
        const zone = await cp.inject('/api/export/areas?level=grid&format=shapefile&crs=EPSG:4526');
        await writeFile(file, zone.rawPayload);
        expect(
          spawnSync('ogrinfo', ['-so', '-al', `/vsizip/${file}`], { encoding: 'utf8' }).stdout,
        ).toContain('CGCS2000 / 3-degree Gauss-Kruger zone 38');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const wgs = (await cp.inject('/api/export/sites?format=geojson')).json();
      const cgcs = (await cp.inject('/api/export/sites?format=geojson&crs=EPSG:4490')).json();
      expect(cgcs.crs).toEqual({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4490' } });
      expect(cgcs.features[0].geometry.coordinates).toEqual(wgs.features[0].geometry.coordinates);
      const table = (await cp.inject('/api/export/sites?format=csv&crs=EPSG:4547')).body.replace(
        /^\uFEFF/,
        '',
      );
      expect(table.split('\r\n')[0]).toMatch(/^id,x,y,/);
    },
  );
});
