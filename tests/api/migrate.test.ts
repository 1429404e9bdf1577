import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../api/db/database.ts';
import { MigrationError, listMigrations, migrate, migrationLevel } from '../../api/db/migrate.ts';
import { openScratchDatabase } from './scratch-database.ts';

describe('migrations', () => {
  let scratch: { db: Database; drop(): Promise<void> };
  let dir: string;
  beforeAll(async () => {
    scratch = await openScratchDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-migrations-'));
  });
  afterAll(async () => {
    await scratch.db.close();
    await scratch.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies files in order, records them, and stops at a failing one leaving it unapplied', async () => {
    await writeFile(path.join(dir, '0001_first.sql'), 'CREATE TABLE first_t (id int PRIMARY KEY);');
    await writeFile(
      path.join(dir, '0002_broken.sql'),
      'CREATE TABLE second_t (id int);\nINSERT INTO first_t VALUES (1);\nSELECT no_such_function();',
    );
    await writeFile(path.join(dir, '0003_later.sql'), 'CREATE TABLE third_t (id int);');
    const { db } = scratch;
    const err = await migrate(db, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).message).toContain('0002_broken.sql');
    expect((err as MigrationError).message).toContain('no_such_function');
    // 0001 stays applied; nothing of 0002 remains; 0003 was never tried.
    expect(await migrationLevel(db)).toBe('0001_first.sql');
    const tables = await db.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_name IN ('first_t', 'second_t', 'third_t')`,
    );
    expect(tables.rows.map((r) => r.t)).toEqual(['first_t']);
    expect((await db.query('SELECT * FROM first_t')).rowCount).toBe(0);

    // Fixed, the next run carries on from where it stopped.
    await writeFile(path.join(dir, '0002_broken.sql'), 'CREATE TABLE second_t (id int);');
    expect(await migrate(db, dir)).toEqual(['0002_broken.sql', '0003_later.sql']);
    expect(await migrate(db, dir)).toEqual([]);
  });

  it('ships numbered migrations only', async () => {
    const files = await listMigrations();
    expect(files.length).toBeGreaterThan(0);
    expect(files[0]).toBe('0001_schema.sql');
  });
});
