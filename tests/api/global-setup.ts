import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../api/db/open-database.ts';
import { loadDataset, SAMPLE_DIR } from '../../api/db/dataset-loader.ts';
import { migrate } from '../../api/db/migrate.ts';
import { TEMPLATE_DIR } from './template.ts';

/**
 * Prepares the database every API test file starts from: on PostgreSQL
 * (DATABASE_URL) the suite's database is migrated and seeded once; on the embedded
 * engine a template data dir is built (once per content of migrations and sample
 * data: its name carries their hash) and each test file works on its own copy.
 */
export default async function setup(project: TestProject): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const ready = path.join(TEMPLATE_DIR, 'riskmap-template-ready');
  if (!databaseUrl && existsSync(ready)) return;
  if (!databaseUrl) await rm(TEMPLATE_DIR, { recursive: true, force: true });
  const db = await openDatabase({ databaseUrl, dataDir: TEMPLATE_DIR });
  try {
    await migrate(db);
    if (await loadDataset(db, SAMPLE_DIR)) await db.exec('ANALYZE');
  } finally {
    await db.close();
  }
  if (!databaseUrl) await writeFile(ready, new Date().toISOString());
  project.provide('templateDir', TEMPLATE_DIR);
}
