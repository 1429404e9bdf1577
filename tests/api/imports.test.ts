import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gcj02ToBd09, gcj02ToWgs84, wgs84ToGcj02 } from '../../api/lib/chinese-coordinates.ts';
import { failInterruptedImports } from '../../api/db/import-repository.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

type Job = {
  id: number;
  status: string;
  inserted: number;
  rejectedCount: number;
  rejections: Array<{
    row: number;
    reason: string;
    field: string | null;
    message: string;
    messageZh: string | null;
  }>;
  suggestedMapping: Record<string, string>;
  suggestedCoordinates: unknown;
  columns: string[];
  progress: { rowsRead: number; accepted: number; rejected: number; bytesRead: number; totalBytes: number };
  error: string | null;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Makes codes unique per run: test files may share one PostgreSQL database. */
const RUN = Date.now().toString(36).toUpperCase();
const SERIAL = String(Date.now() % 1_000_000).padStart(6, '0');
/** 企石镇: no other test file writes there. */
const TOWN = '441900122';

describe('imports', () => {
  let t: TestApp;
  let cp: Client;
  let admin: Client;
  /** Positions of sample sites in the test's town, to place test rows surely inside it. */
  let inside: Array<[number, number]>;
  beforeAll(async () => {
    t = await openTestApp();
    admin = await t.as('admin');
    // a coordinator of a town no other test file writes to: test files may share one database
    const username = `import-${RUN.toLowerCase()}`;
    const created = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: {
        username,
        displayName: '企石镇 统筹员',
        role: 'town_coordinator',
        homeAreaCode: TOWN,
        password: 'import-test-password',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    cp = await t.as(username, 'import-test-password');
    inside = (
      await t.db.query<{ x: number; y: number }>(
        `SELECT ST_X(geom) x, ST_Y(geom) y FROM sites WHERE grid_code LIKE '${TOWN}%' ORDER BY id LIMIT 6`,
      )
    ).rows.map((r) => [r.x + 1e-5, r.y + 1e-5]);
  });
  afterAll(() => t.close());

  const upload = async (c: Client, layer: string, filename: string, body: string | Buffer) => {
    const res = await c.inject({
      method: 'POST',
      url: `/api/imports?layer=${layer}&filename=${encodeURIComponent(filename)}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: body,
    });
    return res;
  };
  const uploaded = async (
    c: Client,
    layer: string,
    filename: string,
    body: string | Buffer,
  ): Promise<Job> => {
    const res = await upload(c, layer, filename, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const run = async (c: Client, id: number, body: Record<string, unknown>): Promise<Job> => {
    const res = await c.inject({ method: 'POST', url: `/api/imports/${id}/run`, payload: body });
    expect(res.statusCode, res.body).toBe(202);
    for (;;) {
      const job = (await c.inject(`/api/imports/${id}`)).json() as Job;
      if (job.status !== 'running') return job;
      await sleep(25);
    }
  };
  const siteCount = async (importId?: number) =>
    (
      await t.db.query<{ n: number }>(
        importId
          ? 'SELECT count(*)::int n FROM sites WHERE import_id = $1'
          : 'SELECT count(*)::int n FROM sites',
        importId ? [importId] : [],
      )
    ).rows[0]!.n;

  const sitesCsv = (rows: Array<[string, string, number | string, number | string]>) =>
    '\uFEFF名称,类型,经度,纬度,地址\r\n' +
    rows.map(([n, k, x, y]) => `${n},${k},${x},${y},"东莞市常平镇, 测试路"`).join('\r\n') +
    '\r\n';

  it('imports a CSV of sites: mapping guessed, areas found, every row stored once; undo takes it back', async () => {
    const job = await uploaded(
      cp,
      'sites',
      '场所.csv',
      sitesCsv([
        ['测试学校甲', 'S01', inside[0]![0], inside[0]![1]],
        ['测试医院乙', '医院', inside[1]![0], inside[1]![1]],
        ['测试市场丙', 'market', inside[2]![0], inside[2]![1]],
      ]),
    );
    expect(job.status).toBe('uploaded');
    expect(job.columns).toEqual(['名称', '类型', '经度', '纬度', '地址']);
    expect(job.suggestedMapping).toEqual({ name: '名称', kind: '类型', address: '地址' });
    expect(job.suggestedCoordinates).toEqual({ lon: '经度', lat: '纬度' });
    const before = await siteCount();
    const done = await run(cp, job.id, {
      mapping: job.suggestedMapping,
      crs: 'wgs84',
      coordinates: job.suggestedCoordinates,
    });
    expect(done.status, done.error ?? '').toBe('applied');
    expect(done.inserted).toBe(3);
    expect(done.progress.rowsRead).toBe(3);
    const rows = (
      await t.db.query<{ name: string; kind: string; address: string; town_code: string; grid_code: string }>(
        `SELECT name, kind, address, town_code, grid_code FROM sites WHERE import_id = $1 ORDER BY id`,
        [job.id],
      )
    ).rows;
    expect(rows.map((r) => [r.name, r.kind])).toEqual([
      ['测试学校甲', 'S01'],
      ['测试医院乙', 'S02'],
      ['测试市场丙', 'S03'],
    ]);
    expect(rows.every((r) => r.town_code === TOWN && r.grid_code.startsWith(TOWN))).toBe(true);
    expect(rows[0]!.address).toBe('东莞市常平镇, 测试路');
    expect(await siteCount()).toBe(before + 3);

    const undone = await cp.inject({ method: 'POST', url: `/api/imports/${job.id}/undo` });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json().status).toBe('undone');
    expect(await siteCount()).toBe(before);
    const again = await cp.inject({ method: 'POST', url: `/api/imports/${job.id}/undo` });
    expect(again.statusCode).toBe(409);
  });

  it('refuses the whole file when any row is rejected, with every reason, and the rejections download', async () => {
    const csv = sitesCsv([
      ['好行', 'S01', inside[0]![0], inside[0]![1]],
      ['未知类型', 'NOPE', inside[1]![0], inside[1]![1]],
      ['城外', 'S01', 113.0, 23.5],
      ['坐标颠倒', 'S01', inside[2]![1], inside[2]![0]],
      ['不是数字', 'S01', 'abc', inside[3]![1]],
      ['', 'S01', inside[3]![0], inside[3]![1]],
      ['他镇', 'S01', 113.6807, 22.8191],
    ]);
    const before = await siteCount();
    const job = await uploaded(cp, 'sites', 'bad.csv', csv);
    const done = await run(cp, job.id, {
      mapping: { name: '名称', kind: '类型' },
      crs: 'wgs84',
      coordinates: { lon: '经度', lat: '纬度' },
    });
    expect(done.status).toBe('rejected');
    expect(done.inserted).toBe(0);
    expect(await siteCount()).toBe(before);
    expect(done.rejections.map((r) => [r.row, r.reason])).toEqual([
      [2, 'unknown_category'],
      [3, 'outside_city'],
      [4, 'bad_coordinates'],
      [5, 'bad_coordinates'],
      [6, 'missing_field'],
      [7, 'outside_scope'],
    ]);
    expect(done.rejections[2]!.message).toMatch(/swapped/);
    // every message in English and in Chinese
    expect(done.rejections.map((r) => [r.row, r.message, r.messageZh])).toEqual([
      [2, 'unknown site kind "NOPE"', '未知的场所类型“NOPE”'],
      [3, 'the position lies outside the city', '位置在东莞市范围之外'],
      [
        4,
        expect.stringMatching(/swapped/),
        expect.stringMatching(/^坐标（.*）超出范围：经度和纬度似乎填反了$/),
      ],
      [
        5,
        `"abc", "${inside[3]![1]}" are not decimal degrees`,
        `经纬度“abc”、“${inside[3]![1]}”不是十进制度数`,
      ],
      [6, 'name is empty', '必填字段“名称”为空'],
      [7, 'the position lies outside your area', '位置不在本人负责的区域内'],
    ]);
    const download = async (query: string) => {
      const file = await cp.inject(`/api/imports/${job.id}/rejections${query}`);
      expect(file.statusCode, file.body).toBe(200);
      expect(file.headers['content-type']).toMatch(/text\/csv/);
      return file.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
    };
    // Chinese by default
    const lines = await download('');
    expect(lines[0]).toBe('名称,类型,经度,纬度,地址,_row,_reason,_message');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^未知类型,NOPE,.*,2,unknown_category,未知的场所类型“NOPE”$/);
    expect(lines[2]).toMatch(/,3,outside_city,位置在东莞市范围之外$/);
    expect(await download('?lang=zh-CN')).toEqual(lines);
    // English on request: the same rows, the English messages
    const en = await download('?lang=en');
    expect(en).toHaveLength(7);
    expect(en[0]).toBe(lines[0]);
    expect(en[1]).toMatch(/^未知类型,NOPE,.*,2,unknown_category,"unknown site kind ""NOPE"""$/);
    expect(en[2]).toMatch(/,3,outside_city,the position lies outside the city$/);
    expect((await cp.inject(`/api/imports/${job.id}/rejections?lang=fr`)).statusCode).toBe(400);
    // a rejection stored without Chinese (before it was kept) is given in English
    await t.db.query(`UPDATE import_rejections SET message_zh = NULL WHERE import_id = $1 AND row = 3`, [
      job.id,
    ]);
    const old = ((await cp.inject(`/api/imports/${job.id}`)).json() as Job).rejections[1]!;
    expect([old.row, old.message, old.messageZh]).toEqual([3, 'the position lies outside the city', null]);
    expect((await download(''))[2]).toMatch(/,3,outside_city,the position lies outside the city$/);

    // the same file, accepting what passes: one row written
    const job2 = await uploaded(cp, 'sites', 'bad.csv', csv);
    const done2 = await run(cp, job2.id, {
      mapping: { name: '名称', kind: '类型' },
      crs: 'wgs84',
      coordinates: { lon: '经度', lat: '纬度' },
      onRejected: 'skip',
    });
    expect(done2.status).toBe('applied');
    expect([done2.inserted, done2.rejectedCount]).toEqual([1, 6]);
    expect(await siteCount(job2.id)).toBe(1);
    expect((await cp.inject({ method: 'POST', url: `/api/imports/${job2.id}/undo` })).statusCode).toBe(200);
  });

  it('converts GCJ-02 and BD-09 positions to WGS84 on the way in', async () => {
    const [x, y] = inside[4]!;
    const [gx, gy] = wgs84ToGcj02([x, y]);
    const job = await uploaded(
      cp,
      'cameras',
      'cams.csv',
      `code,name,lng,lat\r\nCAM-GCJ-${RUN},高德坐标摄像机,${gx},${gy}\r\n`,
    );
    const done = await run(cp, job.id, {
      mapping: job.suggestedMapping,
      crs: 'gcj02',
      coordinates: { lon: 'lng', lat: 'lat' },
    });
    expect(done.status, done.error ?? '').toBe('applied');
    const got = (
      await t.db.query<{ x: number; y: number }>(
        `SELECT ST_X(geom) x, ST_Y(geom) y FROM cameras WHERE code = 'CAM-GCJ-${RUN}'`,
      )
    ).rows[0]!;
    const [ex, ey] = gcj02ToWgs84([gx, gy]);
    expect(got.x).toBeCloseTo(ex, 9);
    expect(got.y).toBeCloseTo(ey, 9);
    // within a centimetre of where it really is
    expect(Math.abs(got.x - x) * 102_000).toBeLessThan(0.01);
    expect(Math.abs(got.y - y) * 111_000).toBeLessThan(0.01);

    // the same place from Baidu (BD-09), as a WKT column
    const [bx, by] = gcj02ToBd09([gx, gy]);
    const job2 = await uploaded(
      cp,
      'cameras',
      'cams-bd.csv',
      `code,name,wkt\r\nCAM-BD-${RUN},百度坐标摄像机,"POINT(${bx} ${by})"\r\n`,
    );
    expect(job2.suggestedCoordinates).toEqual({ wkt: 'wkt' });
    const done2 = await run(cp, job2.id, {
      mapping: job2.suggestedMapping,
      crs: 'bd09',
      coordinates: { wkt: 'wkt' },
    });
    expect(done2.status, done2.error ?? '').toBe('applied');
    const got2 = (
      await t.db.query<{ x: number; y: number }>(
        `SELECT ST_X(geom) x, ST_Y(geom) y FROM cameras WHERE code = 'CAM-BD-${RUN}'`,
      )
    ).rows[0]!;
    expect(Math.abs(got2.x - x) * 102_000).toBeLessThan(0.01);
    expect(Math.abs(got2.y - y) * 111_000).toBeLessThan(0.01);
    for (const id of [job.id, job2.id]) {
      expect((await cp.inject({ method: 'POST', url: `/api/imports/${id}/undo` })).statusCode).toBe(200);
    }
  });

  it('refuses component codes repeated in the file or already stored, and a kind that contradicts the code', async () => {
    const stored = (
      await t.db.query<{ code: string }>(`SELECT code FROM components WHERE town_code = '${TOWN}' LIMIT 1`)
    ).rows[0]!.code;
    const [x, y] = inside[5]!;
    const features = [
      [`4419000105${SERIAL}`, null],
      [`4419000105${SERIAL}`, null],
      [stored, null],
      [`4419000105${String((Number(SERIAL) + 1) % 1_000_000).padStart(6, '0')}`, '0107'],
      ['12345', null],
    ].map(([code, kind], i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [x + i * 1e-5, y] },
      properties: { 部件编码: code, ...(kind ? { 小类: kind } : {}) },
    }));
    const job = await uploaded(
      cp,
      'components',
      'parts.geojson',
      JSON.stringify({ type: 'FeatureCollection', features }),
    );
    expect(job.suggestedMapping).toMatchObject({ code: '部件编码' });
    const done = await run(cp, job.id, { mapping: job.suggestedMapping, crs: 'wgs84', onRejected: 'skip' });
    expect(done.status, done.error ?? '').toBe('applied');
    expect(done.rejections.map((r) => [r.row, r.reason])).toEqual([
      [2, 'duplicate_code'],
      [3, 'duplicate_code'],
      [4, 'bad_value'],
      [5, 'bad_value'],
    ]);
    expect(done.rejections.map((r) => r.messageZh)).toEqual([
      `编码“4419000105${SERIAL}”在文件前面的行中已出现`,
      `编码“${stored}”已存在`,
      '部件小类0107与编码第7–10位（0105）不一致',
      '部件编码“12345”不是16位（GB/T 30428.2）',
    ]);
    // the GeoJSON download gives _message in the language asked for
    const messages = async (query: string) => {
      const res = await cp.inject(`/api/imports/${job.id}/rejections${query}`);
      expect(res.statusCode, res.body).toBe(200);
      const fc = res.json() as { features: Array<{ properties: { _row: number; _message: string } }> };
      return fc.features.map((f) => [f.properties._row, f.properties._message]);
    };
    expect((await messages('')).slice(1)).toEqual([
      [3, `编码“${stored}”已存在`],
      [4, '部件小类0107与编码第7–10位（0105）不一致'],
      [5, '部件编码“12345”不是16位（GB/T 30428.2）'],
    ]);
    expect((await messages('?lang=en')).slice(1)).toEqual([
      [3, `code ${stored} is already stored`],
      [4, "kind 0107 does not match the code's digits 7–10 (0105)"],
      [5, 'component code "12345" is not 16 digits (GB/T 30428.2)'],
    ]);
    expect(done.inserted).toBe(1);
    const kind = (
      await t.db.query<{ kind: string }>(`SELECT kind FROM components WHERE import_id = $1`, [job.id])
    ).rows[0]!.kind;
    expect(kind).toBe('0105');
    expect((await cp.inject({ method: 'POST', url: `/api/imports/${job.id}/undo` })).statusCode).toBe(200);
  });

  it('round trip: components exported as GeoJSON and imported again are the same features', async () => {
    const exported = (await cp.inject(`/api/export/components?format=geojson&town=${TOWN}`)).json() as {
      features: Array<{ geometry: { coordinates: [number, number] }; properties: Record<string, unknown> }>;
    };
    const n = exported.features.length;
    expect(n).toBeGreaterThan(10);
    const before = (
      await t.db.query<{
        code: string;
        kind: string;
        status: string;
        x: number;
        y: number;
        grid_code: string;
      }>(
        `SELECT code, kind, status, ST_X(geom) x, ST_Y(geom) y, grid_code FROM components WHERE town_code = '${TOWN}' ORDER BY code`,
      )
    ).rows;
    await t.db.query(`DELETE FROM components WHERE town_code = '${TOWN}'`);
    const job = await uploaded(cp, 'components', 'export.geojson', JSON.stringify(exported));
    expect(job.suggestedMapping).toMatchObject({ code: 'code', kind: 'kind', status: 'status' });
    const done = await run(cp, job.id, { mapping: job.suggestedMapping, crs: 'wgs84' });
    expect(done.status, JSON.stringify(done.rejections.slice(0, 3))).toBe('applied');
    const after = (
      await t.db.query<{
        code: string;
        kind: string;
        status: string;
        x: number;
        y: number;
        grid_code: string;
      }>(
        `SELECT code, kind, status, ST_X(geom) x, ST_Y(geom) y, grid_code FROM components WHERE town_code = '${TOWN}' ORDER BY code`,
      )
    ).rows;
    expect(after).toHaveLength(before.length);
    after.forEach((a, i) => {
      const b = before[i]!;
      expect([a.code, a.kind, a.status, a.grid_code]).toEqual([b.code, b.kind, b.status, b.grid_code]);
      expect(a.x).toBeCloseTo(b.x, 9);
      expect(a.y).toBeCloseTo(b.y, 9);
    });
  });

  it('reads a KML of risk sources with a polygon, and rejects a bad level', async () => {
    const [x, y] = inside[0]!;
    const ring = [
      [x, y],
      [x + 0.002, y],
      [x + 0.002, y + 0.002],
      [x, y + 0.002],
      [x, y],
    ]
      .map((p) => p.join(','))
      .join(' ');
    const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>油库 &amp; 仓储</name><ExtendedData><Data name="类型"><value>R01</value></Data><Data name="等级"><value>重大</value></Data><Data name="半径"><value>80米</value></Data></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><name>积水点</name><ExtendedData><Data name="类型"><value>R02</value></Data><Data name="等级"><value>紫色</value></Data><Data name="半径"><value>100</value></Data></ExtendedData>
<Point><coordinates>${x},${y}</coordinates></Point></Placemark>
</Document></kml>`;
    const job = await uploaded(cp, 'risk_sources', 'risks.kml', kml);
    const done = await run(cp, job.id, {
      mapping: { name: 'name', kind: '类型', level: '等级', impactRadiusM: '半径' },
      crs: 'wgs84',
      onRejected: 'skip',
    });
    expect(done.status, done.error ?? '').toBe('applied');
    expect(done.rejections.map((r) => [r.row, r.reason, r.field])).toEqual([[2, 'bad_value', 'level']]);
    const got = (
      await t.db.query<{ name: string; level: number; r: number; t: string }>(
        `SELECT name, level, impact_radius_m r, GeometryType(geom) t FROM risk_sources WHERE import_id = $1`,
        [job.id],
      )
    ).rows;
    expect(got).toEqual([{ name: '油库 & 仓储', level: 1, r: 80, t: 'MULTIPOLYGON' }]);
    expect((await cp.inject({ method: 'POST', url: `/api/imports/${job.id}/undo` })).statusCode).toBe(200);
  });

  it('gives the Chinese of a malformed record, a wrong geometry type, an invalid outline and a bad WKT', async () => {
    const [x, y] = inside[0]!;
    const features = [
      { type: 'Circle', coordinates: [x, y] },
      {
        type: 'LineString',
        coordinates: [
          [x, y],
          [x + 1e-4, y],
        ],
      },
      { type: 'Point', coordinates: [x, y] },
    ].map((geometry, i) => ({
      type: 'Feature',
      geometry,
      properties: { code: i === 2 ? 'C'.repeat(65) : `ZH-${RUN}-${i}`, name: `中文说明 ${i}` },
    }));
    const job = await uploaded(
      cp,
      'cameras',
      'zh.geojson',
      JSON.stringify({ type: 'FeatureCollection', features }),
    );
    const done = await run(cp, job.id, { mapping: { code: 'code', name: 'name' }, crs: 'wgs84' });
    expect(done.status).toBe('rejected');
    const [reader, line, long] = done.rejections;
    expect([reader!.row, reader!.reason]).toEqual([1, 'bad_geometry']);
    // the reader's English detail stays, after a Chinese sentence for the reason
    expect(reader!.message).toMatch(/Circle/);
    expect(reader!.messageZh).toBe(`该记录的几何图形或格式有误，无法读取（${reader!.message}）`);
    expect([line!.reason, line!.message, line!.messageZh]).toEqual([
      'bad_geometry',
      'a LineString where cameras takes a point',
      '视频监控图层只接受点，此行是线（LineString）',
    ]);
    expect([long!.reason, long!.messageZh]).toEqual(['bad_value', '设备编码超过64个字符']);

    // a self-intersecting risk source outline, refused by PostGIS, and a WKT that is not one
    const bow = `POLYGON((${x} ${y},${x + 1e-3} ${y + 1e-3},${x + 1e-3} ${y},${x} ${y + 1e-3},${x} ${y}))`;
    const risks = await uploaded(
      cp,
      'risk_sources',
      'zh.csv',
      `名称,类型,等级,半径,wkt\r\n自相交,R01,1,50,"${bow}"\r\n乱码,R01,1,50,POLYGON((1 2\r\n`,
    );
    const refused = await run(cp, risks.id, {
      mapping: { name: '名称', kind: '类型', level: '等级', impactRadiusM: '半径' },
      crs: 'wgs84',
      coordinates: { wkt: 'wkt' },
    });
    expect(refused.status).toBe('rejected');
    expect(refused.rejections.map((r) => [r.row, r.reason])).toEqual([
      [1, 'bad_geometry'],
      [2, 'bad_geometry'],
    ]);
    expect(refused.rejections[0]!.message).toMatch(/^invalid geometry: Self-intersection\[/);
    expect(refused.rejections[0]!.messageZh).toMatch(/^几何图形无效：自相交\[/);
    expect(refused.rejections[1]!.messageZh).toBe(
      `WKT 几何图形无法识别（${refused.rejections[1]!.message}）`,
    );
  });

  it('a file that breaks mid-way writes nothing, even when rejected rows may be skipped', async () => {
    const [x, y] = inside[0]!;
    const feature = (i: number) =>
      JSON.stringify({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [x + i * 1e-6, y] },
        properties: { code: `CUT-${RUN}-${i}`, name: `截断 ${i}` },
      });
    const whole = `{"type":"FeatureCollection","features":[${Array.from({ length: 2000 }, (_, i) => feature(i)).join(',')}]}`;
    const cut = whole.slice(0, Math.floor(whole.length * 0.8));
    const before = (await t.db.query<{ n: number }>(`SELECT count(*)::int n FROM cameras`)).rows[0]!.n;
    // the preview reads the first rows only, so the upload is accepted
    const job = await uploaded(cp, 'cameras', 'cut.geojson', cut);
    const done = await run(cp, job.id, {
      mapping: { code: 'code', name: 'name' },
      crs: 'wgs84',
      onRejected: 'skip',
    });
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/feature/i);
    expect(done.inserted).toBe(0);
    expect((await t.db.query<{ n: number }>(`SELECT count(*)::int n FROM cameras`)).rows[0]!.n).toBe(before);
  });

  it('an import the database fails while writing ends failed with the reason, not running for ever', async () => {
    // a trigger that fails this run's rows only: the failure comes after the staged file is closed
    const marker = `写入失败${RUN}`;
    await t.db
      .query(`CREATE OR REPLACE FUNCTION import_fail_${RUN.toLowerCase()}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name LIKE '${marker}%' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$`);
    await t.db.query(
      `CREATE TRIGGER import_fail_${RUN.toLowerCase()} BEFORE INSERT ON sites FOR EACH ROW EXECUTE FUNCTION import_fail_${RUN.toLowerCase()}()`,
    );
    try {
      const job = await uploaded(
        cp,
        'sites',
        '失败.csv',
        sitesCsv([[`${marker}甲`, 'S01', inside[0]![0], inside[0]![1]]]),
      );
      const done = await Promise.race([
        run(cp, job.id, {
          mapping: job.suggestedMapping,
          crs: 'wgs84',
          coordinates: job.suggestedCoordinates,
        }),
        sleep(20_000).then(() => null),
      ]);
      expect(done, 'the import still runs after 20 s').not.toBeNull();
      expect(done!.status).toBe('failed');
      expect(done!.error).toContain('refused by the test trigger');
      expect(await siteCount(job.id)).toBe(0);
    } finally {
      await t.db.query(`DROP TRIGGER import_fail_${RUN.toLowerCase()} ON sites`);
      await t.db.query(`DROP FUNCTION import_fail_${RUN.toLowerCase()}()`);
    }
  });

  it('cancels a running import: nothing is written', async () => {
    const [x, y] = inside[0]!;
    const lines = ['name,kind,lon,lat'];
    for (let i = 0; i < 100_000; i++) lines.push(`批量${i},S01,${x + (i % 100) * 1e-6},${y}`);
    const job = await uploaded(cp, 'sites', 'big.csv', lines.join('\n'));
    const res = await cp.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/run`,
      payload: {
        mapping: { name: 'name', kind: 'kind' },
        crs: 'wgs84',
        coordinates: { lon: 'lon', lat: 'lat' },
      },
    });
    expect(res.statusCode).toBe(202);
    const cancelled = await cp.inject({ method: 'POST', url: `/api/imports/${job.id}/cancel` });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect(await siteCount(job.id)).toBe(0);
  });

  it('imports grids as new versions inside their village; an overlap is refused; undo reopens the old ones', async () => {
    const grids = (
      await t.db.query<{ code: string; name: string; version: number; g: string; parent: string }>(
        `SELECT code, name, version, ST_AsGeoJSON(geom) g, parent_code parent FROM areas
         WHERE level = 'grid' AND valid_to IS NULL AND parent_code LIKE '${TOWN}%' ORDER BY code LIMIT 2`,
      )
    ).rows;
    const [a, b] = grids as [(typeof grids)[0], (typeof grids)[0]];
    const fc = (feats: Array<{ code: string; name: string; g: string }>) =>
      JSON.stringify({
        type: 'FeatureCollection',
        features: feats.map((f) => ({
          type: 'Feature',
          geometry: JSON.parse(f.g),
          properties: { 网格编码: f.code, 名称: f.name },
        })),
      });
    // renamed, same outline → a new version of the same grid
    const job = await uploaded(
      cp,
      'areas',
      'grids.geojson',
      fc([{ code: a.code, name: `${a.name}（新）`, g: a.g }]),
    );
    expect(job.suggestedMapping).toEqual({ code: '网格编码', name: '名称' });
    const done = await run(cp, job.id, { mapping: job.suggestedMapping, crs: 'wgs84' });
    expect(done.status, JSON.stringify(done.rejections)).toBe('applied');
    const now = (
      await t.db.query<{ name: string; version: number }>(
        `SELECT name, version FROM areas WHERE code = $1 AND valid_to IS NULL`,
        [a.code],
      )
    ).rows;
    expect(now).toEqual([{ name: `${a.name}（新）`, version: a.version + 1 }]);

    // a new grid inside b overlaps b: refused, naming b
    const inner = (
      await t.db.query<{ g: string }>(
        `SELECT ST_AsGeoJSON(ST_Buffer(geom::geography, -20)::geometry) g FROM areas WHERE code = $1 AND valid_to IS NULL`,
        [b.code],
      )
    ).rows[0]!.g;
    const bad = await uploaded(
      cp,
      'areas',
      'overlap.geojson',
      fc([{ code: `${b.parent}999`, name: '重叠网格', g: inner }]),
    );
    const refused = await run(cp, bad.id, { mapping: bad.suggestedMapping, crs: 'wgs84' });
    expect(refused.status).toBe('rejected');
    expect(refused.rejections[0]).toMatchObject({ row: 1, reason: 'bad_geometry' });
    // areas depend on each other: never applied in part
    const partly = await upload(
      cp,
      'areas',
      'overlap.geojson',
      fc([{ code: `${b.parent}999`, name: '重叠网格', g: inner }]),
    );
    const skip = await cp.inject({
      method: 'POST',
      url: `/api/imports/${partly.json().id}/run`,
      payload: { mapping: bad.suggestedMapping, crs: 'wgs84', onRejected: 'skip' },
    });
    expect(skip.statusCode).toBe(422);
    expect(skip.json().message).toMatch(/areas are imported as a whole/);
    expect(refused.rejections[0]!.message).toContain(`overlaps ${b.code}`);
    expect(refused.rejections[0]!.messageZh).toMatch(new RegExp(`^与“${b.code}”重叠[0-9.]+平方米$`));

    // a grid of a village that does not exist, one lying outside its village, one whose outline crosses itself
    const outside = (
      await t.db.query<{ g: string }>(
        `SELECT ST_AsGeoJSON(ST_Translate(geom, 0.01, 0)) g FROM areas WHERE code = $1 AND valid_to IS NULL`,
        [b.parent],
      )
    ).rows[0]!.g;
    const [x, y] = inside[0]!;
    const bow = JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + 1e-3, y + 1e-3],
          [x + 1e-3, y],
          [x, y + 1e-3],
          [x, y],
        ],
      ],
    });
    const wrong = await uploaded(
      cp,
      'areas',
      'wrong.geojson',
      fc([
        { code: `${TOWN}999001`, name: '无上级网格', g: inner },
        { code: `${b.parent}998`, name: '越界网格', g: outside },
        { code: `${b.parent}997`, name: '自相交网格', g: bow },
      ]),
    );
    const wrongDone = await run(cp, wrong.id, { mapping: wrong.suggestedMapping, crs: 'wgs84' });
    expect(wrongDone.status).toBe('rejected');
    expect(wrongDone.rejections.map((r) => [r.row, r.reason, r.field])).toEqual([
      [1, 'bad_value', 'code'],
      [2, 'bad_geometry', null],
      [3, 'bad_geometry', null],
    ]);
    const [noParent, beyond, crossed] = wrongDone.rejections;
    expect([noParent!.message, noParent!.messageZh]).toEqual([
      `parent area ${TOWN}999 does not exist`,
      `上级区域“${TOWN}999”不存在`,
    ]);
    const m2 = /^lies ([0-9.]+) m² outside its parent (\d+)$/.exec(beyond!.message);
    expect(m2?.[2]).toBe(b.parent);
    expect(Number(m2![1])).toBeGreaterThan(1000);
    expect(beyond!.messageZh).toBe(`有${m2![1]}平方米位于上级区域“${b.parent}”之外`);
    expect(crossed!.message).toMatch(/^invalid geometry: Self-intersection\[/);
    expect(crossed!.messageZh).toMatch(/^几何图形无效：自相交\[/);

    const undo = await cp.inject({ method: 'POST', url: `/api/imports/${job.id}/undo` });
    expect(undo.statusCode, undo.body).toBe(200);
    const back = (
      await t.db.query<{ name: string; version: number }>(
        `SELECT name, version FROM areas WHERE code = $1 AND valid_to IS NULL`,
        [a.code],
      )
    ).rows;
    expect(back).toEqual([{ name: a.name, version: a.version }]);
  });

  it('marks an import whose process died as failed, and only that one', async () => {
    const dead = await uploaded(cp, 'sites', 'dead.csv', 'name,kind,lon,lat\n甲,S01,114,23\n');
    const alive = await uploaded(cp, 'sites', 'alive.csv', 'name,kind,lon,lat\n乙,S01,114,23\n');
    await t.db.query(
      `UPDATE imports SET status = 'running',
              progress = progress || jsonb_build_object('at', now() - CASE WHEN id = $1 THEN interval '5 minutes' ELSE interval '1 second' END)
       WHERE id IN ($1, $2)`,
      [dead.id, alive.id],
    );
    await failInterruptedImports(t.db);
    const a = (await cp.inject(`/api/imports/${dead.id}`)).json() as Job;
    expect([a.status, a.error]).toEqual([
      'failed',
      'the server stopped while this import ran; nothing was written',
    ]);
    expect(((await cp.inject(`/api/imports/${alive.id}`)).json() as Job).status).toBe('running');
    await t.db.query(`UPDATE imports SET status = 'failed' WHERE id = $1`, [alive.id]);
  });

  it('answers bad requests with 4xx and a reason, and keeps imports to their area', async () => {
    expect((await upload(cp, 'nope', 'a.csv', 'a,b\n1,2\n')).statusCode).toBe(400);
    const fmt = await upload(cp, 'sites', 'a.docx', 'x');
    expect(fmt.statusCode).toBe(422);
    expect(fmt.json().message).toMatch(/format/);
    expect((await upload(cp, 'sites', 'a.csv', '')).statusCode).toBe(422);
    const noType = await cp.inject({
      method: 'POST',
      url: '/api/imports?layer=sites&filename=a.csv',
      payload: { a: 1 },
    });
    expect(noType.statusCode).toBe(415);
    const job = await uploaded(cp, 'sites', 'a.csv', 'name,kind,lon,lat\n甲,S01,114,23\n');
    const unmapped = await cp.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/run`,
      payload: { mapping: { name: 'name' }, crs: 'wgs84', coordinates: { lon: 'lon', lat: 'lat' } },
    });
    expect(unmapped.statusCode).toBe(422);
    expect(unmapped.json().message).toMatch(/kind/);
    const noColumn = await cp.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/run`,
      payload: {
        mapping: { name: 'name', kind: '类型' },
        crs: 'wgs84',
        coordinates: { lon: 'lon', lat: 'lat' },
      },
    });
    expect(noColumn.statusCode).toBe(422);
    const noCoords = await cp.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/run`,
      payload: { mapping: { name: 'name', kind: 'kind' }, crs: 'wgs84' },
    });
    expect(noCoords.statusCode).toBe(422);
    // another town's coordinator does not see it; a viewer may not import
    const humen = await t.as('humen');
    expect((await humen.inject(`/api/imports/${job.id}`)).statusCode).toBe(404);
    const viewer = await t.as('viewer');
    expect((await upload(viewer, 'sites', 'a.csv', 'name\n1\n')).statusCode).toBe(403);
    expect((await admin.inject(`/api/imports/${job.id}`)).statusCode).toBe(200);
    // and nothing ran
    expect((await cp.inject(`/api/imports/${job.id}`)).json().status).toBe('uploaded');
  });
});

describe('the import upload limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp({ importMaxBytes: 64 });
  });
  afterAll(() => t.close());

  it('refuses a file announced over the limit with 413 and keeps nothing', async () => {
    const admin = await t.as('admin');
    const filename = `limit-${RUN}.csv`;
    const body = `name,kind,lon,lat\n${'甲,S01,114,23\n'.repeat(10)}`;
    const send = (payload: string) =>
      admin.inject({
        method: 'POST',
        url: `/api/imports?layer=sites&filename=${filename}`,
        headers: { 'content-type': 'application/octet-stream' },
        payload,
      });
    const announced = await send(body);
    expect(announced.statusCode).toBe(413);
    expect(announced.json().message).toMatch(/larger than the import limit of 64 bytes/);
    const jobs = (await admin.inject('/api/imports')).json() as Array<{ filename: string }>;
    expect(jobs.filter((j) => j.filename === filename)).toEqual([]);
    // within the limit it is taken
    expect((await send('name,kind,lon,lat\n甲,S01,114,23\n')).statusCode).toBe(201);
  });
});
