import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

describe('Open311 GeoReport v2, citizen reports and venue codes', () => {
  let t: TestApp;
  let point: { lon: number; lat: number };
  let apiKey: string;
  beforeAll(async () => {
    t = await openTestApp();
    const r = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900119%' ORDER BY code LIMIT 1`,
    );
    point = r.rows[0]!;
    const admin = await t.as('admin');
    apiKey = (
      await admin.inject({
        method: 'POST',
        url: '/api/api-keys',
        payload: { name: '12345 热线', permissions: ['read', 'report'], areaCode: '441900' },
      })
    ).json().key;
  });
  afterAll(() => t.close());

  it('lists the incident categories as services', async () => {
    const res = await t.app.inject('/open311/v2/services.json');
    expect(res.statusCode).toBe(200);
    const svc = res.json().find((s: { service_code: string }) => s.service_code === '0501');
    expect(svc).toMatchObject({
      service_name: '无照经营游商',
      type: 'realtime',
      metadata: false,
      group: '街面秩序',
    });
    expect((await t.app.inject('/open311/v2/services/0501.json')).json()).toEqual({
      service_code: '0501',
      attributes: [],
    });
    const missing = await t.app.inject('/open311/v2/services/9999.json');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()[0].description).toMatch(/9999/);
  });

  it('takes a form-encoded request like a 311 client sends it, once per identical retry', async () => {
    // unique per run: an identical request is by design the same report (and the
    // PostgreSQL test database outlives a run)
    const description = `路口有流动摊贩 ${Date.now()}`;
    const form = new URLSearchParams({
      service_code: '0501',
      lat: String(point.lat),
      long: String(point.lon),
      description,
      first_name: '明',
      last_name: '李',
      phone: '13800000000',
    }).toString();
    const post = () =>
      t.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        payload: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: '10.3.0.1',
      });
    const res = await post();
    expect(res.statusCode).toBe(201);
    const [created] = res.json();
    expect(created.service_request_id).toMatch(/^\d+$/);
    const retry = await post();
    expect(retry.statusCode).toBe(200);
    expect(retry.json()[0].service_request_id).toBe(created.service_request_id);
    const stored = await t.db.query<{ channel: string; town_code: string; reported_by: string }>(
      'SELECT channel, town_code, reported_by FROM incidents WHERE id = $1',
      [Number(created.service_request_id)],
    );
    expect(stored.rows[0]).toEqual({ channel: 'open311', town_code: '441900119', reported_by: 'open311' });

    // reading requests back needs a key, given as api_key like GeoReport v2 clients do
    expect((await t.app.inject(`/open311/v2/requests/${created.service_request_id}.json`)).statusCode).toBe(
      401,
    );
    const one = await t.app.inject(
      `/open311/v2/requests/${created.service_request_id}.json?api_key=${apiKey}`,
    );
    expect(one.statusCode).toBe(200);
    expect(one.json()[0]).toMatchObject({
      status: 'open',
      service_code: '0501',
      description,
      agency_responsible: 'urban_management',
    });
    const list = await t.app.inject(
      `/open311/v2/requests.json?api_key=${apiKey}&service_code=0501&status=open`,
    );
    expect(
      list
        .json()
        .some((r: { service_request_id: string }) => r.service_request_id === created.service_request_id),
    ).toBe(true);
    const closed = await t.app.inject(
      `/open311/v2/requests.json?api_key=${apiKey}&status=closed&service_request_id=${created.service_request_id}`,
    );
    expect(closed.json()).toEqual([]);
  });

  it('speaks XML too: services, a report, requests and errors', async () => {
    const services = await t.app.inject('/open311/v2/services.xml');
    expect(services.statusCode).toBe(200);
    expect(services.headers['content-type']).toMatch(/^application\/xml/);
    expect(services.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<services><service>/);
    expect(services.body).toContain(
      '<service_code>0501</service_code><service_name>无照经营游商</service_name>',
    );
    const def = await t.app.inject('/open311/v2/services/0501.xml');
    expect(def.body).toContain(
      '<service_definition><service_code>0501</service_code><attributes/></service_definition>',
    );

    const res = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.xml',
      payload: new URLSearchParams({
        service_code: '0501',
        lat: String(point.lat),
        long: String(point.lon + 0.0001),
        description: `门口堆放 <杂物> & 纸箱 ${Date.now()}`,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: '10.3.0.4',
    });
    expect(res.statusCode).toBe(201);
    const id = /<service_request_id>(\d+)<\/service_request_id>/.exec(res.body)?.[1];
    expect(id).toBeDefined();
    expect(res.body).toMatch(/^<\?xml[^>]*>\n<service_requests><request><service_request_id>/);

    const one = await t.app.inject(`/open311/v2/requests/${id}.xml?api_key=${apiKey}`);
    expect(one.statusCode).toBe(200);
    // the description comes back escaped, exactly as sent
    expect(one.body).toMatch(/<description>门口堆放 &lt;杂物&gt; &amp; 纸箱 \d+<\/description>/);
    expect(one.body).toContain('<status>open</status>');
    expect(one.body).toContain('<address/>');

    const unauthorised = await t.app.inject(`/open311/v2/requests/${id}.xml`);
    expect(unauthorised.statusCode).toBe(401);
    expect(unauthorised.body).toMatch(
      /<errors><error><code>401<\/code><description>[^<]+<\/description><\/error><\/errors>/,
    );
    const missing = await t.app.inject('/open311/v2/services/9999.xml');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<code>404</code><description>no service &apos;9999&apos;</description>');
    expect((await t.app.inject('/open311/v2/services.csv')).statusCode).toBe(400);
  });

  it('maps the lifecycle to open/closed', async () => {
    const closedIncident = (
      await t.db.query<{ id: number }>(`SELECT id FROM incidents WHERE status = 'closed' ORDER BY id LIMIT 1`)
    ).rows[0]!;
    const res = await t.app.inject(
      `/open311/v2/requests.json?api_key=${apiKey}&service_request_id=${closedIncident.id}`,
    );
    expect(res.json()[0]).toMatchObject({ status: 'closed', status_notes: 'closed' });
  });

  it('answers bad requests with GeoReport v2 errors and stores nothing', async () => {
    // open311 reports only: other test files may write other reports meanwhile
    const n = (
      await t.db.query<{ n: number }>(`SELECT count(*)::int n FROM incidents WHERE channel = 'open311'`)
    ).rows[0]!.n;
    for (const body of [
      { service_code: '0501', lat: 22.3, long: 113.9, description: 'sea' },
      { service_code: '0501', lat: 200, long: 113.9, description: 'x' },
      { service_code: '9999', lat: point.lat, long: point.lon, description: 'x' },
      // neither a position nor an address
      { service_code: '0501', description: 'x' },
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        payload: body,
        remoteAddress: '10.3.0.2',
      });
      expect(res.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json()[0].description).toBeTruthy();
    }
    expect(
      (await t.db.query<{ n: number }>(`SELECT count(*)::int n FROM incidents WHERE channel = 'open311'`))
        .rows[0]!.n,
    ).toBe(n);
  });

  it('takes a citizen report from the public page, and a venue-code report for a site', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: {
        clientKey: `citizen-${Date.now()}`,
        category: '0102',
        lon: point.lon,
        lat: point.lat,
        description: '垃圾没人清',
      },
      remoteAddress: '10.3.0.3',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().status).toBe('reported');
    const site = (
      await t.db.query<{ id: number; lon: number; lat: number }>(
        'SELECT id, ST_X(geom) lon, ST_Y(geom) lat FROM sites WHERE town_code IS NOT NULL ORDER BY id LIMIT 1',
      )
    ).rows[0]!;
    const venue = await t.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: {
        clientKey: `venue-${Date.now()}`,
        category: '9101',
        lon: site.lon,
        lat: site.lat,
        description: '消防通道堵塞',
        siteId: site.id,
      },
      remoteAddress: '10.3.0.3',
    });
    expect(venue.statusCode).toBe(201);
    const stored = await t.db.query<{ channel: string; site_id: number }>(
      'SELECT channel, site_id FROM incidents WHERE id = $1',
      [venue.json().id],
    );
    expect(stored.rows[0]).toEqual({ channel: 'venue_code', site_id: site.id });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: { clientKey: 'citizen-bad-1', category: '0102', lon: 113.9, lat: 22.3, description: 'x' },
      remoteAddress: '10.3.0.3',
    });
    expect(bad.statusCode).toBe(422);
  });

  it('prints venue codes that open the report page for the site', async () => {
    const c = await t.as('commander');
    const site = (
      await t.db.query<{ id: number; town: string }>(
        'SELECT id, town_code town FROM sites WHERE town_code IS NOT NULL ORDER BY id LIMIT 1',
      )
    ).rows[0]!;
    const svg = await c.inject(`/api/sites/${site.id}/qr.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(svg.body).toContain('<svg');
    const png = await c.inject(`/api/sites/${site.id}/qr.png`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect((await c.inject('/api/sites/99999999/qr.svg')).statusCode).toBe(404);
    expect((await c.inject(`/api/sites/${site.id}/qr.gif`)).statusCode).toBe(400);
    const sheet = await c.inject(`/api/sites/qr-sheet?town=${site.town}`);
    expect(sheet.statusCode).toBe(200);
    const n = (
      await t.db.query<{ n: number }>('SELECT count(*)::int n FROM sites WHERE town_code = $1', [site.town])
    ).rows[0]!.n;
    expect(sheet.body.match(/<figure>/g)?.length).toBe(n);
  });
});
