/**
 * A small zip archive reader: the central directory, and entries stored (method 0) or deflated
 * (method 8). Entries are read on demand from the open file, so only the wanted ones are loaded.
 * Zip64, encryption and other compression methods are refused with a clear ImportFileError.
 */
import type { FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { ImportFileError } from './common.ts';
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
const ZIP64_EOCD_LOCATOR_SIGNATURE = 0x07064b50;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return bytesRead < length ? buf.subarray(0, bytesRead) : buf;
}

/**
 * A file name from the archive. Bit 11 declares UTF-8; without it, names from Chinese Windows
 * zip tools are GBK, so a name that is not valid UTF-8 is decoded as GB18030.
 */
function decodeName(bytes: Buffer, flags: number): string {
  if (flags & 0x0800 || isUtf8Prefix(bytes)) return bytes.toString('utf8');
  return new TextDecoder('gb18030').decode(bytes);
}

/** The entries of the zip archive open as `handle` (`fileSize` bytes long). */
export async function listZipEntries(handle: FileHandle, fileSize: number): Promise<ZipEntry[]> {
  // the end of central directory record is 22 bytes plus a comment of up to 65,535 bytes
  const tailLength = Math.min(fileSize, 22 + 65535);
  const tail = await readAt(handle, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1)
    throw new ImportFileError('the file is not a zip archive (no end of central directory record)');
  const entryCount = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  const zip64 = eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_EOCD_LOCATOR_SIGNATURE;
  if (zip64 || entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ImportFileError(
      'the zip archive is in the zip64 format, which is not supported; zip the files without zip64',
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
    const compressedSize = cd.readUInt32LE(p + 20);
    const size = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLength), flags).replace(/\\/g, '/');
    if (compressedSize === 0xffffffff || size === 0xffffffff || localHeaderOffset === 0xffffffff) {
      throw new ImportFileError(`the zip entry ${name} uses zip64 sizes, which are not supported`);
    }
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

/** The extracted bytes of `entry`. */
export async function readZipEntry(handle: FileHandle, entry: ZipEntry): Promise<Buffer> {
  if (entry.flags & 0x0001) throw new ImportFileError(`the zip entry ${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ImportFileError(
      `the zip entry ${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`,
    );
  }
  const local = await readAt(handle, entry.localHeaderOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    throw new ImportFileError(
      `the zip entry ${entry.name} has no local header at byte offset ${entry.localHeaderOffset}`,
    );
  }
  const dataOffset = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
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
