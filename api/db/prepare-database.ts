import { ensureAccounts } from '../auth/bootstrap.ts';
import type { Database } from './database.ts';
import { loadDataset, SAMPLE_DIR } from './dataset-loader.ts';
import { migrate } from './migrate.ts';

export interface PrepareOptions {
  /** Load the sample city into an empty database. */
  seed: boolean;
  adminPassword?: string;
  demoPassword?: string;
  log: (msg: string, data?: object) => void;
}

/**
 * Everything a database needs before the API serves it, in order: migrations, the
 * sample city (first start), and the first accounts (admin; demo users with the sample).
 */
export async function prepareDatabase(db: Database, o: PrepareOptions): Promise<void> {
  const applied = await migrate(db);
  if (applied.length > 0) o.log('migrations applied', { applied });
  if (o.seed) {
    const counts = await loadDataset(db, SAMPLE_DIR);
    if (counts) {
      await db.exec('ANALYZE');
      o.log('sample city loaded', { counts });
    }
  }
  const demo = (await db.query(`SELECT 1 FROM dataset_loads WHERE name = 'sample'`)).rowCount > 0;
  if (demo) {
    // The sample city's teams are synthetic and have no trackers: their sample positions
    // count as fixes taken now, so that dispatch (which ignores stale fixes) works in the
    // demo. Teams with real fixes (synthetic = false) are never touched.
    const r = await db.transaction(async (tx) => {
      // start-up housekeeping, not news for the live stream
      await tx.query(`SET LOCAL riskmap.bulk_load = 'on'`);
      return tx.query(
        `UPDATE teams SET position_at = now() WHERE synthetic AND geom IS NOT NULL AND position_at < now() - interval '1 minute'`,
      );
    });
    if (r.rowCount > 0) o.log('sample teams: positions marked fresh', { teams: r.rowCount });
  }
  const r = await ensureAccounts(db, { adminPassword: o.adminPassword, demoPassword: o.demoPassword, demo });
  if (r.generatedAdminPassword) {
    // Printed this once only: it is not stored anywhere in clear.
    console.log(`\n  riskmap: created user 'admin' with password ${r.generatedAdminPassword}\n`);
  } else if (r.created) {
    o.log('created user admin with the password from RISKMAP_ADMIN_PASSWORD');
  }
}
