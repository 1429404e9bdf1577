import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from './database.ts';

/** Where the numbered plain-SQL migrations live. */
export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../migrations');

/** A migration that failed; names the file and carries the database's message. */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

/** Migration files in order: `NNNN_name.sql`. */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await readdir(dir);
  return files.filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, each in its own
 * transaction together with its record, so a failure leaves the database as it was
 * before that file. Returns the names applied now.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const done = new Set(
    (await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
  );
  const applied: string[] = [];
  for (const file of await listMigrations(dir)) {
    if (done.has(file)) continue;
    const sql = await readFile(path.join(dir, file), 'utf8');
    try {
      await db.transaction(async (tx) => {
        await tx.exec(sql);
        await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      });
    } catch (err) {
      throw new MigrationError(file, err);
    }
    applied.push(file);
  }
  return applied;
}

/** The last applied migration, or null on an empty database. */
export async function migrationLevel(db: Database): Promise<string | null> {
  const r = await db.query<{ name: string }>('SELECT max(name) AS name FROM schema_migrations');
  return r.rows[0]?.name ?? null;
}
