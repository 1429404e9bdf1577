import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../api/app.ts';
import type { Database } from '../../api/db/database.ts';
import { openDatabase } from '../../api/db/open-database.ts';
import type { LiveMessage } from '../../api/lib/live-hub.ts';
import { signIn, TEST_ADMIN_PASSWORD, type Client } from './template.ts';

type EventMessage = Extract<LiveMessage, { type: 'event' }>;

const databaseUrl = process.env.DATABASE_URL ?? '';
// The app's connections carry this name, so only they are cut: other test files use the
// same database at the same time.
const applicationName = `riskmap-live-reconnect-${process.pid}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(test: () => boolean | Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * What only a server can do to the API: end its connections (a restart, an administrator,
 * a failover). The stream must go on by itself for the clients already connected.
 */
describe.skipIf(!databaseUrl)('live stream when PostgreSQL ends the connections (needs DATABASE_URL)', () => {
  let db: Database;
  let app: FastifyInstance;
  let admin: Client;
  let server: pg.Client;
  let base: string;
  let at: { lon: number; lat: number };
  let n = 0;
  const key = () => `live-reconnect-${process.pid}-${Date.now()}-${++n}`;

  beforeAll(async () => {
    const url = new URL(databaseUrl);
    url.searchParams.set('application_name', applicationName);
    db = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
    app = await build({ db, config: { seed: false, webDir: '/nonexistent' }, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/api/live`;
    // city-wide: every event is in scope, so the stream must have no gap at all
    admin = await signIn(app, 'admin', TEST_ADMIN_PASSWORD);
    server = new pg.Client({ connectionString: databaseUrl });
    await server.connect();
    at = (
      await server.query<{ lon: number; lat: number }>(
        `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
         WHERE level = 'grid' AND synthetic AND valid_to IS NULL ORDER BY code LIMIT 1`,
      )
    ).rows[0]!;
  });
  afterAll(async () => {
    await server?.end();
    await app?.close();
    await db?.close();
  });

  /** Ends every connection of the app; returns how many there were. */
  /**
   * Ends the app's connections and waits until their server processes have exited:
   * pg_terminate_backend only signals them, and a statement sent in between would meet a
   * connection still alive that dies under it — a request in flight at the moment of a
   * restart, which no client can be spared.
   */
  const cut = async () => {
    const ended = await server.query<{ pid: number }>(
      // OFFSET 0 keeps the choice of connections apart, so this one is never terminated
      `SELECT pid FROM (SELECT pid FROM pg_stat_activity
                        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1
                        OFFSET 0) app
       WHERE pg_terminate_backend(pid)`,
      [applicationName],
    );
    const pids = ended.rows.map((r) => r.pid);
    await until(
      async () =>
        (
          await server.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY ($1::int[])',
            [pids],
          )
        ).rows[0]!.n === 0,
      'the ended connections to exit',
      5000,
    );
    return pids.length;
  };

  /** The server process of the app's LISTEN connection (null when there is none). */
  const listener = async () =>
    (
      await server.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
        [applicationName],
      )
    ).rows[0]?.pid ?? null;

  const report = () =>
    admin.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: { clientKey: key(), category: '0501', channel: 'desk', description: '断线重连测试', ...at },
    });

  const messages: LiveMessage[] = [];
  let ws: WebSocket;
  const events = () => messages.filter((m): m is EventMessage => m.type === 'event');
  /** The last position the client has seen. */
  const position = () =>
    Math.max(0, ...messages.map((m) => (m.type === 'event' || m.type === 'hello' ? m.seq : 0)));

  /** The client got exactly what the log holds after `last` up to `upTo`, in order, none twice. */
  async function expectNoGap(last: number, upTo: number) {
    const got = events()
      .map((e) => e.seq)
      .filter((s) => s > last);
    expect(new Set(got).size).toBe(got.length);
    const log = await server.query<{ seq: string }>(
      'SELECT seq FROM live_events WHERE seq > $1 AND seq <= $2 ORDER BY seq',
      [last, upTo],
    );
    expect(got.filter((s) => s <= upTo)).toEqual(log.rows.map((r) => Number(r.seq)));
  }

  /** Waits until the app listens on a connection other than `old`, at most until `deadline`. */
  const listensAgain = (old: number | null, deadline: number) =>
    until(
      async () => ![null, old].includes(await listener()),
      'a new LISTEN connection',
      deadline - Date.now(),
    );

  beforeAll(async () => {
    ws = new WebSocket(base, { headers: { cookie: admin.cookie } });
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await until(() => messages.some((m) => m.type === 'hello'), 'hello', 5000);
    // the stream works before any cut
    const res = await report();
    expect(res.statusCode).toBe(201);
    await until(
      () => events().some((e) => e.kind === 'incident' && e.id === String(res.json().id)),
      'the event before the cut',
      5000,
    );
  });
  afterAll(() => ws?.close());

  it('answers a read and a report right after the cut, and sends the report to the open stream', async () => {
    const last = position();
    // connections that sat idle in the pool, as between two requests on a quiet server
    await sleep(1000);
    const old = await listener();
    expect(old).not.toBeNull();
    const cutAt = Date.now();
    // the LISTEN connection and the pooled ones
    expect(await cut()).toBeGreaterThanOrEqual(2);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const res = await report();
    const committedAt = Date.now();
    expect(res.statusCode, res.body).toBe(201);
    const id = String(res.json().id);
    await listensAgain(old, cutAt + 1000);
    await until(
      () => events().some((e) => e.kind === 'incident' && e.id === id),
      'the event of the report',
      committedAt + 2000 - Date.now(),
    );
    await expectNoGap(last, events().find((e) => e.kind === 'incident' && e.id === id)!.seq);
  });

  it('sends what was committed while it was not listening', async () => {
    const last = position();
    const old = await listener();
    const team = (await server.query<{ id: string }>('SELECT min(id) id FROM teams WHERE synthetic')).rows[0]!
      .id;
    const cutAt = Date.now();
    // one round trip: the change commits while the app is still learning of the cut, so its
    // notification reaches no listener and only the look-up after listening again sends it
    await server.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = '${applicationName}';
       UPDATE teams SET position_at = position_at WHERE id = ${Number(team)}`,
    );
    await listensAgain(old, cutAt + 1000);
    await until(
      () => events().some((e) => e.kind === 'team' && e.id === team && e.seq > last),
      'the event of the change',
      2000 - (Date.now() - cutAt),
    );
    await expectNoGap(last, events().find((e) => e.kind === 'team' && e.id === team && e.seq > last)!.seq);
  });
});
