import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import { openTestApp, type TestApp } from './template.ts';

/** Metres between two points on the sphere (an oracle apart from PostGIS). */
function haversineM(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

interface Camera {
  id: number;
  code: string;
  name: string;
  distanceM: number;
  url: string | null;
}

describe('the cameras beside an incident (雪亮工程)', () => {
  let t: TestApp;
  /** A sample camera in 常平镇 and all cameras of the town with their positions. */
  let cams: Array<{ id: number; code: string; lon: number; lat: number }>;
  beforeAll(async () => {
    t = await openTestApp({ cameraUrlTemplate: 'http://video.intranet/view?camera={code}' });
    cams = (
      await t.db.query<{ id: string; code: string; lon: number; lat: number }>(
        `SELECT id, code, ST_X(geom) lon, ST_Y(geom) lat FROM cameras WHERE town_code = '441900110' ORDER BY id`,
      )
    ).rows.map((r) => ({ ...r, id: Number(r.id) }));
    expect(cams.length).toBeGreaterThan(0);
  });
  afterAll(() => t.close());

  it('lists the cameras within 300 m, nearest first, each with the link to its view', async () => {
    const c = await t.as('dispatcher-cp');
    // 40 m north-east of a sample camera
    const cam = cams[0]!;
    const at: [number, number] = [cam.lon + 0.0003, cam.lat + 0.0002];
    const made = await c.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: `cameras-${process.pid}-${Date.now()}`,
        category: '9103',
        channel: 'desk',
        description: '监控测试：可疑人员',
        lon: at[0],
        lat: at[1],
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const detail = (await c.inject(`/api/incidents/${made.json().id}`)).json<{ cameras: Camera[] }>();
    const expected = cams
      .map((k) => ({ id: k.id, d: haversineM(at, [k.lon, k.lat]) }))
      .filter((k) => k.d <= 299) // away from the edge: the sphere and the spheroid differ by < 0.5 %
      .sort((a, b) => a.d - b.d);
    const got = detail.cameras.map((k) => k.id);
    for (const e of expected) expect(got).toContain(e.id);
    expect(detail.cameras[0]!.id).toBe(expected[0]!.id);
    for (const k of detail.cameras) {
      const truth = haversineM(at, [
        cams.find((x) => x.id === k.id)!.lon,
        cams.find((x) => x.id === k.id)!.lat,
      ]);
      expect(Math.abs(k.distanceM - truth)).toBeLessThan(2);
      expect(k.distanceM).toBeLessThanOrEqual(300);
      expect(k.url).toBe(`http://video.intranet/view?camera=${k.code}`);
    }
    const distances = detail.cameras.map((k) => k.distanceM);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
  });
});

describe('RISKMAP_CAMERA_URL_TEMPLATE', () => {
  it('is off by default, takes an http(s) address with {code}, and refuses anything else', () => {
    expect(loadConfig({}).cameraUrlTemplate).toBeNull();
    expect(
      loadConfig({ RISKMAP_CAMERA_URL_TEMPLATE: 'https://v.intranet:8443/play/{code}' }).cameraUrlTemplate,
    ).toBe('https://v.intranet:8443/play/{code}');
    expect(() => loadConfig({ RISKMAP_CAMERA_URL_TEMPLATE: 'https://v.intranet/play' })).toThrow(/\{code\}/);
    expect(() => loadConfig({ RISKMAP_CAMERA_URL_TEMPLATE: 'javascript:alert({code})' })).toThrow(
      /http\(s\) address/,
    );
  });
});
