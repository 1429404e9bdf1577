import { openAsBlob } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { postgis } from '@electric-sql/pglite-postgis';
import { copyStatement, type Database, type Queryable, type QueryResult } from './database.ts';
import { postgisBundle } from './postgis-bundle.ts';

// int8 and numeric come back as JS numbers on both backends: ids and counts here
// stay far below 2^53, and one row shape for both engines keeps repositories simple.
const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const r = await q.query<R>(sql, params as unknown[]);
      // PGlite reports affectedRows = 0 for a SELECT; count the rows then, as pg does.
      return { rows: r.rows, rowCount: Math.max(r.rows.length, r.affectedRows ?? 0) };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
    async copyCsv(table, columns, file) {
      const blob = await openAsBlob(file);
      const r = await q.query(copyStatement(table, columns, `'/dev/blob'`), [], { blob });
      return r.affectedRows ?? 0;
    },
  };
}

/** PostGIS as published, but unpacked from the cut-down bundle (see postgis-bundle.ts). */
function postgisFrom(bundle: URL): typeof postgis {
  return {
    name: postgis.name,
    setup: async (pg, emscriptenOpts) => ({
      ...(await postgis.setup(pg, emscriptenOpts)),
      bundlePath: bundle,
    }),
  };
}

/**
 * Opens (creating if needed) the embedded PGlite + PostGIS database in `dataDir`.
 * PGlite has a single connection: queries and transactions are serialised by it.
 * Closing it ends its Postgres normally, which writes a shutdown checkpoint: the next
 * open replays no WAL.
 */
export async function openEmbeddedDatabase(dataDir: string): Promise<Database> {
  const [bundle] = await Promise.all([postgisBundle(), mkdir(dataDir, { recursive: true })]);
  const pg = await PGlite.create({
    dataDir,
    extensions: { postgis: postgisFrom(bundle), btree_gist, pg_trgm },
    parsers,
  });
  const base = wrap(pg);
  return {
    backend: 'embedded',
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async listen(channel, handler) {
      const unsub = await pg.listen(channel, handler);
      return async () => unsub();
    },
    async notify(channel, payload) {
      await pg.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    close: () => pg.close(),
  };
}
