import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { findNulString, inputSchemaProblems } from '../../api/lib/input-schema-rules.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

describe('input: 4xx naming what is wrong, never a 5xx, never coerced', () => {
  let t: TestApp;
  let admin: Client;
  let teamId: number;
  let grid: { code: string; version: number };

  beforeAll(async () => {
    t = await openTestApp();
    admin = await t.as('admin');
    teamId = (
      await t.db.query<{ id: number }>(
        `SELECT id FROM teams WHERE home_area_code LIKE '441900110%' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!.id;
    grid = (
      await t.db.query<{ code: string; version: number }>(
        `SELECT code, version FROM areas WHERE level = 'grid' AND valid_to IS NULL AND code LIKE '441900110%' ORDER BY code LIMIT 1`,
      )
    ).rows[0]!;
  });
  afterAll(() => t.close());

  it('refuses ids and numbers that fit no column, naming the parameter', async () => {
    for (const url of [
      '/api/incidents/12345678901234567890',
      '/api/incidents/1e309',
      '/api/incidents/Infinity',
      '/api/teams?offset=12345678901234567890',
      '/api/audit?before=99999999999999999999',
      '/api/live?since=1e400',
    ]) {
      const res = await admin.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().message, url).toMatch(/(params|querystring)\/(id|offset|before|since)\b/);
    }
    const huge = await admin.inject({
      method: 'PATCH',
      url: `/api/teams/${teamId}/position`,
      headers: { 'content-type': 'application/json' },
      payload: `{"lon": 1e309, "lat": 22.9, "at": "${new Date().toISOString()}"}`,
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().message).toMatch(/body\/lon\b/);
  });

  it('does not coerce bodies: null, true and 0 are not numbers or booleans', async () => {
    const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
      [
        'PATCH',
        `/api/teams/${teamId}/position`,
        { lon: null, lat: true, at: new Date().toISOString() },
        /body\/lon/,
      ],
      ['PATCH', `/api/teams/${teamId}`, { onDuty: 0 }, /body\/onDuty/],
      ['PUT', `/api/grids/${grid.code}`, { version: true, name: '改名' }, /body\/version/],
      ['POST', '/api/dispatches', { incidentId: '1', teamId: 1 }, /body\/incidentId/],
    ];
    for (const [method, url, payload, named] of cases) {
      const res = await admin.inject({ method: method as 'PATCH', url, payload });
      expect(res.statusCode, `${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(res.json().message).toMatch(named);
    }
    // nothing of it was taken: the team is where it was, the grid has its name and version
    const after = await t.db.query<{ version: number }>(
      `SELECT version FROM areas WHERE code = $1 AND valid_to IS NULL`,
      [grid.code],
    );
    expect(after.rows[0]!.version).toBe(grid.version);
  });

  it('refuses a NUL character anywhere with the field named, and stores nothing', async () => {
    // on a shared PostGIS database other files report meanwhile: count only what this request could store
    const stored = async () =>
      (
        await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM incidents WHERE client_key = 'nul-1' OR description LIKE '路口%车辆'`,
        )
      ).rows[0]!.n;
    const res = await admin.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: 'nul-1',
        category: '0505',
        lon: 113.99,
        lat: 22.95,
        description: '路口\u0000车辆',
        channel: 'desk',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'nul_character', params: { field: 'body/description' } });
    expect((await admin.inject('/api/search?q=a%00b')).statusCode).toBe(400);
    expect(await stored()).toBe(0);
  });

  it('refuses a team position outside the service area with 422, and keeps one inside', async () => {
    const at = new Date().toISOString();
    for (const [lon, lat] of [
      [0, 0], // a tracker's zero position
      [22.95, 113.99], // axes swapped (refused by the schema already)
      [116.4, 39.9], // Beijing
      [113.2, 23.1], // Guangzhou, about 40 km outside
    ]) {
      const res = await admin.inject({
        method: 'PATCH',
        url: `/api/teams/${teamId}/position`,
        payload: { lon, lat, at },
      });
      expect([400, 422], `${lon},${lat}`).toContain(res.statusCode);
      if (res.statusCode === 422) expect(res.json().code).toBe('position_outside_service_area');
    }
    const kept = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM team_positions WHERE team_id = $1 AND recorded_at = $2`,
      [teamId, at],
    );
    expect(kept.rows[0]!.n).toBe(0);
    // just over the city's border (within the margin) and inside it are taken
    for (const [lon, lat] of [
      [113.75, 23.02],
      [113.52, 22.9],
    ]) {
      const res = await admin.inject({
        method: 'PATCH',
        url: `/api/teams/${teamId}/position`,
        payload: { lon, lat, at: new Date().toISOString() },
      });
      expect(res.statusCode, `${lon},${lat}`).toBe(200);
    }
  });

  it('states the rules every route schema follows, so unbounded input cannot be added', () => {
    expect(inputSchemaProblems({ type: 'integer', minimum: 1 }, 'params/id')).toEqual([
      'params/id: integer without maximum',
    ]);
    expect(inputSchemaProblems({ type: 'string' }, 'body/name')).toEqual([
      'body/name: string without maxLength',
    ]);
    expect(inputSchemaProblems({ type: 'string', pattern: '^[a-z]+$' }, 'q')).toEqual([
      'q: string without maxLength',
    ]);
    expect(inputSchemaProblems({ type: 'string', pattern: '^[0-9]{9}$' }, 'q')).toEqual([]);
    expect(
      inputSchemaProblems(
        {
          type: 'object',
          properties: { ids: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 9 } } },
        },
        'body',
      ),
    ).toEqual(['body/ids: array without maxItems']);
    // NUL search walks parsed values only: a streamed upload (an import) is not an object to walk
    expect(findNulString({ a: ['x', { b: 'y\u0000' }] }, 'body')).toBe('body/a/1/b');
    expect(findNulString(new PassThrough(), 'body')).toBeNull();
    // and the app holds to them: it started (build() refuses to get ready otherwise)
    expect(t.app.routeAccess.length).toBeGreaterThan(60);
  });
});
