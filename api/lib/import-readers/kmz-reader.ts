/**
 * KMZ support for the KML reader: a KMZ is a zip archive (Google Earth, many Chinese GIS tools)
 * whose `doc.kml` holds the placemarks, next to icons and overlays. The KML entry is streamed
 * out of the archive and inflated chunk by chunk, so memory stays bounded whatever its size.
 */
import type { FileHandle } from 'node:fs/promises';
import { CHUNK_BYTES, ImportFileError, openFile, type ReadOptions } from './common.ts';
import { listZipEntries, streamZipEntry, type ZipEntry } from './zip-reader.ts';

/**
 * Largest KML a KMZ may hold, uncompressed: twice the largest upload. Memory does not depend on
 * it (the entry is streamed); it stops a small forged archive from being read for hours.
 */
export const MAX_KMZ_KML_BYTES = 4 * 1024 * 1024 * 1024;

/** The first bytes of a zip archive: a local file header, or the end record of an empty archive. */
const ZIP_MAGICS = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];

/** How many archive names an error message lists at most. */
const LISTED_NAMES = 20;

/**
 * Whether `file` starts like a zip archive, i.e. is a KMZ whatever its name says (a `.kml`
 * upload is sometimes a renamed KMZ).
 */
export async function isZipFile(file: string): Promise<boolean> {
  const handle = await openFile(file);
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && ZIP_MAGICS.some((magic) => head.equals(magic));
  } finally {
    await handle.close();
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The KML document of a KMZ: `doc.kml` at the top of the archive as Google Earth names it,
 * otherwise the first `.kml` entry in archive order (names compared case-insensitively).
 */
export function pickKmlEntry(entries: readonly ZipEntry[]): ZipEntry {
  // macOS archivers add resource forks (`__MACOSX/`, `._doc.kml`) that are not KML
  const files = entries.filter(
    (e) => !e.isDirectory && !e.name.startsWith('__MACOSX/') && !baseName(e.name).startsWith('._'),
  );
  const doc = files.find((e) => e.name.toLowerCase() === 'doc.kml');
  const kml = doc ?? files.find((e) => e.name.toLowerCase().endsWith('.kml'));
  if (!kml) {
    const names = files.map((e) => e.name);
    const listed = names.slice(0, LISTED_NAMES).join(', ');
    const more = names.length > LISTED_NAMES ? ` and ${names.length - LISTED_NAMES} more` : '';
    throw new ImportFileError(`the KMZ archive holds no .kml file (it holds: ${listed || 'nothing'}${more})`);
  }
  return kml;
}

/**
 * The bytes of the KML entry of the KMZ open as `handle` (`fileSize` bytes long), in chunks.
 * Progress follows the archive position, ending at its size.
 */
export async function* kmzKmlChunks(
  handle: FileHandle,
  entry: ZipEntry,
  fileSize: number,
  options: ReadOptions,
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<Buffer> {
  if (entry.size > MAX_KMZ_KML_BYTES) {
    throw new ImportFileError(
      `the KML file ${entry.name} in the KMZ archive is too large: ${entry.size} bytes uncompressed (at most 4 GiB)`,
    );
  }
  yield* streamZipEntry(handle, entry, options, chunkBytes);
  options.onProgress?.(fileSize);
}

/** Opens a KMZ and finds its KML entry; the caller closes the handle. */
export async function openKmz(
  file: string,
): Promise<{ handle: FileHandle; entry: ZipEntry; fileSize: number }> {
  const handle = await openFile(file);
  try {
    const fileSize = (await handle.stat()).size;
    const entry = pickKmlEntry(await listZipEntries(handle, fileSize));
    return { handle, entry, fileSize };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
