/**
 * Zip archives (zipped Shapefiles, KMZ) read with yauzl: the central directory (zip64
 * included), entries stored or deflated, inflated as streams by zlib off the main thread, so an
 * entry far larger than memory is read chunk by chunk and the event loop stays free. Every
 * entry is checked against the import's limits before a byte of it is inflated: its declared
 * size (per entry and, summed, per import) and its compression ratio; yauzl then holds the
 * inflated bytes to the declared size, so a forged size cannot make it expand further.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import {
  CHUNK_BYTES,
  ExpansionBudget,
  ImportFileError,
  limitsOf,
  type ReadLimits,
  type ReadOptions,
} from './common.ts';
import { isUtf8Prefix } from './text-decoding.ts';

/** One file in the archive (directories are listed too, with `isDirectory`). */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** Bytes as stored in the archive. */
  compressedSize: number;
  /** Bytes once extracted, as declared. */
  size: number;
  isDirectory: boolean;
  /** The yauzl entry, to open it. */
  raw: yauzl.Entry;
}

/**
 * A file name from the archive. Bit 11 declares UTF-8; without it, names from Chinese Windows
 * zip tools are GBK, so a name that is not valid UTF-8 is decoded as GB18030.
 */
function decodeName(bytes: Buffer, flags: number): string {
  const name =
    flags & 0x0800 || isUtf8Prefix(bytes) ? bytes.toString('utf8') : new TextDecoder('gb18030').decode(bytes);
  return name.replace(/\\/g, '/');
}

/** yauzl's message for a damaged archive, as the readers report a broken file. */
function damaged(e: unknown, what: string): ImportFileError {
  const message = e instanceof Error ? e.message : String(e);
  return new ImportFileError(`${what}: ${message}`);
}

/** An open zip archive with its entries listed and checked against the limits. */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: ZipEntry[],
    readonly fileSize: number,
    private readonly limits: ReadLimits,
    private readonly budget: ExpansionBudget,
  ) {}

  /**
   * Opens `file` and lists its entries. Throws ImportFileError for a file that is not a zip
   * archive, a damaged one, or one with more entries than `maxEntries`.
   */
  static async open(file: string, options: ReadOptions = {}, budget?: ExpansionBudget): Promise<ZipArchive> {
    const limits = limitsOf(options);
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(
        file,
        {
          lazyEntries: true,
          autoClose: false,
          decodeStrings: false,
          validateEntrySizes: true,
          strictFileNames: false,
        },
        (err, z) => {
          if (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code) {
              reject(new ImportFileError(`the file cannot be opened (${code})`));
              return;
            }
            const message = /end of central directory record signature not found/i.test(err.message)
              ? 'the file is not a zip archive (no end of central directory record)'
              : `the zip archive cannot be read: ${err.message}`;
            reject(new ImportFileError(message));
          } else resolve(z);
        },
      );
    });
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw new ImportFileError(
          `the zip archive lists ${zip.entryCount} files; at most ${limits.maxEntries} are read`,
          'import_too_many_entries',
          { count: zip.entryCount, limit: limits.maxEntries },
        );
      }
      const entries = await new Promise<ZipEntry[]>((resolve, reject) => {
        const list: ZipEntry[] = [];
        zip.on('entry', (e: yauzl.Entry) => {
          const name = decodeName(e.fileNameRaw, e.generalPurposeBitFlag);
          list.push({
            name,
            compressedSize: e.compressedSize,
            size: e.uncompressedSize,
            isDirectory: name.endsWith('/'),
            raw: e,
          });
          if (options.signal?.aborted) reject(options.signal.reason);
          else zip.readEntry();
        });
        zip.on('end', () => resolve(list));
        zip.on('error', (err: unknown) => reject(damaged(err, 'the zip archive is damaged')));
        zip.readEntry();
      });
      return new ZipArchive(
        zip,
        entries,
        zip.fileSize,
        limits,
        budget ?? new ExpansionBudget(limits.maxExpandedBytes),
      );
    } catch (e) {
      zip.close();
      throw e;
    }
  }

  close(): void {
    if (this.zip.isOpen) this.zip.close();
  }

  /** Refuses an entry this reader cannot or may not extract, before inflating any of it. */
  private check(entry: ZipEntry, maxBytes: number, sideFile: boolean): void {
    if (entry.raw.isEncrypted()) throw new ImportFileError(`the zip entry ${entry.name} is encrypted`);
    const method = entry.raw.compressionMethod;
    if (method !== 0 && method !== 8) {
      throw new ImportFileError(
        `the zip entry ${entry.name} uses compression method ${method}; only stored (0) and deflate (8) are supported`,
      );
    }
    if (entry.size > maxBytes) {
      throw sideFile
        ? new ImportFileError(
            `the file ${entry.name} in the archive holds ${entry.size} bytes; a side file (.prj, .cpg) may hold at most ${maxBytes}`,
            'import_side_file_too_large',
            { entry: entry.name, bytes: entry.size, limit: maxBytes },
          )
        : new ImportFileError(
            `the file ${entry.name} in the archive expands to ${entry.size} bytes; one file may expand to at most ${maxBytes}`,
            'import_entry_too_large',
            { entry: entry.name, bytes: entry.size, limit: maxBytes },
          );
    }
    const ratio = entry.size / Math.max(1, entry.compressedSize);
    if (entry.size >= this.limits.ratioFromBytes && ratio > this.limits.maxRatio) {
      throw new ImportFileError(
        `the file ${entry.name} in the archive expands ${Math.round(ratio)} times (${entry.compressedSize} to ${entry.size} bytes); more than ${this.limits.maxRatio} times is refused as a zip bomb`,
        'import_compression_ratio',
        { entry: entry.name, ratio: Math.round(ratio), limit: this.limits.maxRatio },
      );
    }
    this.budget.take(entry.size);
  }

  private async openStream(entry: ZipEntry): Promise<Readable> {
    try {
      return await this.zip.openReadStreamPromise(entry.raw);
    } catch (e) {
      throw damaged(e, `the zip entry ${entry.name} cannot be read`);
    }
  }

  /** A small entry (a .prj, a .cpg) whole; refused over `maxSideFileBytes`. */
  async readSmall(entry: ZipEntry): Promise<Buffer> {
    this.check(entry, this.limits.maxSideFileBytes, true);
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(entry, {}, true)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /**
   * The extracted bytes of `entry` in chunks (about `CHUNK_BYTES` each), read and inflated as
   * they are consumed. `onProgress` gets an estimate of the archive position reached; `signal`
   * stops the stream with its reason. Throws ImportFileError when the entry is refused by a
   * limit, is truncated, corrupt, or not of its declared size.
   */
  async *stream(entry: ZipEntry, options: ReadOptions = {}, checked = false): AsyncGenerator<Buffer> {
    if (!checked) this.check(entry, this.limits.maxEntryBytes, false);
    options.signal?.throwIfAborted();
    const stream = await this.openStream(entry);
    const start = entry.raw.relativeOffsetOfLocalHeader;
    let done = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        options.signal?.throwIfAborted();
        done += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        // zlib hands out 16 kB pieces: gather them so each step of a reader has work to do
        if (pendingBytes >= CHUNK_BYTES) {
          options.onProgress?.(start + Math.floor((entry.compressedSize * done) / Math.max(1, entry.size)));
          yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
          pending = [];
          pendingBytes = 0;
        }
      }
    } catch (e) {
      if (e instanceof ImportFileError || options.signal?.aborted) throw e;
      throw damaged(e, `the zip entry ${entry.name} cannot be decompressed`);
    } finally {
      stream.destroy();
    }
    if (pendingBytes > 0) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    options.onProgress?.(start + entry.compressedSize);
  }
}

