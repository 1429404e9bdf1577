import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../api/lib/live-hub.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

type EventMessage = Extract<LiveMessage, { type: 'event' }>;

/** A live client: collects messages; `until` waits for a condition over them. */
function connect(url: string, cookie: string) {
  const messages: LiveMessage[] = [];
  const ws = new WebSocket(url, { headers: { cookie } });
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    messages,
    events: () => messages.filter((m): m is EventMessage => m.type === 'event'),
    opened,
    async until(test: () => boolean, what: string, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

let seq = 0;
const key = () => `live-${process.pid}-${Date.now()}-${++seq}`;

describe('live stream', () => {
  let t: TestApp;
  let base: string;
  let commander: Client;
  let humen: { lon: number; lat: number };
  let changping: { lon: number; lat: number };
  beforeAll(async () => {
    t = await openTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address() as { port: number };
    base = `ws://127.0.0.1:${addr.port}/api/live`;
    commander = await t.as('commander');
    const point = async (town: string) =>
      (
        await t.db.query<{ lon: number; lat: number }>(
          `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas
           WHERE level = 'grid' AND synthetic AND valid_to IS NULL AND code LIKE $1 AND valid_to IS NULL ORDER BY code LIMIT 1`,
          [`${town}%`],
        )
      ).rows[0]!;
    humen = await point('441900121');
    changping = await point('441900110');
  });
  afterAll(() => t.close());

  const report = (at: { lon: number; lat: number }) =>
    commander
      .inject({
        method: 'POST',
        url: '/api/incidents',
        payload: { clientKey: key(), category: '0501', channel: 'desk', description: '直播测试', ...at },
      })
      .then((r) => r.json().id as number);

  it('sends each change as it commits, then resumes after a disconnect with exactly the missed events', async () => {
    const c1 = connect(base, commander.cookie);
    await c1.opened;
    await c1.until(() => c1.messages.some((m) => m.type === 'hello'), 'hello');
    const first = await report(changping);
    await c1.until(
      () => c1.events().some((e) => e.kind === 'incident' && e.id === String(first)),
      'the first report',
    );
    const last = c1.events().at(-1)!.seq;
    await c1.close();

    // while away: two reports and a transition
    const a = await report(changping);
    const b = await report(humen);
    await commander.inject({
      method: 'POST',
      url: `/api/incidents/${a}/transitions`,
      payload: { action: 'accept' },
    });
    const c2 = connect(`${base}?since=${last}`, commander.cookie);
    await c2.opened;
    await c2.until(
      () =>
        c2.events().filter((e) => e.kind === 'incident' && [String(a), String(b)].includes(e.id)).length >= 3,
      'the missed events',
    );
    await t.app.live.settle();
    await new Promise((r) => setTimeout(r, 100));
    const got = c2.events().map((e) => e.seq);
    // exactly what the log holds after `last`, in order, none twice
    const log = await t.db.query<{ seq: number }>('SELECT seq FROM live_events WHERE seq > $1 ORDER BY seq', [
      last,
    ]);
    expect(got).toEqual(log.rows.map((r) => r.seq).filter((s) => s <= got.at(-1)!));
    expect(new Set(got).size).toBe(got.length);
    const mine = c2.events().filter((e) => e.kind === 'incident' && [String(a), String(b)].includes(e.id));
    expect(mine.map((e) => [e.id, e.op, e.data.status])).toEqual([
      [String(a), 'insert', 'reported'],
      [String(b), 'insert', 'reported'],
      [String(a), 'update', 'accepted'],
    ]);
    await c2.close();
  });

  it('never sends an event outside the client’s area', async () => {
    const cp = await t.as('changping');
    const client = connect(base, cp.cookie);
    await client.opened;
    await client.until(() => client.messages.some((m) => m.type === 'hello'), 'hello');
    const outside = await report(humen);
    const inside = await report(changping);
    await client.until(
      () => client.events().some((e) => e.id === String(inside) && e.kind === 'incident'),
      'inside',
    );
    await t.app.live.settle();
    expect(client.events().some((e) => e.kind === 'incident' && e.id === String(outside))).toBe(false);
    for (const e of client.events()) expect(String(e.data.townCode ?? '441900110')).toMatch(/^441900110/);
    await client.close();
  });

  it('tells a client too far behind to reload, and refuses one without a session', async () => {
    const client = connect(`${base}?since=0`, commander.cookie);
    await client.opened;
    await report(changping);
    await client.until(
      () => client.messages.some((m) => m.type === 'snapshot' || m.type === 'event'),
      'an answer',
    );
    const log = await t.db.query<{ n: number; min: number | null }>(
      'SELECT count(*)::int n, min(seq) min FROM live_events',
    );
    // the replay limit is 10,000 events; a fresh test database holds fewer, so since=0 replays them all
    if (log.rows[0]!.n > 10_000) expect(client.messages.some((m) => m.type === 'snapshot')).toBe(true);
    else expect(client.events()[0]!.seq).toBe(log.rows[0]!.min);
    await client.close();
    const anonymous = new WebSocket(base);
    anonymous.on('error', () => undefined);
    const status = await new Promise<number>((resolve) =>
      anonymous.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    anonymous.terminate();
    expect(status).toBe(401);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('live stream across API processes', () => {
  let t: TestApp;
  let other: ServerProcess;
  beforeAll(async () => {
    t = await openTestApp();
    other = await spawnServer({
      DATABASE_URL: process.env.DATABASE_URL!,
      RISKMAP_WEB_DIR: '/nonexistent',
      RISKMAP_SEED: '0',
    });
  }, 120_000);
  afterAll(async () => {
    await other?.stop();
    await t?.close();
  });

  it('delivers a change written through one process to a client of another', async () => {
    const res = await fetch(`${other.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'commander', password: 'riskmap-demo-2026' }),
    });
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('riskmap_session='))!
      .split(';')[0]!;
    const client = connect(`${other.url.replace('http', 'ws')}/api/live`, cookie);
    await client.opened;
    await client.until(() => client.messages.some((m) => m.type === 'hello'), 'hello');
    const p = (
      await t.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(label_point) lon, ST_Y(label_point) lat FROM areas WHERE level = 'grid' AND synthetic AND valid_to IS NULL ORDER BY code LIMIT 1`,
      )
    ).rows[0]!;
    const commander = await t.as('commander');
    const id = (
      await commander.inject({
        method: 'POST',
        url: '/api/incidents',
        payload: { clientKey: key(), category: '0501', channel: 'desk', description: '跨进程', ...p },
      })
    ).json().id as number;
    await client.until(
      () => client.events().some((e) => e.kind === 'incident' && e.id === String(id)),
      'the event',
    );
    await client.close();
  });
});
