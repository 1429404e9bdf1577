import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase } from '../../api/db/open-database.ts';
import { prepareDatabase } from '../../api/db/prepare-database.ts';
import { TEST_ADMIN_PASSWORD, TEMPLATE_DIR } from './template.ts';

/**
 * Prepares the database every API test file starts from: on PostgreSQL
 * (DATABASE_URL) the suite's database is migrated and seeded once; on the embedded
 * engine a template data dir is built (once per content of migrations and sample
 * data: its name carries their hash) and each test file works on its own copy.
 */
export default async function setup(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const ready = path.join(TEMPLATE_DIR, 'riskmap-template-ready');
  if (!databaseUrl && existsSync(ready)) return;
  // Built aside and renamed into place, so that two test runs starting together never
  // write one data dir at once (the loser's copy is thrown away).
  const dir = databaseUrl ? undefined : `${TEMPLATE_DIR}.building-${process.pid}`;
  if (dir) await rm(dir, { recursive: true, force: true });
  const db = await openDatabase({ databaseUrl, dataDir: dir ?? TEMPLATE_DIR });
  try {
    await prepareDatabase(db, { seed: true, adminPassword: TEST_ADMIN_PASSWORD, log: () => undefined });
  } finally {
    await db.close();
  }
  if (!dir) return;
  await writeFile(path.join(dir, 'riskmap-template-ready'), new Date().toISOString());
  if (existsSync(ready)) return void (await rm(dir, { recursive: true, force: true }));
  await rm(TEMPLATE_DIR, { recursive: true, force: true });
  try {
    await rename(dir, TEMPLATE_DIR);
  } catch {
    await rm(dir, { recursive: true, force: true }); // another run put its template there first
  }
}
