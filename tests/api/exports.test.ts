import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wgs84ToGcj02 } from '../../api/lib/chinese-coordinates.ts';
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
});
