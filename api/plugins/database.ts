import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/open-database.ts';
import { prepareDatabase } from '../db/prepare-database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    /** The configuration the app was built with. */
    config: Config;
  }
}

export interface DatabasePluginOptions {
  config: Config;
  /** An already open database (tests); the app then leaves closing it to the caller. */
  db?: Database;
  /** `db` has been through prepareDatabase already (`npm start` does it before building). */
  prepared?: boolean;
}

/**
 * Opens the configured backend and prepares it (migrations, sample city, first
 * accounts). A failing migration stops start-up.
 */
export const databasePlugin = fp<DatabasePluginOptions>(
  async (app, { config, db: given, prepared }) => {
    const db = given ?? (await openDatabase(config));
    app.decorate('db', db);
    app.decorate('config', config);
    if (!given) app.addHook('onClose', () => db.close());
    if (given && prepared) return;
    await prepareDatabase(db, {
      seed: config.seed,
      adminPassword: config.adminPassword,
      demoPassword: config.demoPassword,
      log: (msg, data) => app.log.info(data ?? {}, msg),
    });
  },
  { name: 'database' },
);
