import { loadConfig } from './config.ts';
import { openDatabase } from './db/open-database.ts';

/**
 * Starts the platform: opens the database while the application's modules load (the
 * two take about as long as each other on a restart), builds the app and listens.
 * Stops cleanly on SIGINT/SIGTERM.
 */
export async function startServer(): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  const [db, { build }] = await Promise.all([openDatabase(config), import('./app.ts')]);
  const app = await build({ config, db });
  app.addHook('onClose', () => db.close());
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `riskmap ready in ${Date.now() - started} ms on http://localhost:${config.port} (${db.backend} database)`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
