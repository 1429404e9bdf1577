import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../api/lib/error-codes.ts';
import { foldTileCells } from '../../api/db/tile-repository.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

/**
 * Walks every operation of the OpenAPI document with malformed input — wrong types, huge
 * and non-finite numbers, NUL characters, 1 MB strings, broken JSON and broken GeoJSON — as
 * a city-wide admin, and checks that nothing answers 5xx and nothing in the database
 * changes. The corpus is built from the document itself, so new routes are walked too; every
 * value sent is invalid for its parameter by the route's own schema (checked with a separate
 * validator before sending) or carries a NUL, so any change it made would be a bug. Every
 * refusal must carry a `code` of api/lib/error-codes.ts (Open311 answers in GeoReport v2's own
 * format instead), never one only named after a status.
 */

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false });
addFormats.default(ajv);
const isValid = (schema: Schema | undefined, value: unknown): boolean => {
  if (!schema) return true;
  try {
    return ajv.validate(schema, value) as boolean;
  } catch {
    return true; // a schema the checker cannot read: assume valid, i.e. do not count on it
  }
};

/** Plausible values for parameters by name, so that the other parts of a request are valid. */
const SAMPLE: Record<string, string> = {
  id: '1',
  code: '441900110002001',
  layer: 'sites',
  collectionId: 'sites',
  featureId: '1',
  format: 'json',
  seq: '1',
  name: 'coast',
  z: '12',
  x: '3337',
  y: '1782',
  parent: '441900110002',
};

/** A value for a sub-schema that should pass it (best effort; enum/const, bounds, examples). */
function sample(schema: Schema | undefined, name = ''): unknown {
  if (!schema) return 'x';
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0) return sample(list[0] as Schema, name);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
    case 'boolean':
      return true;
    case 'array':
      return typeof schema.minItems === 'number' && schema.minItems > 0
        ? Array.from({ length: schema.minItems }, () => sample(schema.items as Schema))
        : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const req of (schema.required ?? []) as string[]) out[req] = sample(props[req], req);
      return out;
    }
    case 'string': {
      if (schema.format === 'date-time') return new Date().toISOString();
      if (SAMPLE[name]) return SAMPLE[name];
      if (/code/i.test(name)) return '441900110';
      return 'x'.repeat(typeof schema.minLength === 'number' ? schema.minLength : 1);
    }
    default:
      return 'x';
  }
}

const MB = 'x'.repeat(1 << 20);
/** Raw JSON texts for one field: non-finite and huge numbers, wrong types, NUL, 1 MB. */
const FIELD_VALUES: Array<{ label: string; json: string; value?: unknown }> = [
  { label: '1e309', json: '1e309' },
  { label: '-1e309', json: '-1e309' },
  { label: '20 digits', json: '12345678901234567890' },
  { label: '-20 digits', json: '-12345678901234567890' },
  { label: 'fraction', json: '0.5', value: 0.5 },
  { label: 'null', json: 'null', value: null },
  { label: 'true', json: 'true', value: true },
  { label: 'zero', json: '0', value: 0 },
  { label: 'string "1"', json: '"1"', value: '1' },
  { label: 'array', json: '[1]', value: [1] },
  { label: 'object', json: '{"a":1}', value: { a: 1 } },
  { label: 'NUL', json: '"a\\u0000b"', value: 'a\u0000b' },
  { label: '1 MB string', json: JSON.stringify(MB), value: MB },
];
/** Bodies broken as a whole. */
const BROKEN_BODIES = ['{"a":', '[]', '"x"', 'null', '{"a":1}}', '\u0000', 'nope'];
/** GeoJSON geometries that no route may store. */
const BROKEN_GEOMETRIES: unknown[] = [
  {
    type: 'Polygon',
    coordinates: [
      [
        [113.7, 22.9],
        [113.71, 22.9],
        [113.7, 22.9],
      ],
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      [
        [113.7, 22.9],
        [113.71, 22.91],
        [113.71, 22.9],
        [113.7, 22.91],
        [113.7, 22.9],
      ],
    ],
  },
  { type: 'Polygon', coordinates: 'x' },
  { type: 'Polygon', coordinates: [[[Number.MAX_VALUE, 0]]] },
  { type: 'LineString', coordinates: [[113.7]] },
  { type: 'Nonsense', coordinates: [] },
];
/** Query and path texts: huge, non-finite, NUL, broken UTF-8, long. */
const TEXT_VALUES = [
  '12345678901234567890',
  '1e309',
  'Infinity',
  'NaN',
  '-1',
  '%00',
  'a%00b',
  '%E4%B8',
  'x'.repeat(100_000),
];

/**
 * Whether a path or query text is malformed for its parameter: not decodable, holding a NUL,
 * or not valid for the schema once read as the server reads it (numbers coerced).
 */
function malformedText(schema: Schema | undefined, text: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return true;
  }
  if (decoded.includes('\u0000')) return true;
  const typed = /^-?\d+(\.\d+)?(e\d+)?$/i.test(decoded) ? Number(decoded) : decoded;
  return !isValid(schema, typed);
}

/** The codes that only name a status: a refusal that has no code of its own yet. */
const GENERIC = new Set([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable',
  'refused',
]);

/** Row count and an order-independent checksum of every table that a refused request must not touch. */
async function snapshot(t: TestApp): Promise<Record<string, string>> {
  const tables = await t.db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r'
       -- sign-in sessions of the walker itself; the address throttle's rows
       AND c.relname NOT IN ('sessions', 'login_failures', 'spatial_ref_sys')
     ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables.rows) {
    const r = await t.db.query<{ n: string; sum: string | null }>(
      `SELECT count(*)::text AS n, md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))) AS sum FROM "${name}" x`,
    );
    out[name] = `${r.rows[0]!.n}:${r.rows[0]!.sum ?? ''}`;
  }
  return out;
}

