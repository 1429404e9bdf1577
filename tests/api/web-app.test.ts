import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

describe('serving the web app', () => {
  let t: TestApp;
  let webDir: string;
  beforeAll(async () => {
    webDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-web-'));
    await mkdir(path.join(webDir, 'assets'));
    await writeFile(
      path.join(webDir, 'index.html'),
      '<!doctype html><html lang="zh-CN"><title>风险一张图</title></html>',
    );
    await writeFile(path.join(webDir, 'assets', 'worker.mjs'), 'export {};');
    t = await openTestApp({ webDir });
  });
  afterAll(async () => {
    await t.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('serves the app at / and at client-side routes, without a session', async () => {
    for (const url of ['/', '/admin', '/screen?x=1']) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('风险一张图');
    }
  });

  it('serves module workers as JavaScript', async () => {
    const res = await t.app.inject('/assets/worker.mjs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
  });

  it('answers unknown API paths and missing files with 404, not the app', async () => {
    const api = await t.app.inject('/api/nothing');
    expect(api.statusCode).toBe(404);
    expect(api.json().message).toContain('/api/nothing');
    expect((await t.app.inject('/assets/missing.js')).statusCode).toBe(404);
  });
});
