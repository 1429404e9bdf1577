/**
 * Types and helpers shared by the import file readers: the record shape they yield, the error
 * for a broken file, chunked file reading with progress and cancellation, and column naming.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** File formats the readers understand (the same literals as `IMPORT_FORMATS` in api/schemas/imports.ts). */
export type ImportFormat = 'geojson' | 'csv' | 'shapefile' | 'kml';

/** One attribute value as read from the file: text, number, boolean, or null for an empty cell. */
export type SourceValue = string | number | boolean | null;

/** The geometry types a record can carry. */
export type SourceGeometryType =
  'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon';

/** A GeoJSON geometry with 2D positions only ([longitude, latitude] as found in the file; Z/M dropped). */
export interface SourceGeometry {
  type: SourceGeometryType;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- nesting depth depends on `type`
  coordinates: any;
}

/** One record of an import file. */
export interface SourceRecord {
  /** 1-based record number in the file (CSV: data row after the header; GeoJSON: feature; KML: placemark; Shapefile: record). */
  row: number;
  properties: Record<string, SourceValue>;
  /** null when the row has none (every CSV row; a null-shape record; a feature with geometry null). */
  geometry: SourceGeometry | null;
  /**
   * Set when this one record is malformed but the file can go on (e.g. a feature whose geometry
   * is not GeoJSON, a KML coordinate that is not a number, a CSV row with more fields than the
   * header). English, says what and where.
   */
  error?: string;
}

/**
 * The file itself is broken, unsupported or beyond a limit, and reading cannot continue; the
 * message says what and where. `code` (snake_case) and `params` let the interface say it in the
 * user's language: `import_file_unreadable` for a damaged file, the limit codes of
 * `ImportLimitCode` for a file refused by a limit.
 */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    message: string,
    readonly code: string = 'import_file_unreadable',
    readonly params: Record<string, string | number | null> = {},
  ) {
    super(message);
  }
}

/**
 * How much an import file may make the server read. An upload is small on disk; what it
 * expands to (a zip, a KMZ) or holds in one piece (a CSV line, a KML placemark) is what costs
 * memory and time, so each is capped and refused with a message naming the limit.
 */
export interface ReadLimits {
  /** Uncompressed bytes read out of archives for one import (RISKMAP_IMPORT_MAX_EXPANDED_BYTES). */
  maxExpandedBytes: number;
  /** Uncompressed bytes of one archive entry. */
  maxEntryBytes: number;
  /** Largest uncompressed/compressed ratio of an entry larger than `ratioFromBytes`. */
  maxRatio: number;
  /** Entries smaller than this are not held to the ratio (tiny files compress extremely well). */
  ratioFromBytes: number;
  /** A Shapefile's .prj, .cpg and other side files. */
  maxSideFileBytes: number;
  /** One KML element (a placemark), one GeoJSON feature, one Shapefile shape. */
  maxElementBytes: number;
  /** One CSV record (line). */
  maxLineBytes: number;
  /** Entries listed in one archive. */
  maxEntries: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxExpandedBytes: 4 * 1024 ** 3,
  maxEntryBytes: 4 * 1024 ** 3,
  maxRatio: 200,
  ratioFromBytes: 64 * 1024 ** 2,
  maxSideFileBytes: 64 * 1024,
  maxElementBytes: 16 * 1024 ** 2,
  maxLineBytes: 16 * 1024 ** 2,
  maxEntries: 10_000,
};

/** The error codes of files refused by a limit (and their `params`). */
export type ImportLimitCode =
  | 'import_expanded_too_large'
  | 'import_entry_too_large'
  | 'import_compression_ratio'
  | 'import_side_file_too_large'
  | 'import_element_too_large'
  | 'import_line_too_long'
  | 'import_too_many_entries';

/** Counts what archives expand to across one import, against `maxExpandedBytes`. */
export class ExpansionBudget {
  private used = 0;
  constructor(readonly limit: number) {}
  /** Adds `bytes`; throws when the total passes the limit. */
  take(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new ImportFileError(
        `the archive expands to more than ${this.limit} bytes, the limit for one import (RISKMAP_IMPORT_MAX_EXPANDED_BYTES)`,
        'import_expanded_too_large',
        { limit: this.limit, setting: 'RISKMAP_IMPORT_MAX_EXPANDED_BYTES' },
      );
    }
  }
}

