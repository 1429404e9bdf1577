/**
 * A small zip archive reader: the central directory (zip64 included: the ZIP64 end of central
 * directory record and the extended-information extra field of entries), and entries stored
 * (method 0) or deflated (method 8). Entries are read on demand from the open file, so only the
 * wanted ones are loaded; an entry can also be streamed in chunks without holding it whole.
 * Split archives, encryption and other compression methods are refused with an ImportFileError.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { CHUNK_BYTES, ImportFileError, type ReadOptions } from './common.ts';
import { isUtf8Prefix } from './text-decoding.ts';

/** One file in the archive (directories are listed too, with `isDirectory`). */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  /** Bytes as stored in the archive. */
  compressedSize: number;
  /** Bytes once extracted. */
  size: number;
  /** File offset of the entry's local header. */
  localHeaderOffset: number;
  /** General purpose bit flags (bit 0: encrypted). */
  flags: number;
  isDirectory: boolean;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_LOCATOR_SIGNATURE = 0x07064b50;
/** Header ID of the zip64 extended information extra field. */
const ZIP64_EXTRA_ID = 0x0001;
/** A 32-bit size or offset with this value means "see the zip64 record or extra field". */
const U32_MASK = 0xffffffff;
const EOCD_LENGTH = 22;
const ZIP64_LOCATOR_LENGTH = 20;
const ZIP64_EOCD_LENGTH = 56;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return bytesRead < length ? buf.subarray(0, bytesRead) : buf;
}

/**
 * An unsigned 64-bit little-endian value as a number. Offsets and sizes of an upload stay far
 * below 2^53, so a larger value can only come from a damaged archive.
 */
function readUInt64(buf: Buffer, at: number, what: string): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ImportFileError(`the zip archive is damaged: ${what} is ${value}, beyond any file size`);
  }
  return Number(value);
}

/**
 * A file name from the archive. Bit 11 declares UTF-8; without it, names from Chinese Windows
 * zip tools are GBK, so a name that is not valid UTF-8 is decoded as GB18030.
 */
function decodeName(bytes: Buffer, flags: number): string {
  if (flags & 0x0800 || isUtf8Prefix(bytes)) return bytes.toString('utf8');
  return new TextDecoder('gb18030').decode(bytes);
}

/** Where the central directory lies and how many entries it holds. */
interface CentralDirectory {
  entryCount: number;
  size: number;
  offset: number;
  /** Whether the values come from the ZIP64 end of central directory record. */
  zip64: boolean;
}

/**
 * The central directory as the ZIP64 end of central directory record gives it, when a locator
 * precedes the classic record at `eocdPosition`; null for an archive without zip64 records.
 */
async function readZip64Directory(
  handle: FileHandle,
  eocdPosition: number,
): Promise<CentralDirectory | null> {
  if (eocdPosition < ZIP64_LOCATOR_LENGTH) return null;
  const locatorPosition = eocdPosition - ZIP64_LOCATOR_LENGTH;
  const locator = await readAt(handle, locatorPosition, ZIP64_LOCATOR_LENGTH);
  if (locator.length < ZIP64_LOCATOR_LENGTH || locator.readUInt32LE(0) !== ZIP64_EOCD_LOCATOR_SIGNATURE) {
    return null;
  }
  const recordPosition = readUInt64(locator, 8, 'the zip64 end of central directory offset');
  const diskCount = locator.readUInt32LE(16);
  if (diskCount > 1) {
    throw new ImportFileError(
      `the zip archive is split into ${diskCount} parts, which is not supported; upload it as one zip file`,
    );
  }
  if (recordPosition + ZIP64_EOCD_LENGTH > locatorPosition) {
    throw new ImportFileError(
      `the zip archive's zip64 end of central directory record (byte offset ${recordPosition}) is not before its locator`,
    );
  }
  const record = await readAt(handle, recordPosition, ZIP64_EOCD_LENGTH);
  if (record.length < ZIP64_EOCD_LENGTH || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) {
    throw new ImportFileError(
      `the zip archive has no zip64 end of central directory record at byte offset ${recordPosition}, where its locator points`,
    );
  }
  return {
    entryCount: readUInt64(record, 32, 'the zip64 entry count'),
    size: readUInt64(record, 40, 'the zip64 central directory size'),
    offset: readUInt64(record, 48, 'the zip64 central directory offset'),
    zip64: true,
  };
}

