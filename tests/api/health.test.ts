import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

describe('GET /api/health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  it('reports the backend, PostGIS, the migration level and the loaded sample', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.backend).toBe(process.env.DATABASE_URL ? 'postgres' : 'embedded');
    expect(body.postgis).toMatch(/^3\./);
    expect(body.migration).toMatch(/^\d{4}_.*\.sql$/);
    expect(body.dataset).toMatchObject({ name: 'sample', scale: 'small' });
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
