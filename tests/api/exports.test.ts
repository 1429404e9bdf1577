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
});
