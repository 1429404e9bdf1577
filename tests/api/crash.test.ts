import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { openDatabase } from '../../api/db/open-database.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';
import { TEMPLATE_DIR } from './template.ts';

/**
 * A server process killed (SIGKILL) after an intake is committed and before it is
 * answered: the report must be there after a restart, and the client's retry with the
 * same key must get that report back, not a second one. Runs the real server (the
 * embedded engine over a copy of the test template, or DATABASE_URL).
 */
const databaseUrl = process.env.DATABASE_URL || '';

/** Resolves once the server answers as ready (see spawnServer: a state, not a clock). */
function startServer(dataDir: string, failpoints: string): Promise<ServerProcess> {
  return spawnServer({
    RISKMAP_DATA_DIR: dataDir,
    RISKMAP_WEB_DIR: '/nonexistent',
    RISKMAP_SEED: '0',
    RISKMAP_FAILPOINTS: failpoints,
    DATABASE_URL: databaseUrl,
  });
}

/**
 * Two server starts and two opens of the embedded engine: a minute on a busy machine, more
 * when it is very busy. Every wait inside is for a state (healthy, exited); this limit only
 * ends a run that hangs.
 */
const HANG_LIMIT_MS = 20 * 60_000;

async function signIn(url: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher-cp', password: DEFAULT_DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('riskmap_session='))!
    .split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
}

describe('a server killed between commit and answer', () => {
  let dataDir = '';
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-crash-'));
    if (!databaseUrl) await cp(TEMPLATE_DIR, dataDir, { recursive: true });
  });
  afterAll(async () => {
    for (const s of servers)
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'keeps the report, and the retry with the same key gets it back without a second one',
    async () => {
      // a point in a grid of 常平镇, the dispatcher's town (read before the server holds the data dir)
      const probe = await openDatabase({ databaseUrl: databaseUrl || undefined, dataDir });
      const point = (
        await probe.query<{ lon: number; lat: number }>(
          `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
         WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE '441900110%' AND valid_to IS NULL ORDER BY code LIMIT 1`,
        )
      ).rows[0]!;
      await probe.close();

      const first = await startServer(dataDir, 'incident-intake-committed');
      servers.push(first);
      const clientKey = `crash-${process.pid}-${Date.now()}`;
      const body = JSON.stringify({
        clientKey,
        category: '0501',
        channel: 'desk',
        description: '断电前受理的上报',
        ...point,
      });
      // the process dies before it answers: the client sees the connection drop
      const headers = await signIn(first.url);
      await expect(fetch(`${first.url}/api/incidents`, { method: 'POST', headers, body })).rejects.toThrow();
      expect(await first.exited).toBe('SIGKILL');

      // the client retries against the restarted server
      const second = await startServer(dataDir, '');
      servers.push(second);
      const retry = await fetch(`${second.url}/api/incidents`, {
        method: 'POST',
        headers: await signIn(second.url),
        body,
      });
      expect(retry.status).toBe(200);
      const answer = (await retry.json()) as { id: number; created: boolean };
      expect(answer).toMatchObject({ created: false, description: '断电前受理的上报' });
      await second.stop();

      const check = await openDatabase({ databaseUrl: databaseUrl || undefined, dataDir });
      try {
        const rows = await check.query<{ id: number; events: number }>(
          `SELECT i.id, (SELECT count(*)::int FROM incident_events e WHERE e.incident_id = i.id) AS events
         FROM incidents i WHERE client_key = $1`,
          [clientKey],
        );
        expect(rows.rows).toEqual([{ id: answer.id, events: 1 }]);
      } finally {
        await check.close();
      }
    },
    HANG_LIMIT_MS,
  );
});
