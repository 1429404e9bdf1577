import { createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Scope } from '../auth/scope.ts';
import type { ImportFormat, ImportJob, ImportProgress, ImportRunBody } from '../schemas/imports.ts';
import type { DatumParams } from './crs/transform.ts';
import { readRecords, type ReadLimits, type SourceRecord } from './import-readers/index.ts';

/** What one run is given: how to stop, where to report progress, what to read, where to stage, and how. */
export interface ImportRunContext {
  signal: AbortSignal;
  progress: ImportProgress;
  /** The uploaded file. */
  file: string;
  /** Where the staging files go. */
  workFile: string;
  datumParams: DatumParams;
  limits: Partial<ReadLimits>;
}

/**
 * The imports as the runner reads and writes them: api/db/import-repository.ts over the
 * database, bound to it by api/plugins/import-runner.ts.
 */
export interface ImportStore {
  /** Runs an import to its end, storing its outcome and its last progress. */
  run(scope: Scope, id: number, body: ImportRunBody, ctx: ImportRunContext): Promise<unknown>;
  /** The rows of the file that the run of import `id` rejected. */
  rejectedRows(id: number): Promise<number[]>;
  /** The format of import `id`'s file; null when there is no such import in the scope. */
  formatOf(scope: Scope, id: number): Promise<ImportFormat | null>;
  /** Marks the uploads not run within `hours` failed; their stored file names. */
  expireUploads(hours: number): Promise<string[]>;
  /** The imports owning the given stored file names (uploads), and the imports with the given ids. */
  fileStates(
    storedNames: readonly string[],
    ids: readonly number[],
  ): Promise<Array<{ id: number; storedName: string; status: ImportJob['status'] }>>;
}

interface Running {
  controller: AbortController;
  progress: ImportProgress;
  done: Promise<unknown>;
}

/** How long an upload waits for its run before it is deleted (the import is marked failed). */
export const UPLOAD_KEEP_HOURS = 24;
/** How long the rejected rows of a run stay downloadable. */
export const REJECTED_KEEP_DAYS = 7;
/** A file in the folder that no import owns yet (an upload being received) is left this long. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000;

/** The file the rejected rows of import `id` are kept in after its run (JSON lines). */
export function rejectedRowsFile(dir: string, id: number): string {
  return path.join(dir, `rejected-${id}.jsonl`);
}

/** What every run of this process is given besides its import. */
export interface RunSettings {
  datumParams: DatumParams;
  limits: Partial<ReadLimits>;
}

/**
 * Copies the records of `file` whose row is in `rows` to `out`, one JSON object a line
 * (`{row, properties, geometry}`), so the rejected rows stay downloadable once the upload is
 * deleted.
 */
async function keepRows(
  file: string,
  format: ImportFormat,
  rows: ReadonlySet<number>,
  out: string,
  limits: Partial<ReadLimits>,
): Promise<void> {
  const stream = createWriteStream(out);
  try {
    for await (const rec of readRecords(file, format, { limits }) as AsyncGenerator<SourceRecord>) {
      if (!rows.has(rec.row)) continue;
      const line =
        JSON.stringify({ row: rec.row, properties: rec.properties, geometry: rec.geometry }) + '\n';
      if (!stream.write(line)) await once(stream, 'drain');
    }
  } catch {
    // a file that breaks part-way (the reason it failed) keeps the rows read before the break
  } finally {
    stream.end();
    await once(stream, 'close');
  }
}

/**
 * The imports running in this process: each runs in the background after its request has
 * been answered (202), reports progress here, and can be cancelled. Progress of an import
 * running in another process is read from the database instead.
 *
 * The uploaded file is deleted when its run ends, however it ends (applied, rejected, failed,
 * cancelled); the rejected rows are first copied aside for download. `sweep` deletes what a
 * killed process left behind.
 */
export class ImportRunner {
  private running = new Map<number, Running>();

