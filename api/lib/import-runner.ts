import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Scope } from '../auth/scope.ts';
import type { Database } from '../db/database.ts';
import { runImport, type RunOutcome } from '../db/import-repository.ts';
import type { ImportProgress, ImportRunBody } from '../schemas/imports.ts';

interface Running {
  controller: AbortController;
  progress: ImportProgress;
  done: Promise<RunOutcome | null>;
}

/**
 * The imports running in this process: each runs in the background after its request has
 * been answered (202), reports progress here, and can be cancelled. Progress of an import
 * running in another process is read from the database instead.
 */
export class ImportRunner {
  private running = new Map<number, Running>();

  constructor(
    private readonly db: Database,
    /** Folder of the uploaded files and the staging files. */
    readonly dir: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts a run of import `id` reading `file` (`totalBytes` long). */
  start(scope: Scope, id: number, body: ImportRunBody, file: string, totalBytes: number): void {
    const controller = new AbortController();
    const progress: ImportProgress = {
      phase: 'reading',
      bytesRead: 0,
      totalBytes,
      rowsRead: 0,
      accepted: 0,
      rejected: 0,
    };
    const done = runImport(this.db, scope, id, body, {
      signal: controller.signal,
      progress,
      file,
      workFile: path.join(this.dir, `work-${id}`),
    })
      .then(async (outcome) => {
        await this.db.query(`UPDATE imports SET progress = $2 WHERE id = $1`, [
          id,
          JSON.stringify({ ...progress, phase: null }),
        ]);
        return outcome;
      })
      .catch((e: unknown) => {
        this.log.error({ err: e, importId: id }, 'import failed');
        return null;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, { controller, progress, done });
  }

  /** Live progress of an import running here; null when it is not running in this process. */
  progressOf(id: number): ImportProgress | null {
    const r = this.running.get(id);
    return r ? { ...r.progress } : null;
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  /** Asks a run to stop and waits for it; false when it is not running in this process. */
  async cancel(id: number): Promise<boolean> {
    const r = this.running.get(id);
    if (!r) return false;
    r.controller.abort(new Error('cancelled'));
    await r.done;
    return true;
  }

  /** Waits for the runs to end (after cancelling them when `cancel`). */
  async close(cancel = true): Promise<void> {
    const all = [...this.running.values()];
    if (cancel) for (const r of all) r.controller.abort(new Error('server stopping'));
    await Promise.all(all.map((r) => r.done));
  }
}
