import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { build } from '../../api/app.ts';
import type { Database } from '../../api/db/database.ts';
import { GEODATA_DIR } from '../../api/db/dataset-loader.ts';
import { MIGRATIONS_DIR } from '../../api/db/migrate.ts';
import { openDatabase } from '../../api/db/open-database.ts';

/** Hash of everything the seeded template is made from, so a stale template is never reused. */
function inputsHash(): string {
  const h = createHash('sha256');
  for (const dir of [MIGRATIONS_DIR, path.join(GEODATA_DIR, 'sample'), path.join(GEODATA_DIR, 'reference')]) {
    for (const f of readdirSync(dir).sort()) {
      const full = path.join(dir, f);
      if (statSync(full).isFile()) h.update(f).update(readFileSync(full));
    }
  }
  return h.digest('hex').slice(0, 16);
}

/** The seeded embedded database that test files copy (built by global-setup when missing). */
export const TEMPLATE_DIR = path.join(os.tmpdir(), `riskmap-test-template-${inputsHash()}`);

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  close(): Promise<void>;
}

/**
 * A fresh app for one test file: on the embedded engine over a private copy of the
 * seeded template (so files never see each other's writes); on PostgreSQL over
 * DATABASE_URL. The web app is not served.
 */
export async function openTestApp(): Promise<TestApp> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  let dataDir = TEMPLATE_DIR;
  if (!databaseUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-test-'));
    await cp(TEMPLATE_DIR, dataDir, { recursive: true });
  }
  const db = await openDatabase({ databaseUrl, dataDir });
  const app = await build({ db, config: { seed: false, webDir: '/nonexistent' }, logger: false });
  await app.ready();
  return {
    app,
    db,
    async close() {
      await app.close();
      await db.close();
      if (!databaseUrl) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
