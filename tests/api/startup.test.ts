import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import type { Database } from '../../api/db/database.ts';
import { openDatabase } from '../../api/db/open-database.ts';
import { listenAndStart, type StartedServer } from '../../api/server.ts';
import { spawnServer } from '../support/server-process.ts';
import { TEMPLATE_DIR } from './template.ts';

/**
 * The server while it starts: it listens before the database is open and says so, to
 * pages and to clients alike. The database is held back on purpose (its opening waits for
 * the test), so that what is seen is the starting state itself, however fast or slow the
 * machine is.
 */
const databaseUrl = process.env.DATABASE_URL || '';

/** Server starts on the embedded engine take minutes on a very busy machine; this only ends a hang. */
const HANG_LIMIT_MS = 20 * 60_000;

async function copyOfTemplate(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-startup-'));
  if (!databaseUrl) await cp(TEMPLATE_DIR, dir, { recursive: true });
  return dir;
}

describe('a server that is starting', () => {
  let dataDir = '';
  let server: StartedServer;
  let release: () => void = () => undefined;
  let opened = false;

  beforeAll(async () => {
    dataDir = await copyOfTemplate();
    const held = new Promise<void>((resolve) => (release = resolve));
    const config = loadConfig({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      RISKMAP_DATA_DIR: dataDir,
      RISKMAP_WEB_DIR: '/nonexistent',
      RISKMAP_SEED: '0',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    });
    server = await listenAndStart(config, {
      openDatabase: async (c): Promise<Database> => {
        await held;
        opened = true;
        return openDatabase(c);
      },
    });
  });
  afterAll(async () => {
    release();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, HANG_LIMIT_MS);

  it('listens before the database is open: /api/health says starting, with Retry-After', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(opened).toBe(false);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'starting' });
  });

  it('refuses API calls with 503, Retry-After and the code `starting`', async () => {
    for (const [method, url] of [
      ['GET', '/api/areas?level=town'],
      ['POST', '/api/incidents'],
      ['GET', '/ogc/collections'],
    ] as const) {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(res.status, url).toBe(503);
      expect(res.headers.get('retry-after'), url).toMatch(/^[1-9][0-9]*$/);
      expect(res.headers.get('content-type'), url).toMatch(/^application\/json/);
      expect(await res.json(), url).toMatchObject({ statusCode: 503, code: 'starting' });
    }
    // GeoReport v2 clients get its error list, as XML when they asked for XML
    const json = await fetch(`${server.url}/open311/v2/services.json`);
    expect(json.status).toBe(503);
    expect(await json.json()).toEqual([{ code: 503, description: expect.any(String) as string }]);
    const xml = await fetch(`${server.url}/open311/v2/services.xml`);
    expect(xml.status).toBe(503);
    expect(await xml.text()).toMatch(/<errors>\s*<error>\s*<code>503<\/code>/);
  });

  it('answers pages with a starting page: Chinese first, English too, reloading itself, nothing external', async () => {
    for (const page of ['/', '/screen', '/incidents/12']) {
      const res = await fetch(`${server.url}${page}`, { headers: { accept: 'text/html' } });
      expect(res.status, page).toBe(503);
      expect(res.headers.get('retry-after'), page).toMatch(/^[1-9][0-9]*$/);
      expect(res.headers.get('content-type'), page).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy'), page).toContain("default-src 'none'");
      const html = await res.text();
      expect(html).toContain('<html lang="zh-CN">');
      expect(html.indexOf('正在启动')).toBeGreaterThan(-1);
      expect(html.indexOf('正在启动')).toBeLessThan(html.indexOf('riskmap is starting'));
      expect(html).toMatch(/<meta http-equiv="refresh" content="[1-9][0-9]*">/);
      // no script, and nothing fetched from anywhere (the app's own headers are not set yet)
      expect(html).not.toMatch(/<script|\bsrc=|\bhref=|url\(|@import/i);
    }
  });

  it('serves the API once the database is open', async () => {
    release();
    const app = await server.ready;
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    // the same server: the app took over the listening socket, nothing else listens
    expect(app.server.listening).toBe(true);
    const areas = await fetch(`${server.url}/api/areas?level=town`);
    expect(areas.status).toBe(401); // the API proper: it asks who is calling
  });
});

describe('the console of `npm start`', () => {
  it(
    'writes JSON lines when asked (LOG_FORMAT=json), readable lines with a banner on a terminal (pretty)',
    async () => {
      for (const format of ['json', 'pretty'] as const) {
        const dataDir = await copyOfTemplate();
        const server = await spawnServer(
          {
            RISKMAP_DATA_DIR: dataDir,
            RISKMAP_WEB_DIR: '/nonexistent',
            RISKMAP_SEED: '0',
            DATABASE_URL: databaseUrl,
            LOG_LEVEL: 'info',
            LOG_FORMAT: format,
          },
          { output: 'capture' },
        );
        try {
          const health = await fetch(`${server.url}/api/health`);
          expect(health.status).toBe(200);
        } finally {
          await server.stop();
          await rm(dataDir, { recursive: true, force: true });
        }
        const lines = server
          .output()
          .split('\n')
          .filter((l) => l.trim() !== '');
        const json = lines.filter((l) => l.startsWith('{'));
        if (format === 'json') {
          expect(json).toEqual(lines); // every line a JSON object
          const parsed = json.map(
            (l) => JSON.parse(l) as { msg?: string; readyMs?: number; listenMs?: number },
          );
          expect(parsed[0]!.msg).toMatch(/^riskmap listening on http:\/\/127\.0\.0\.1:\d+/);
          const ready = parsed.find((p) => p.msg?.startsWith('riskmap ready'));
          expect(ready?.listenMs).toBeLessThanOrEqual(ready!.readyMs!);
          // a request is logged (the API's), as one line each way
          expect(parsed.some((p) => p.msg === 'request completed')).toBe(true);
        } else {
          expect(json).toEqual([]);
          expect(lines[0]).toMatch(/^ {2}风险一张图 riskmap {2}http:\/\/127\.0\.0\.1:\d+$/);
          expect(lines.some((l) => /INFO: riskmap ready in [0-9.]+ s on http:/.test(l))).toBe(true);
          expect(lines.some((l) => /INFO: → GET \/api\/health/.test(l))).toBe(true);
        }
      }
    },
    HANG_LIMIT_MS,
  );
});
