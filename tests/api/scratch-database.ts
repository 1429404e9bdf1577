import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Database } from '../../api/db/database.ts';
import { openDatabase } from '../../api/db/open-database.ts';

/**
 * An empty database of the backend under test, for tests that need a blank slate
 * (migrations): a new data dir on the embedded engine, a new database on the server.
 */
export async function openScratchDatabase(): Promise<{ db: Database; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-scratch-'));
    const db = await openDatabase({ dataDir: dir });
    return { db, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const name = `riskmap_scratch_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: u.toString(), dataDir: '' });
  return {
    db,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