describe('malformed input on every route: 4xx, never 5xx, and nothing changes', () => {
  let t: TestApp;
  let admin: Client;
  let before: Record<string, string>;
  const fivexx: string[] = [];
  const uncoded: string[] = [];
  const generic = new Set<string>();
  let sent = 0;
  let n = 0;
  const address = () => `10.77.${(n >> 8) & 255}.${n++ & 255}`;

  beforeAll(async () => {
    t = await openTestApp();
    admin = await t.as('admin');
    if (!process.env.DATABASE_URL) {
      // report counts still to be folded into tile_cells (the loaded sample's) are folded
      // now, not by the background folding halfway through the walk
      while ((await foldTileCells(t.db, null)) > 0);
      before = await snapshot(t);
    }
  }, 600_000);
  afterAll(() => t.close());

  async function send(method: string, url: string, body?: string, contentType = 'application/json') {
    sent++;
    const res = await admin.inject({
      method: method as 'GET',
      url,
      remoteAddress: address(),
      ...(body === undefined ? {} : { payload: body, headers: { 'content-type': contentType } }),
    });
    const what = () =>
      `${method} ${url.slice(0, 120)} ${body?.slice(0, 120) ?? ''} → ${res.statusCode} ${res.body.slice(0, 200)}`;
    if (res.statusCode >= 500) fivexx.push(what());
    if (res.statusCode >= 400 && res.statusCode < 500 && !url.startsWith('/open311/')) {
      let code: unknown;
      try {
        code = (JSON.parse(res.body) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (!isErrorCode(code)) uncoded.push(what());
      else if (GENERIC.has(code)) generic.add(`${method} ${url.split('?')[0]!.slice(0, 80)} → ${code}`);
    }
    return res;
  }

  it('walks the OpenAPI document', { timeout: 900_000 }, async () => {
    const doc = (
      t.app as unknown as { swagger(): { paths: Record<string, Record<string, Operation>> } }
    ).swagger();
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([m, op]) => ({ path: p, method: m.toUpperCase(), op })),
    );
    expect(operations.length).toBeGreaterThan(60);

    for (const { path: p, method, op } of operations) {
      if (p.startsWith('/api/docs') || p === '/api/live') continue; // the docs pages; the WebSocket upgrade
      const params = op.parameters ?? [];
      const pathParams = params.filter((x) => x.in === 'path');
      const query = params.filter((x) => x.in === 'query');
      const fill = (overrides: Record<string, string> = {}) =>
        p.replace(
          /\{([^}]+)\}/g,
          (_m, name: string) =>
            overrides[name] ?? String(sample(pathParams.find((x) => x.name === name)?.schema, name)),
        );
      const validQuery = query
        .filter((x) => x.required)
        .map((x) => `${x.name}=${encodeURIComponent(String(sample(x.schema, x.name)))}`);
      const qs = (extra: string[]) =>
        [...validQuery, ...extra].length ? `?${[...validQuery, ...extra].join('&')}` : '';
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const baseBody = bodySchema ? sample(bodySchema) : undefined;
      const baseText = baseBody === undefined ? undefined : JSON.stringify(baseBody);

      // path parameters: each malformed in turn
      for (const param of pathParams) {
        for (const v of TEXT_VALUES) {
          if (!malformedText(param.schema, v)) continue;
          await send(method, `${fill({ [param.name]: v })}${qs([])}`, baseText);
        }
      }
      // query parameters: each malformed in turn
      for (const param of query) {
        for (const v of TEXT_VALUES) {
          if (!malformedText(param.schema, v)) continue;
          const others = validQuery.filter((q) => !q.startsWith(`${param.name}=`));
          const url = `${fill()}?${[...others, `${param.name}=${v}`].join('&')}`;
          await send(method, url, baseText);
        }
      }
      if (!bodySchema || method === 'GET') continue;
      const url = `${fill()}${qs([])}`;
      // the body broken as a whole
      for (const b of BROKEN_BODIES) await send(method, url, b);
      // each property of the body malformed in turn (top level and one level down)
      const props = (bodySchema.properties ?? {}) as Record<string, Schema>;
      const base = (baseBody ?? {}) as Record<string, unknown>;
      for (const [name, schema] of Object.entries(props)) {
        const variants: Array<{ json: string; value?: unknown }> = [...FIELD_VALUES];
        if (/geometry|line/i.test(name))
          variants.push(...BROKEN_GEOMETRIES.map((g) => ({ json: JSON.stringify(g), value: g })));
        for (const v of variants) {
          const nul = typeof v.value === 'string' && v.value.includes('\u0000');
          if ('value' in v && !nul && isValid(schema, v.value)) continue;
          const rest = JSON.stringify({ ...base, [name]: '__VALUE__' });
          await send(method, url, rest.replace('"__VALUE__"', v.json));
        }
      }
    }
    expect(sent).toBeGreaterThan(1000);
    expect(fivexx).toEqual([]);
    expect(uncoded.slice(0, 20)).toEqual([]);
    expect([...generic].slice(0, 20)).toEqual([]);
  });

  // On PostgreSQL the suite's files share one database and write to it meanwhile; each
  // embedded run has its own copy, where any change can only be the walker's.
  it.skipIf(Boolean(process.env.DATABASE_URL))('changed nothing in the database', async () => {
    const after = await snapshot(t);
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    expect(changed).toEqual([]);
  });
});