/** Options of `readRecords`. */
export interface ReadOptions {
  /** Aborting makes the generator throw the signal's reason (an `AbortError` DOMException by default) at its next step. */
  signal?: AbortSignal;
  /** Called as the file is consumed, with the bytes of the file on disk read so far (for a zip: approximate). */
  onProgress?: (bytesRead: number) => void;
  /** Limits other than the defaults (DEFAULT_LIMITS). */
  limits?: Partial<ReadLimits>;
}

/** The limits of a read: the defaults with the options' overrides. */
export function limitsOf(options: ReadOptions): ReadLimits {
  return { ...DEFAULT_LIMITS, ...options.limits };
}

/** A coordinate system a file declares: an id of api/lib/crs/definitions.ts (`wgs84`, `EPSG:4547`…). */
export type DetectedCrs = string;

/** What a reader learns about the whole file while reading it (filled in as it goes; used by previews). */
export interface ReaderMeta {
  /** CSV: the header names (deduplicated), set once the header line has been read. */
  columns?: string[];
  /** The coordinate system the file declares, when it declares one the import understands. */
  detectedCrs: DetectedCrs | null;
  /** KML: the layers (documents of a KMZ, or folders) the placemarks came from, in order. */
  layers?: string[];
}

/** Bytes read from disk per step: large enough that per-chunk overheads vanish, small enough to stay bounded. */
export const CHUNK_BYTES = 1 << 20;

/** Opens `file` for reading, turning a file system error into an ImportFileError. */
export async function openFile(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ImportFileError(`the file cannot be opened (${code})`);
  }
}

/**
 * The bytes of `file` in chunks of up to `chunkSize`, reporting the running byte count to
 * `onProgress` after each chunk and stopping with the abort reason when `signal` fires.
 * Each chunk is a fresh buffer, so callers may keep references to it.
 */
export async function* readChunks(
  file: string,
  options: ReadOptions,
  chunkSize = CHUNK_BYTES,
): AsyncGenerator<Buffer> {
  options.signal?.throwIfAborted();
  const handle = await openFile(file);
  try {
    let total = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const buf = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await handle.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) return;
      total += bytesRead;
      options.onProgress?.(total);
      yield bytesRead < chunkSize ? buf.subarray(0, bytesRead) : buf;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Column names made usable as property keys: surrounding whitespace trimmed, an empty name
 * becomes `column_<n>` (1-based position), and a repeated name gets `_2`, `_3`… (`name`, `name_2`).
 */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [i, raw] of names.entries()) {
    const base = raw.trim() || `column_${i + 1}`;
    let name = base;
    for (let k = 2; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    out.push(name);
  }
  return out;
}

/**
 * Sets `key` on a plain record object. A key named `__proto__` would otherwise replace the
 * object's prototype instead of becoming a property, so it is defined explicitly.
 */
export function setProperty(target: Record<string, SourceValue>, key: string, value: SourceValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Adds `key` to `target` without overwriting: a taken name gets `_2`, `_3`… */
export function addProperty(target: Record<string, SourceValue>, key: string, value: SourceValue): void {
  let name = key;
  for (let k = 2; Object.hasOwn(target, name); k++) name = `${key}_${k}`;
  setProperty(target, name, value);
}

/**
 * A growable byte buffer for scanners that cut items out of a stream: drop what has been
 * consumed, append the next chunk. Storage grows by doubling and is reused, so an item much
 * larger than a chunk (a city boundary polygon of 100 MB) costs linear, not quadratic, copying.
 */
export class ByteWindow {
  private storage: Buffer = Buffer.alloc(0);
  private used = 0;

  /** The buffered bytes (a view, valid until the next `shiftAndAppend`). */
  get bytes(): Buffer {
    return this.storage.subarray(0, this.used);
  }

  /** Drops the first `count` buffered bytes and appends `chunk`. */
  shiftAndAppend(count: number, chunk: Uint8Array): void {
    const remaining = this.used - count;
    const needed = remaining + chunk.length;
    if (needed > this.storage.length) {
      const next = Buffer.allocUnsafe(Math.max(needed, this.storage.length * 2));
      this.storage.copy(next, 0, count, this.used);
      this.storage = next;
    } else if (count > 0 && remaining > 0) {
      this.storage.copyWithin(0, count, this.used);
    }
    this.storage.set(chunk, remaining);
    this.used = needed;
  }
}
