import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

/**
 * PostGIS for the embedded engine, cut down to what this platform uses.
 *
 * PGlite unpacks an extension's whole bundle into its in-memory file system at every
 * start and links every `.so` in it. The bundle of @electric-sql/pglite-postgis holds
 * PostGIS, PostGIS raster and PostGIS topology (three WebAssembly libraries of 15–17 MB
 * each), the TIGER geocoder, the upgrade scripts from every earlier release and the
 * non-extension install scripts. Only PostGIS itself is ever created here (migrations/
 * 0001), so a start spent about a third of its engine time linking libraries nothing
 * calls. The cut-down bundle is written once per installed bundle and reused.
 */

const require = createRequire(import.meta.url);
/** The package's dist folder (its entry point sits beside the bundle). */
const DIST_DIR = path.dirname(require.resolve('@electric-sql/pglite-postgis'));
/** The bundle as published. */
export const POSTGIS_BUNDLE = path.join(DIST_DIR, 'postgis.tar.gz');

/**
 * The entries kept: the PostGIS library, its control file and install script (the first
 * start's CREATE EXTENSION), and PROJ's data (ST_Transform reads proj.db).
 */
export function keepPostgisEntry(name: string): boolean {
  return (
    name === 'lib/postgresql/postgis-3.so' ||
    name === 'share/postgresql/extension/postgis.control' ||
    /^share\/postgresql\/extension\/postgis--[0-9.]+\.sql$/.test(name) ||
    name.startsWith('share/proj/')
  );
}

const BLOCK = 512;

/** A NUL-terminated field of a tar header. */
function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/**
 * The entries of a tar archive for which `keep(name)` holds, copied byte for byte (header
 * and data blocks), then the end-of-archive marker. Reads ustar and GNU tar, the formats
 * PGlite's bundles come in; a long-name or pax record stays with the entry it describes.
 * The archive is a file of an installed package, not user input.
 */
export function filterTar(tar: Buffer, keep: (name: string) => boolean): Buffer {
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  let longName: string | null = null;
  for (let at = 0; at + BLOCK <= tar.length;) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const end = at + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (end > tar.length) throw new Error('tar archive ends inside an entry');
    const record = tar.subarray(at, end);
    at = end;
    if (type === 'L' || type === 'x' || type === 'K') {
      // describes the next entry: its long name (GNU) or its attributes (pax)
      if (type === 'L') longName = field(record, BLOCK, size);
      pending.push(record);
      continue;
    }
    if (type === 'g') {
      out.push(record); // pax attributes for the whole archive
      continue;
    }
    const prefix = field(header, 257, 6) === 'ustar' ? field(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    if (keep(name)) out.push(...pending, record);
    pending = [];
    longName = null;
  }
  out.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(out);
}

/** Where cut-down bundles are kept: the dependencies' cache folder, else the temp folder. */
function cacheDirs(): string[] {
  return [path.join(DIST_DIR, '../../..', '.cache', 'riskmap'), path.join(os.tmpdir(), 'riskmap-cache')];
}

/**
 * The cut-down PostGIS bundle, written on first use (about a second) and found again by
 * the published bundle's size and time, so an upgraded package gets a new one. Falls back
 * to the published bundle when no cache folder can be written.
 */
export async function postgisBundle(): Promise<URL> {
  const source = await stat(POSTGIS_BUNDLE);
  const name = `postgis-${source.size}-${Math.round(source.mtimeMs)}.tar.gz`;
  for (const dir of cacheDirs()) {
    const file = path.join(dir, name);
    if (
      await stat(file).then(
        (s) => s.size > 0,
        () => false,
      )
    )
      return pathToFileURL(file);
  }
  const tar = await promisify(gunzip)(await readFile(POSTGIS_BUNDLE));
  // level 1: PGlite gunzips it at every start, and a denser bundle gains nothing there
  const trimmed = await promisify(gzip)(filterTar(tar, keepPostgisEntry), { level: 1 });
  for (const dir of cacheDirs()) {
    const file = path.join(dir, name);
    const partial = `${file}.${process.pid}.partial`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(partial, trimmed);
      // a rename is atomic: two processes starting at once never read half a file
      await rename(partial, file);
      return pathToFileURL(file);
    } catch {
      // read-only install: try the next folder
    }
  }
  return pathToFileURL(POSTGIS_BUNDLE);
}
