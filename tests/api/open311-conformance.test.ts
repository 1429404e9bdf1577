import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

/**
 * GeoReport v2 (http://wiki.open311.org/GeoReport_v2) walked endpoint by endpoint and field by
 * field, in both formats: service discovery, service list, service definition, POST requests,
 * GET requests, GET request, errors, jurisdiction_id. The XML is read with saxes, a parser this
 * project does not write XML with.
 */

interface XNode {
  name: string;
  children: XNode[];
  text: string;
}

function parseXml(xml: string): XNode {
  const parser = new SaxesParser();
  const stack: XNode[] = [{ name: '#document', children: [], text: '' }];
  parser.on('opentag', (tag) => {
    const node = { name: tag.name, children: [], text: '' };
    stack.at(-1)!.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    stack.at(-1)!.text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  const root = stack[0]!.children[0];
  if (!root) throw new Error('no root element');
  return root;
}

/** An element's children as fields: text, or null for an empty element (GeoReport v2's null). */
function fields(node: XNode): Record<string, string | null> {
  return Object.fromEntries(
    node.children.map((c) => [c.name, c.children.length === 0 && c.text === '' ? null : c.text]),
  );
}

const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The fields of a service request, as the spec lists them for GET requests. */
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const SERVICE_FIELDS = [
  'service_code',
  'service_name',
  'description',
  'metadata',
  'type',
  'keywords',
  'group',
];

describe('Open311 GeoReport v2 conformance', () => {
  let t: TestApp;
  let apiKey: string;
  let point: { lon: number; lat: number };
  let seq = 0;
  beforeAll(async () => {
    t = await openTestApp();
    point = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas WHERE level = 'grid' AND valid_to IS NULL
         AND code LIKE '441900110%' ORDER BY code LIMIT 1`,
      )
    ).rows[0]!;
    const admin = await t.as('admin');
    apiKey = (
      await admin.inject({
        method: 'POST',
        url: '/api/api-keys',
        payload: { name: 'Open311 conformance', permissions: ['read'], areaCode: '441900' },
      })
    ).json().key;
  });
  afterAll(() => t.close());

  const get = (url: string) => t.app.inject({ url, remoteAddress: '10.31.1.1' });
  /** A form-encoded POST as 311 clients send it; a fresh description each time (no retry). */
  const post = (format: 'json' | 'xml', fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: `/open311/v2/requests.${format}`,
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: `10.31.2.${++seq}`,
    });
  const unique = (text: string) => `${text} ${Date.now()}-${++seq}`;

  it('discovery names the v2 endpoint, its formats and changesets, in JSON and XML', async () => {
    for (const path of ['/open311/discovery', '/open311/v2/discovery']) {
      const json = await get(`${path}.json`);
      expect(json.statusCode, path).toBe(200);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      const d = json.json();
      expect(d).toMatchObject({ changeset: expect.stringMatching(W3C_DATETIME) });
      expect(typeof d.contact).toBe('string');
      expect(typeof d.key_service).toBe('string');
      expect(d.endpoints).toHaveLength(1);
      const [e] = d.endpoints;
      expect(e).toMatchObject({
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: expect.stringMatching(/\/open311\/v2$/),
        changeset: expect.stringMatching(W3C_DATETIME),
        type: expect.stringMatching(/^(production|test)$/),
      });
      expect([...e.formats].sort()).toEqual(['application/json', 'text/xml']);
      // the endpoint it names answers
      expect((await get(`${new URL(e.url).pathname}/services.json`)).statusCode).toBe(200);

      const xml = await get(`${path}.xml`);
      expect(xml.headers['content-type']).toMatch(/^(application|text)\/xml/);
      const root = parseXml(xml.body);
      expect(root.name).toBe('discovery');
      const endpoints = root.children.find((c) => c.name === 'endpoints')!;
      const endpoint = endpoints.children[0]!;
      expect(endpoint.name).toBe('endpoint');
      expect(fields(endpoint)).toMatchObject({ specification: e.specification, url: e.url, type: e.type });
      const formats = endpoint.children.find((c) => c.name === 'formats')!;
      expect(formats.children.map((c) => [c.name, c.text])).toEqual(
        e.formats.map((f: string) => ['format', f]),
      );
    }
  });

  it('lists services with every field, the same in JSON and XML, and defines each', async () => {
    const json = (await get('/open311/v2/services.json')).json() as Array<Record<string, unknown>>;
    expect(json.length).toBeGreaterThan(10);
    for (const s of json) {
      expect(Object.keys(s).sort()).toEqual([...SERVICE_FIELDS].sort());
      expect(typeof s.metadata).toBe('boolean');
      expect(['realtime', 'batch', 'blackbox']).toContain(s.type);
    }
    const xml = parseXml((await get('/open311/v2/services.xml')).body);
    expect(xml.name).toBe('services');
    const services = xml.children.map((c) => {
      expect(c.name).toBe('service');
      return fields(c);
    });
    expect(services.map((s) => [s.service_code, s.service_name, s.metadata, s.type])).toEqual(
      json.map((s) => [s.service_code, s.service_name, String(s.metadata), s.type]),
    );

    const code = json[0]!.service_code as string;
    const def = (await get(`/open311/v2/services/${code}.json`)).json();
    expect(def).toEqual({ service_code: code, attributes: [] });
    const defXml = parseXml((await get(`/open311/v2/services/${code}.xml`)).body);
    expect(defXml.name).toBe('service_definition');
    expect(fields(defXml).service_code).toBe(code);
  });

  it('takes a request and gives back its id and notice, in JSON and XML', async () => {
    const base = {
      service_code: '0501',
      lat: String(point.lat),
      long: String(point.lon),
      account_id: 'acct-7',
    };
    const json = await post('json', { ...base, description: unique('流动摊贩'), email: 'a@example.org' });
    expect(json.statusCode).toBe(201);
    const [created] = json.json();
    expect(Object.keys(created).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
    expect(created.service_request_id).toMatch(/^\d+$/);
    expect(created.account_id).toBe('acct-7');

    const xml = await post('xml', { ...base, description: unique('流动摊贩') });
    expect(xml.statusCode).toBe(201);
    const root = parseXml(xml.body);
    expect(root.name).toBe('service_requests');
    expect(root.children[0]!.name).toBe('request');
    expect(fields(root.children[0]!).service_request_id).toMatch(/^\d+$/);

    // description is optional in the spec
    const bare = await post('json', { ...base, long: String(point.lon + 0.0003) });
    expect(bare.statusCode).toBeLessThan(300);
  });

  it('reads requests with every field, by id and by the list filters, in JSON and XML', async () => {
    const description = unique('井盖缺失');
    const id = (
      await post('json', {
        service_code: '0501',
        lat: String(point.lat),
        long: String(point.lon),
        description,
      })
    ).json()[0].service_request_id as string;

    const one = (await get(`/open311/v2/requests/${id}.json?api_key=${apiKey}`)).json();
    expect(one).toHaveLength(1);
    const r = one[0];
    expect(Object.keys(r).sort()).toEqual([...REQUEST_FIELDS].sort());
    expect(r).toMatchObject({ service_request_id: id, status: 'open', service_code: '0501', description });
    expect(r.requested_datetime).toMatch(W3C_DATETIME);
    expect(r.updated_datetime).toMatch(W3C_DATETIME);
    expect(typeof r.lat).toBe('number');
    expect(typeof r.long).toBe('number');

    const xml = parseXml((await get(`/open311/v2/requests/${id}.xml?api_key=${apiKey}`)).body);
    expect(xml.name).toBe('service_requests');
    const x = fields(xml.children[0]!);
    expect(Object.keys(x).sort()).toEqual([...REQUEST_FIELDS].sort());
    expect(x).toMatchObject({ service_request_id: id, status: 'open', description, address_id: null });
    expect(Number(x.lat)).toBeCloseTo(r.lat, 9);

    for (const q of [
      `service_request_id=${id}`,
      `service_request_id=1,${id}`,
      'service_code=0501&status=open',
      `start_date=${encodeURIComponent(r.requested_datetime)}`,
    ]) {
      for (const format of ['json', 'xml'] as const) {
        const res = await get(`/open311/v2/requests.${format}?api_key=${apiKey}&${q}`);
        expect(res.statusCode, q).toBe(200);
        const ids =
          format === 'json'
            ? res.json().map((x: { service_request_id: string }) => x.service_request_id)
            : parseXml(res.body).children.map((c) => fields(c).service_request_id);
        expect(ids, `${format} ${q}`).toContain(id);
      }
    }
    const closed = await get(
      `/open311/v2/requests.json?api_key=${apiKey}&service_request_id=${id}&status=closed`,
    );
    expect(closed.json()).toEqual([]);
  });

  it('includes end_date: a request reported exactly then is listed', async () => {
    const row = (
      await t.db.query<{ id: string; at: string; before: string }>(
        `SELECT id::text, to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') at,
                to_char((reported_at - interval '1 microsecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') before
         FROM incidents ORDER BY reported_at DESC LIMIT 1`,
      )
    ).rows[0]!;
    const list = async (q: string) =>
      (await get(`/open311/v2/requests.json?api_key=${apiKey}&service_request_id=${row.id}&${q}`))
        .json()
        .map((x: { service_request_id: string }) => x.service_request_id);
    expect(await list(`end_date=${row.at}`)).toEqual([row.id]);
    expect(await list(`start_date=${row.at}&end_date=${row.at}`)).toEqual([row.id]);
    expect(await list(`end_date=${row.before}`)).toEqual([]);
  });

  it('answers errors as the spec’s error list, in the format asked for', async () => {
    const cases: Array<[string, number, string, string?]> = [
      ['unknown service', 404, '/open311/v2/services/9999.FORMAT'],
      ['no key', 401, '/open311/v2/requests.FORMAT'],
      ['bad filter', 400, `/open311/v2/requests.FORMAT?api_key=${apiKey}&status=maybe`],
      ['unknown path', 404, '/open311/v2/nothing.FORMAT'],
      ['no position', 400, '/open311/v2/requests.FORMAT', 'service_code=0501&description=x'],
    ];
    for (const [what, status, url, form] of cases) {
      for (const format of ['json', 'xml'] as const) {
        const res = await t.app.inject({
          method: form ? 'POST' : 'GET',
          url: url.replace('FORMAT', format),
          remoteAddress: '10.31.3.1',
          ...(form
            ? { payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
            : {}),
        });
        expect(res.statusCode, `${what} ${format}`).toBe(status);
        let errors: Array<{ code: string | number | null; description: string | null }>;
        if (format === 'json') {
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          errors = res.json();
        } else {
          expect(res.headers['content-type']).toMatch(/^application\/xml/);
          const root = parseXml(res.body);
          expect(root.name).toBe('errors');
          errors = root.children.map((c) => {
            expect(c.name).toBe('error');
            return fields(c) as { code: string | null; description: string | null };
          });
        }
        expect(errors, `${what} ${format}`).toHaveLength(1);
        expect(Number(errors[0]!.code)).toBe(status);
        expect(errors[0]!.description).toBeTruthy();
      }
    }
  });

  it('takes jurisdiction_id 441900 on every endpoint and answers 404 for another', async () => {
    const id = (
      await post('json', {
        service_code: '0501',
        lat: String(point.lat),
        long: String(point.lon),
        description: unique('占道'),
        jurisdiction_id: '441900',
      })
    ).json()[0].service_request_id as string;
    const gets = [
      '/open311/v2/services.FORMAT',
      '/open311/v2/services/0501.FORMAT',
      `/open311/v2/requests.FORMAT?api_key=${apiKey}`,
      `/open311/v2/requests/${id}.FORMAT?api_key=${apiKey}`,
    ];
    for (const url of gets) {
      for (const format of ['json', 'xml'] as const) {
        const u = url.replace('FORMAT', format);
        const sep = u.includes('?') ? '&' : '?';
        expect((await get(`${u}${sep}jurisdiction_id=441900`)).statusCode, u).toBe(200);
        const other = await get(`${u}${sep}jurisdiction_id=sfgov.org`);
        expect(other.statusCode, u).toBe(404);
        const description =
          format === 'json'
            ? other.json()[0].description
            : fields(parseXml(other.body).children[0]!).description;
        expect(description).toContain('441900');
      }
    }
    const n = (await t.db.query<{ n: number }>(`SELECT count(*)::int n FROM incidents`)).rows[0]!.n;
    const elsewhere = await post('json', {
      service_code: '0501',
      lat: String(point.lat),
      long: String(point.lon),
      description: unique('占道'),
      jurisdiction_id: 'sfgov.org',
    });
    expect(elsewhere.statusCode).toBe(404);
    expect((await t.db.query<{ n: number }>(`SELECT count(*)::int n FROM incidents`)).rows[0]!.n).toBe(n);
  });

  it('places a request by its address_string: a key site, or the village or grid it names', async () => {
    const site = (
      await t.db.query<{ id: number; name: string; address: string | null }>(
        `SELECT s.id, s.name, s.address FROM sites s WHERE s.town_code IS NOT NULL
           AND (SELECT count(*) FROM sites o WHERE o.name = s.name) = 1 ORDER BY s.id LIMIT 1`,
      )
    ).rows[0]!;
    const bySite = await post('json', {
      service_code: '0501',
      address_string: site.name,
      description: unique('门口'),
    });
    expect(bySite.statusCode).toBe(201);
    const stored = async (id: string) =>
      (
        await t.db.query<{ site_id: number | null; village_code: string | null; grid_code: string | null }>(
          'SELECT site_id, village_code, grid_code FROM incidents WHERE id = $1',
          [Number(id)],
        )
      ).rows[0]!;
    expect((await stored(bySite.json()[0].service_request_id)).site_id).toBe(site.id);

    const village = (
      await t.db.query<{ code: string; name: string; town: string }>(
        `SELECT v.code, v.name, t.name town FROM areas v JOIN areas t ON t.code = v.parent_code AND t.valid_to IS NULL
         WHERE v.level = 'village' AND v.valid_to IS NULL AND length(v.name) >= 3
           AND (SELECT count(*) FROM areas o WHERE o.valid_to IS NULL AND o.name = v.name) = 1
           AND NOT EXISTS (SELECT 1 FROM areas g WHERE g.valid_to IS NULL AND g.level = 'grid' AND g.parent_code = v.code
                           AND position(g.name IN v.name || '路口') > 0)
         ORDER BY v.code LIMIT 1`,
      )
    ).rows[0]!;
    const address = `东莞市${village.town}${village.name}路口`;
    const byArea = await post('xml', {
      service_code: '0501',
      address_string: address,
      description: unique('路口'),
    });
    expect(byArea.statusCode).toBe(201);
    const areaId = fields(parseXml(byArea.body).children[0]!).service_request_id!;
    expect((await stored(areaId)).village_code).toBe(village.code);

    for (const [what, form] of [
      ['a town only', { address_string: `东莞市${village.town}` }],
      ['nothing known', { address_string: 'Atlantis 1' }],
      ['lat without long', { lat: String(point.lat) }],
      ['an address id', { address_id: '12345' }],
    ] as const) {
      const res = await post('json', { service_code: '0501', description: unique('x'), ...form });
      expect(res.statusCode, what).toBe(400);
      expect(res.json()[0].description, what).toMatch(/lat|position/);
    }
  });
});
