import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import {
  allRejections,
  expireUploads,
  failInterruptedImports,
  getImportRow,
  runImport,
  storedFileStates,
} from '../db/import-repository.ts';
import type { ReadLimits } from '../lib/import-readers/index.ts';
import { ImportRunner, type ImportStore } from '../lib/import-runner.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The imports running in this process, and the folder of their files (`dir`). */
    imports: ImportRunner;
  }
}

/** What the import readers may expand a file to: the limit holds for one archive entry as for the whole import. */
export function importReadLimits(config: Config): Partial<ReadLimits> {
  return { maxExpandedBytes: config.importMaxExpandedBytes, maxEntryBytes: config.importMaxExpandedBytes };
}

/** The imports of a database, as the runner reads and writes them. */
function importStore(db: Database): ImportStore {
  return {
    async run(scope, id, body, ctx) {
      const outcome = await runImport(db, scope, id, body, ctx);
      // the last figures stay for the import's page; no phase, it has ended
      await db.query(`UPDATE imports SET progress = $2 WHERE id = $1`, [
        id,
        JSON.stringify({ ...ctx.progress, phase: null }),
      ]);
      return outcome;
    },
    rejectedRows: async (id) => (await allRejections(db, id)).map((r) => r.row),
    formatOf: async (scope, id) => (await getImportRow(db, scope, id))?.format ?? null,
    expireUploads: (hours) => expireUploads(db, hours),
    fileStates: (storedNames, ids) => storedFileStates(db, storedNames, ids),
  };
}

/**
 * The import runner of this process (`app.imports`) and its sweeper: imports a stopped process
 * left `running` are marked failed, and the files nobody needs any more deleted, at start and
 * then every 30 s (files every 5 min), so that one process cleans up after another that died.
 * Running imports are cancelled when the app closes, before the database does.
 */
export const importRunnerPlugin = fp(
  async (app) => {
    const dir = path.join(app.config.dataDir, 'imports');
    await mkdir(dir, { recursive: true });
    const settings = { datumParams: app.config.datumParams, limits: importReadLimits(app.config) };
    const runner = new ImportRunner(importStore(app.db), dir, app.log, settings);
    app.decorate('imports', runner);
    await failInterruptedImports(app.db);
    await runner.sweep();
    let sweeps = 0;
    const sweep = setInterval(() => {
      failInterruptedImports(app.db)
        .then(() => (++sweeps % 10 === 0 ? runner.sweep() : 0))
        .catch((err: unknown) => app.log.warn({ err }, 'import sweep failed'));
    }, 30_000);
    sweep.unref();
    app.addHook('onClose', async () => {
      clearInterval(sweep);
      await runner.close();
    });
  },
  { name: 'import-runner', dependencies: ['database'] },
);
