import { loadConfig } from '../config.ts';
import { migrate, migrationLevel } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';

// `npm run db:migrate`: apply pending migrations to the configured database.
const db = await openDatabase(loadConfig());
try {
  const applied = await migrate(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply');
  console.log(`migration level: ${await migrationLevel(db)}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