  constructor(
    private readonly store: ImportStore,
    /** Folder of the uploaded files and the staging files. */
    readonly dir: string,
    private readonly log: FastifyBaseLogger,
    private readonly settings: RunSettings = { datumParams: {}, limits: {} },
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
    const done = this.store
      .run(scope, id, body, {
        signal: controller.signal,
        progress,
        file,
        workFile: path.join(this.dir, `work-${id}`),
        datumParams: this.settings.datumParams,
        limits: this.settings.limits,
      })
      .catch((e: unknown) => {
        this.log.error({ err: e, importId: id }, 'import failed');
        return null;
      })
      .then(async (outcome) => {
        await this.keepRejected(scope, id, file).catch((err: unknown) =>
          this.log.warn({ err, importId: id }, 'keeping the rejected rows failed'),
        );
        await rm(file, { force: true });
        return outcome;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, { controller, progress, done });
  }

  /** Copies the rejected rows of a finished run aside, before its upload is deleted. */
  private async keepRejected(scope: Scope, id: number, file: string): Promise<void> {
    const rejected = await this.store.rejectedRows(id);
    if (rejected.length === 0) return;
    const format = await this.store.formatOf(scope, id);
    if (!format) return;
    await keepRows(file, format, new Set(rejected), rejectedRowsFile(this.dir, id), this.settings.limits);
  }

  /** Live progress of an import running here; null when it is not running in this process. */
  progressOf(id: number): ImportProgress | null {
    const r = this.running.get(id);
    return r ? { ...r.progress } : null;
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  /**
   * Waits until a run of import `id` in this process has ended and put its rejected rows
   * aside (at once when none runs here): its status is final in the database a moment before.
   */
  async settled(id: number): Promise<void> {
    await this.running.get(id)?.done;
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

  /**
   * Deletes the files no import needs any more: uploads whose import has ended (a process
   * killed mid-run leaves them), uploads never run within UPLOAD_KEEP_HOURS (the import is
   * marked failed), work files of imports not running, rejected rows older than
   * REJECTED_KEEP_DAYS, and files no import owns an hour after they were written. Returns how
   * many files were deleted.
   */
  async sweep(now = Date.now()): Promise<number> {
    const expired = new Set(await this.store.expireUploads(UPLOAD_KEEP_HOURS));
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    const idOf = (name: string) => Number(/^(?:work|rejected)-(\d+)[.]/.exec(name)?.[1] ?? NaN);
    const uploads = names.filter((n) => !/^(?:work|rejected)-/.test(n));
    const ids = names.map(idOf).filter(Number.isFinite);
    const states = await this.store.fileStates(uploads, ids);
    const byName = new Map(states.map((s) => [s.storedName, s]));
    const byId = new Map(states.map((s) => [s.id, s]));
    let deleted = 0;
    for (const name of names) {
      const file = path.join(this.dir, name);
      let gone: boolean;
      if (name.startsWith('work-')) {
        const s = byId.get(idOf(name));
        gone = !this.running.has(idOf(name)) && s?.status !== 'running';
      } else if (name.startsWith('rejected-')) {
        const mtime = (await stat(file).catch(() => null))?.mtimeMs ?? now;
        gone = !byId.has(idOf(name)) || now - mtime > REJECTED_KEEP_DAYS * 86_400_000;
      } else {
        const s = byName.get(name);
        if (expired.has(name)) gone = true;
        else if (s && s.status !== 'uploaded' && s.status !== 'running') {
          // an ended run's own process deletes its upload once the rejected rows are put
          // aside; what is left an hour later was left by a process that stopped
          const mtime = (await stat(file).catch(() => null))?.mtimeMs ?? now;
          gone = now - mtime > ORPHAN_GRACE_MS;
        } else if (s) gone = false;
        else {
          const mtime = (await stat(file).catch(() => null))?.mtimeMs ?? now;
          gone = now - mtime > ORPHAN_GRACE_MS;
        }
      }
      if (gone) {
        await rm(file, { force: true, recursive: true });
        deleted++;
      }
    }
    return deleted;
  }
}