/** The 64-bit values an entry's zip64 extra field holds in place of its 32-bit fields set to 0xFFFFFFFF. */
interface Zip64Sizes {
  size: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/**
 * Applies the zip64 extended information extra field (0x0001) of a central directory entry:
 * it holds, in this order, only those of the uncompressed size, compressed size and local
 * header offset whose 32-bit field is saturated (then a disk number, unused in a one-part archive).
 */
function applyZip64Extra(extra: Buffer, sizes: Zip64Sizes, name: string): Zip64Sizes {
  const wanted = (['size', 'compressedSize', 'localHeaderOffset'] as const).filter(
    (key) => sizes[key] === U32_MASK,
  );
  if (wanted.length === 0) return sizes;
  for (let q = 0; q + 4 <= extra.length;) {
    const id = extra.readUInt16LE(q);
    const length = extra.readUInt16LE(q + 2);
    if (id === ZIP64_EXTRA_ID) {
      const data = extra.subarray(q + 4, q + 4 + length);
      if (data.length < wanted.length * 8) {
        throw new ImportFileError(
          `the zip entry ${name} has a zip64 extra field of ${data.length} bytes, too short for its ${wanted.length} 64-bit values`,
        );
      }
      const out = { ...sizes };
      for (const [i, key] of wanted.entries()) {
        out[key] = readUInt64(data, i * 8, `the zip64 ${key} of ${name}`);
      }
      return out;
    }
    q += 4 + length;
  }
  throw new ImportFileError(
    `the zip entry ${name} declares zip64 sizes but has no zip64 extra field holding them`,
  );
}

/** The entries of the zip archive open as `handle` (`fileSize` bytes long). */
export async function listZipEntries(handle: FileHandle, fileSize: number): Promise<ZipEntry[]> {
  // the end of central directory record is 22 bytes plus a comment of up to 65,535 bytes
  const tailLength = Math.min(fileSize, EOCD_LENGTH + 65535);
  const tailStart = fileSize - tailLength;
  const tail = await readAt(handle, tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_LENGTH; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1)
    throw new ImportFileError('the file is not a zip archive (no end of central directory record)');
  // the classic record's fields are saturated (0xFFFF, 0xFFFFFFFF) when the zip64 record holds the values
  const directory = (await readZip64Directory(handle, tailStart + eocd)) ?? {
    entryCount: tail.readUInt16LE(eocd + 10),
    size: tail.readUInt32LE(eocd + 12),
    offset: tail.readUInt32LE(eocd + 16),
    zip64: false,
  };
  const { entryCount, size: cdSize, offset: cdOffset } = directory;
  if (!directory.zip64 && (cdSize === U32_MASK || cdOffset === U32_MASK)) {
    throw new ImportFileError(
      'the zip archive declares zip64 sizes but has no zip64 end of central directory record',
    );
  }
  if (cdOffset + cdSize > fileSize) {
    throw new ImportFileError(
      `the zip archive's central directory (byte offset ${cdOffset}) lies beyond the end of the file`,
    );
  }
  const cd = await readAt(handle, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < entryCount; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) {
      throw new ImportFileError(
        `the zip archive's central directory is damaged at entry ${n + 1} (byte offset ${cdOffset + p})`,
      );
    }
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLength), flags).replace(/\\/g, '/');
    const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    const { size, compressedSize, localHeaderOffset } = applyZip64Extra(
      extra,
      {
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      },
      name,
    );
    entries.push({
      name,
      method,
      compressedSize,
      size,
      localHeaderOffset,
      flags,
      isDirectory: name.endsWith('/'),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Refuses an entry this reader cannot extract. */
function checkExtractable(entry: ZipEntry): void {
  if (entry.flags & 0x0001) throw new ImportFileError(`the zip entry ${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ImportFileError(
      `the zip entry ${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`,
    );
  }
}

/**
 * The file offset of `entry`'s data. The local header's own name and extra field lengths count
 * (they may differ from the central directory's, e.g. a zip64 extra only in the local header);
 * its sizes do not, as a writer streaming the archive leaves them zero.
 */
async function dataOffsetOf(handle: FileHandle, entry: ZipEntry): Promise<number> {
  const local = await readAt(handle, entry.localHeaderOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    throw new ImportFileError(
      `the zip entry ${entry.name} has no local header at byte offset ${entry.localHeaderOffset}`,
    );
  }
  return entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
}

/** The extracted bytes of `entry`, held whole in memory (callers bound the size they accept). */
export async function readZipEntry(handle: FileHandle, entry: ZipEntry): Promise<Buffer> {
  checkExtractable(entry);
  if (entry.size > bufferConstants.MAX_LENGTH || entry.compressedSize > bufferConstants.MAX_LENGTH) {
    throw new ImportFileError(
      `the zip entry ${entry.name} is too large to extract (${entry.size} bytes uncompressed)`,
    );
  }
  const dataOffset = await dataOffsetOf(handle, entry);
  const packed = await readAt(handle, dataOffset, entry.compressedSize);
  if (packed.length < entry.compressedSize) {
    throw new ImportFileError(`the zip entry ${entry.name} is truncated (byte offset ${dataOffset})`);
  }
  let data: Buffer;
  if (entry.method === 0) {
    data = packed;
  } else {
    try {
      // the declared size bounds the output, so a forged entry cannot inflate without limit
      data = inflateRawSync(packed, { maxOutputLength: Math.max(entry.size, 1) });
    } catch (e) {
      throw new ImportFileError(
        `the zip entry ${entry.name} cannot be decompressed (${(e as Error).message})`,
      );
    }
  }
  if (data.length !== entry.size) {
    throw new ImportFileError(
      `the zip entry ${entry.name} holds ${data.length} bytes instead of the ${entry.size} declared`,
    );
  }
  return data;
}

/** The stored bytes of an entry in chunks, reporting the archive position reached as progress. */
async function* packedChunks(
  handle: FileHandle,
  entry: ZipEntry,
  dataOffset: number,
  options: ReadOptions,
  chunkBytes: number,
): AsyncGenerator<Buffer> {
  let done = 0;
  while (done < entry.compressedSize) {
    options.signal?.throwIfAborted();
    const length = Math.min(chunkBytes, entry.compressedSize - done);
    const chunk = await readAt(handle, dataOffset + done, length);
    if (chunk.length < length) {
      throw new ImportFileError(
        `the zip entry ${entry.name} is truncated (byte offset ${dataOffset + done + chunk.length})`,
      );
    }
    done += length;
    options.onProgress?.(dataOffset + done);
    yield chunk;
  }
}

/** zlib reports broken deflate data with codes such as Z_DATA_ERROR and Z_BUF_ERROR. */
function isZlibError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

/** Inflates deflated chunks as they come; memory stays at a few chunks whatever the entry's size. */
async function* inflateChunks(
  packed: AsyncGenerator<Buffer>,
  entry: ZipEntry,
  chunkBytes: number,
): AsyncGenerator<Buffer> {
  // zlib's smallest output chunk is 64 bytes
  const inflater = createInflateRaw({ chunkSize: Math.max(64, Math.min(chunkBytes, CHUNK_BYTES)) });
  // errors of either side (a truncated archive, an abort, bad deflate data) end the iteration
  // below; one chunk read ahead at most, so memory stays at a few chunks
  pipeline(Readable.from(packed, { highWaterMark: 1 }), inflater, () => {});
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } catch (e) {
    if (isZlibError(e)) {
      throw new ImportFileError(`the zip entry ${entry.name} cannot be decompressed (${e.message})`);
    }
    throw e;
  } finally {
    inflater.destroy();
  }
}

/**
 * The extracted bytes of `entry` in chunks of at most about `chunkBytes`, read and inflated as
 * they are consumed, so an entry far larger than memory can be streamed. `onProgress` gets the
 * archive position reached; `signal` stops the stream with its reason. Throws ImportFileError
 * when the entry is not extractable, truncated, corrupt, or not of its declared size (checked
 * as it goes, so a forged size cannot make it inflate without limit).
 */
export async function* streamZipEntry(
  handle: FileHandle,
  entry: ZipEntry,
  options: ReadOptions = {},
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<Buffer> {
  checkExtractable(entry);
  const dataOffset = await dataOffsetOf(handle, entry);
  const packed = packedChunks(handle, entry, dataOffset, options, chunkBytes);
  const chunks = entry.method === 0 ? packed : inflateChunks(packed, entry, chunkBytes);
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > entry.size) {
      throw new ImportFileError(
        `the zip entry ${entry.name} holds more than the ${entry.size} bytes declared`,
      );
    }
    yield chunk;
  }
  if (total !== entry.size) {
    throw new ImportFileError(
      `the zip entry ${entry.name} holds ${total} bytes instead of the ${entry.size} declared`,
    );
  }
}
