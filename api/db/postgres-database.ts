import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  copyStatement,
  type Database,
  type Queryable,
  type QueryOptions,
  type QueryResult,
} from './database.ts';

// Same row shapes as the embedded engine: int8 and numeric as JS numbers.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(
      sql: string,
      params: readonly unknown[] = [],
      options?: QueryOptions,
    ): Promise<QueryResult<R>> {
      const r = await client.query({
        text: sql,
        values: params as unknown[],
        types: typeParsers,
        ...(options?.prepare ? { name: options.prepare } : {}),
      });
      return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async copyCsv(table, columns, file) {
      const c = 'release' in client ? client : await client.connect();
      try {
        const stream = c.query(copyFrom(copyStatement(table, columns, 'STDIN')));
        await pipeline(createReadStream(file), stream);
        return stream.rowCount;
      } finally {
        if (c !== client) (c as pg.PoolClient).release();
      }
    },
  };
}

/** Connects a pool to a PostgreSQL/PostGIS server (production). */
export async function openPostgresDatabase(connectionString: string): Promise<Database> {
  // Connections stay open when idle: a new one costs tens of milliseconds (PostGIS loads
  // into each server process), which a burst of reports after a quiet spell should not pay.
  const pool = new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: 0 });
  // A connection the server ends (a restart, an administrator, a dropped database) reports an
  // error on its client, also while idle or being closed; without a listener that error would
  // end the process. The pool replaces the connection on the next query.
  let closing = false;
  const onClientError = (err: Error) => {
    if (!closing) console.error(`database connection lost: ${err.message}`);
  };
  pool.on('error', onClientError);
  pool.on('connect', (client) => client.on('error', onClientError));
  // Fail at start-up, with the server's own words, rather than on the first request; and
  // open a few connections with PostGIS loaded, ready for the first requests.
  const warm = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
  try {
    const postgis = await warm[0]!.query(`SELECT 1 FROM pg_extension WHERE extname = 'postgis'`);
    // (a fresh database gets PostGIS from the first migration)
    if (postgis.rowCount) await Promise.all(warm.map((c) => c.query('SELECT postgis_lib_version()')));
  } finally {
    warm.forEach((c) => c.release());
  }
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: pg.PoolClient | null = null;

  async function listenConnection(): Promise<pg.PoolClient> {
    if (listenClient) return listenClient;
    const c = await pool.connect();
    c.on('notification', (msg) => {
      for (const h of listeners.get(msg.channel) ?? []) h(msg.payload ?? '');
    });
    listenClient = c;
    return c;
  }

  return {
    backend: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await fn(wrap(c));
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    async listen(channel, handler) {
      const c = await listenConnection();
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closing = true;
      listenClient?.release();
      listenClient = null;
      await pool.end();
    },
  };
}