/** macOS archivers add resource forks (`__MACOSX/`, `._name`) that are not data. */
export function dataFiles(entries: readonly ZipEntry[]): ZipEntry[] {
  return entries.filter(
    (e) => !e.isDirectory && !e.name.startsWith('__MACOSX/') && !baseName(e.name).startsWith('._'),
  );
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether a name is that of an archive inside the archive (which is never opened). */
export function isArchiveName(name: string): boolean {
  return /\.(zip|kmz|shz|7z|rar|gz|tgz|tar|bz2|xz)$/i.test(name);
}

/**
 * Bytes read from a chunk stream in the sizes a binary format asks for (a .shp record, a
 * .dbf record), holding only the current chunk and what is left of the previous one.
 */
export class ChunkReader {
  private buf: Buffer = Buffer.alloc(0);
  private at = 0;
  private ended = false;
  /** Bytes consumed so far. */
  position = 0;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** Exactly `n` bytes, or fewer only at the end of the stream (empty at its end). */
  async read(n: number): Promise<Buffer> {
    let available = this.buf.length - this.at;
    if (available < n && !this.ended) {
      // gather whole chunks first and copy once, so a large record costs linear copying
      const parts = [this.buf.subarray(this.at)];
      while (available < n) {
        const next = await this.chunks.next();
        if (next.done) {
          this.ended = true;
          break;
        }
        parts.push(next.value);
        available += next.value.length;
      }
      this.buf = Buffer.concat(parts);
      this.at = 0;
    }
    const end = Math.min(this.buf.length, this.at + n);
    const out = this.buf.subarray(this.at, end);
    this.at = end;
    this.position += out.length;
    return out;
  }

  /** Stops the underlying stream. */
  async close(): Promise<void> {
    await this.chunks.return?.(undefined);
  }
}
