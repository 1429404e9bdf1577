import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

describe('GET /api/health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  it('tells anyone only whether it is up', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('tells a signed-in user without manage_users (and an unknown session) no more', async () => {
    const viewer = await t.as('viewer');
    expect((await viewer.inject('/api/health')).json()).toEqual({ status: 'ok' });
    const stale = await t.app.inject({ url: '/api/health', headers: { cookie: 'riskmap_session=nonsense' } });
    expect(stale.json()).toEqual({ status: 'ok' });
  });

  it('reports the backend, PostGIS, the migration level and the loaded sample to an admin', async () => {
    const res = await (await t.as('admin')).inject('/api/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.backend).toBe(process.env.DATABASE_URL ? 'postgres' : 'embedded');
    expect(body.postgis).toMatch(/^3\./);
    expect(body.migration).toMatch(/^\d{4}_.*\.sql$/);
    expect(body.dataset).toMatchObject({ name: 'sample', scale: 'small' });
  });

  it("answers 503 'not ok' when the database does not answer, to anyone", async () => {
    const admin = await t.as('admin');
    const down = vi
      .spyOn(t.app.repos.health, 'getDatabaseInfo')
      .mockRejectedValue(new Error('connection refused'));
    try {
      for (const res of [await t.app.inject('/api/health'), await admin.inject('/api/health')]) {
        expect(res.statusCode).toBe(503);
        expect(res.json()).toEqual({ status: 'not ok' });
      }
    } finally {
      down.mockRestore();
    }
    expect((await t.app.inject('/api/health')).statusCode).toBe(200);
  });

  it('serves the OpenAPI document listing every API route', async () => {
    const res = await (await t.as('viewer')).inject('/api/docs/json');
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/areas',
        '/api/areas/{code}',
        '/api/layers/{layer}/features',
      ]),
    );
  });

  it('answers unknown API paths with a JSON 404 naming the path', async () => {
    const res = await t.app.inject('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('/api/nothing-here');
  });
});
