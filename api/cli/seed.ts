import path from 'node:path';
import { loadConfig } from '../config.ts';
import { loadDataset, SAMPLE_DIR } from '../db/dataset-loader.ts';
import { migrate } from '../db/migrate.ts';
import { ensureAccounts } from '../auth/bootstrap.ts';
import { openDatabase } from '../db/open-database.ts';

// `npm run db:seed [-- DIR]`: load a generated dataset (default: the committed sample city).
const dir = path.resolve(process.argv[2] ?? SAMPLE_DIR);
const db = await openDatabase(loadConfig());
try {
  await migrate(db);
  const started = Date.now();
  const counts = await loadDataset(db, dir, path.basename(dir));
  if (counts) {
    await db.exec('ANALYZE');
    console.log(`loaded ${dir} in ${Date.now() - started} ms:`, counts);
    const cfg = loadConfig();
    const r = await ensureAccounts(db, {
      adminPassword: cfg.adminPassword,
      demoPassword: cfg.demoPassword,
      demo: path.basename(dir) === 'sample',
    });
    if (r.generatedAdminPassword)
      console.log(`created user 'admin' with password ${r.generatedAdminPassword}`);
  } else {
    console.log('a dataset is already loaded; nothing done');
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
