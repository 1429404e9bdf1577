import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { loadDataset, SAMPLE_DIR } from '../db/dataset-loader.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
  }
}

export interface DatabasePluginOptions {
  config: Config;
  /** An already open database (tests); the app then leaves closing it to the caller. */
  db?: Database;
}

/**
 * Opens the configured backend, applies pending migrations and, on a database that
 * has no dataset yet, loads the sample city. A failing migration stops start-up.
 */
export const databasePlugin = fp<DatabasePluginOptions>(
  async (app, { config, db: given }) => {
    const db = given ?? (await openDatabase(config));
    app.decorate('db', db);
    if (!given) app.addHook('onClose', () => db.close());
    const applied = await migrate(db);
    if (applied.length > 0) app.log.info({ applied }, 'migrations applied');
    if (config.seed) {
      const counts = await loadDataset(db, SAMPLE_DIR);
      if (counts) {
        await db.exec('ANALYZE');
        app.log.info({ counts }, 'sample city loaded');
      }
    }
  },
  { name: 'database' },
);
