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

const POOL_SIZE = 10;

/**
 * A pooled connection idle for this long may have been ended by the server meanwhile (a
 * restart, an administrator, a failover) without the client having noticed yet: it is
 * tried with an empty statement before a caller's statement goes to it. Connections in
 * steady use skip the check (HikariCP's bypass window has the same length).
 */
const IDLE_CHECK_MS = 500;

/** Runs `fn` on a connection: the pool's (one per call) or a transaction's. */
type Use = <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>;

function wrap(use: Use): Queryable {
  return {
    query<R>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<R>> {
      return use(async (c) => {
        const r = await c.query({
          text: sql,
          values: params as unknown[],
          types: typeParsers,
          ...(options?.prepare ? { name: options.prepare } : {}),
        });
        return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
      });
    },
    exec(sql: string) {
      return use(async (c) => {
        await c.query(sql);
      });
    },
    copyCsv(table, columns, file) {
      return use(async (c) => {
        const stream = c.query(copyFrom(copyStatement(table, columns, 'STDIN')));
        await pipeline(createReadStream(file), stream);
        return stream.rowCount;
      });
    },
  };
}

/** Connects a pool to a PostgreSQL/PostGIS server (production). */
export async function openPostgresDatabase(connectionString: string): Promise<Database> {
  // Connections stay open when idle: a new one costs tens of milliseconds (PostGIS loads
  // into each server process), which a burst of reports after a quiet spell should not pay.
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE, idleTimeoutMillis: 0 });
  // A connection the server ends (a restart, an administrator, a dropped database) reports an
  // error on its client, also while idle or being closed; without a listener that error would
  // end the process. The pool closes an idle one at once and a busy one when it is returned.
  let closing = false;
  // When a connection was last seen lost: the server usually ends all of them at once, so the
  // ones idle at that moment are tried before use whatever their idle time.
  let lostAt = 0;
  const onClientError = (err: Error) => {
    lostAt = Date.now();
    if (!closing) console.error(`database connection lost: ${err.message}`);
  };
  pool.on('error', onClientError);
  pool.on('connect', (client) => client.on('error', onClientError));

  const releasedAt = new WeakMap<pg.PoolClient, number>();
  /** Returns a connection to the pool; with an error the pool closes it instead. */
  function release(c: pg.PoolClient, err?: unknown): void {
    releasedAt.set(c, Date.now());
    c.release(err === undefined ? undefined : err instanceof Error ? err : true);
  }

  /**
   * A pooled connection that works. `first` (BEGIN, LISTEN) is run on it before it is
   * handed out; without it, a connection that sat idle or was idle when another was lost
   * gets an empty statement. A connection the server has ended fails there, before any
   * statement of the caller was sent, and is closed; the next one is taken (at worst, once
   * the pool's dead connections are gone, a new one).
   */
  async function connect(first?: string): Promise<pg.PoolClient> {
    for (let attempt = 0; ; attempt++) {
      const c = await pool.connect();
      const idleSince = releasedAt.get(c);
      const suspect =
        idleSince !== undefined && (idleSince <= lostAt || Date.now() - idleSince >= IDLE_CHECK_MS);
      if (first === undefined && !suspect) return c;
      try {
        await c.query(first ?? '');
        return c;
      } catch (err) {
        release(c, err);
        if (attempt >= POOL_SIZE || closing) throw err;
      }
    }
  }

  const onPool: Use = async (fn) => {
    const c = await connect();
    let failure: unknown;
    try {
      return await fn(c);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      // as pool.query does: a connection whose statement failed is not used again
      release(c, failure);
    }
  };
  const base = wrap(onPool);

  // Fail at start-up, with the server's own words, rather than on the first request; and
  // open a few connections with PostGIS loaded, ready for the first requests.
  const warm = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
  try {
    const postgis = await warm[0]!.query(`SELECT 1 FROM pg_extension WHERE extname = 'postgis'`);
    // (a fresh database gets PostGIS from the first migration)
    if (postgis.rowCount) await Promise.all(warm.map((c) => c.query('SELECT postgis_lib_version()')));
  } finally {
    warm.forEach((c) => release(c));
  }

  interface Listener {
    handler: (payload: string) => void;
    onRelisten?: () => void;
  }
  const listeners = new Map<string, Set<Listener>>();
  let listenClient: pg.PoolClient | null = null;
  let listenOpening: Promise<pg.PoolClient> | null = null;
  let relistenTimer: NodeJS.Timeout | null = null;
  const listenSql = (channel: string) => `LISTEN "${channel.replace(/"/g, '""')}"`;

  /** The one connection that receives notifications, listening on every channel with handlers. */
  function listenConnection(): Promise<pg.PoolClient> {
    if (listenClient) return Promise.resolve(listenClient);
    listenOpening ??= openListenConnection().finally(() => {
      listenOpening = null;
    });
    return listenOpening;
  }

  async function openListenConnection(): Promise<pg.PoolClient> {
    const channels = [...listeners].filter(([, set]) => set.size > 0).map(([channel]) => channel);
    const c = await connect(channels.map(listenSql).join('; '));
    if (closing) {
      release(c);
      throw new Error('the database is being closed');
    }
    c.on('notification', (msg) => {
      for (const l of listeners.get(msg.channel) ?? []) l.handler(msg.payload ?? '');
    });
    // Held for as long as the process runs, so the pool never sees this connection fail:
    // a lost one is closed (its slot freed) and another opened.
    const lost = (err?: Error) => {
      if (listenClient !== c) return;
      listenClient = null;
      lostAt = Date.now();
      release(c, err ?? true);
      if (!closing) relisten(0);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    listenClient = c;
    return c;
  }

  /**
   * Listens again after the connection was lost: at once, then after 100 ms doubling up to
   * 1 s, until it works. Notifications sent meanwhile are gone: then each listener is told
   * to look up what it missed.
   */
  function relisten(attempt: number): void {
    if (relistenTimer || closing) return;
    const delay = attempt === 0 ? 0 : Math.min(100 * 2 ** (attempt - 1), 1000);
    relistenTimer = setTimeout(() => {
      relistenTimer = null;
      listenConnection().then(
        () => {
          for (const set of listeners.values()) for (const l of set) l.onRelisten?.();
        },
        () => relisten(attempt + 1),
      );
    }, delay);
  }

  return {
    backend: 'postgres',
    ...base,
    async transaction(fn) {
      // BEGIN also proves the connection alive: on one the server has ended it fails before
      // anything of the transaction was sent, and another connection is taken
      const c = await connect('BEGIN');
      let broken: unknown;
      try {
        const result = await fn(wrap((f) => f(c)));
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch((e: unknown) => {
          broken = e;
        });
        throw err;
      } finally {
        release(c, broken);
      }
    },
    async listen(channel, handler, onRelisten) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      const listener: Listener = { handler, onRelisten };
      set.add(listener);
      try {
        const c = await listenConnection();
        // (a second LISTEN on a channel, when the connection was just opened with it, does nothing)
        await c.query(listenSql(channel));
      } catch (err) {
        set.delete(listener);
        throw err;
      }
      return async () => {
        set.delete(listener);
      };
    },
    async notify(channel, payload) {
      await base.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closing = true;
      if (relistenTimer) clearTimeout(relistenTimer);
      const c = listenClient;
      listenClient = null;
      if (c) release(c);
      await pool.end();
    },
  };
}
