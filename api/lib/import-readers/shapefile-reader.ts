/**
 * Reader for a zipped Shapefile (ESRI Shapefile Technical Description, 1998): the .shp
 * geometry and .dbf attributes (dBase III), the optional .prj (coordinate system) and .cpg
 * (text encoding). The two main files are extracted into memory, which a 1 GB limit bounds;
 * records are then produced one by one.
 */
import { signedArea2 } from '../shapefile.ts';
import { isUtf8 } from 'node:buffer';
import {
  ImportFileError,
  openFile,
  uniqueNames,
  setProperty,
  type DetectedCrs,
  type ReadOptions,
  type ReaderMeta,
  type SourceGeometry,
  type SourceRecord,
  type SourceValue,
} from './common.ts';
import { encodingFromDbfLanguageDriver, encodingFromLabel, isUtf8Prefix } from './text-decoding.ts';
import { listZipEntries, readZipEntry, type ZipEntry } from './zip-reader.ts';

/** Largest .shp + .dbf (uncompressed) a zip may hold: both are held in memory while reading. */
export const MAX_SHAPEFILE_BYTES = 1024 * 1024 * 1024;

// ---------------------------------------------------------------- .prj

/**
 * The coordinate system a .prj (WKT) declares: `wgs84` for geographic WGS 84 or CGCS2000 (the
 * same to within centimetres), null for anything else geographic or unrecognised. A projected
 * system cannot be imported as lon/lat and is refused with an ImportFileError.
 */
export function crsFromPrj(wkt: string): DetectedCrs | null {
  const head = /^\s*([A-Za-z_]+)\s*\[\s*"([^"]*)"/.exec(wkt);
  if (!head) return null;
  const kind = head[1]!.toUpperCase();
  const name = head[2]!;
  if (kind === 'PROJCS' || kind === 'PROJCRS' || kind === 'PROJECTEDCRS') {
    throw new ImportFileError(
      `the Shapefile is in a projected coordinate system (${name}); reproject it to WGS 84 or CGCS2000 geographic coordinates`,
    );
  }
  if (kind !== 'GEOGCS' && kind !== 'GEOGCRS' && kind !== 'GEODCRS' && kind !== 'GEOGRAPHICCRS') return null;
  const datum = /DATUM\s*\[\s*"([^"]*)"/i.exec(wkt)?.[1] ?? '';
  const known = /wgs1984|wgs84|chinageodeticcoordinatesystem2000|cgcs2000|china2000/;
  const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return known.test(squash(name)) || known.test(squash(datum)) ? 'wgs84' : null;
}

// ---------------------------------------------------------------- .dbf

interface DbfField {
  name: string;
  type: string;
  /** Byte offset inside a record (the deletion flag is byte 0). */
  offset: number;
  length: number;
}

/** A parsed .dbf: field layout, record count and the decoder for its text. */
export interface DbfTable {
  fields: DbfField[];
  recordCount: number;
  headerLength: number;
  recordLength: number;
  encoding: 'utf-8' | string;
}

function trimBytes(buf: Buffer, start: number, end: number): [number, number] {
  while (end > start && (buf[end - 1] === 0x20 || buf[end - 1] === 0x00)) end--;
  while (start < end && (buf[start] === 0x20 || buf[start] === 0x00)) start++;
  return [start, end];
}

/**
 * The text encoding of a .dbf: the .cpg names it, else the language driver byte (GBK code
 * pages), else UTF-8 when every text field is valid UTF-8 (a character cut at the end of a
 * field is allowed), else GB18030.
 */
function dbfEncoding(
  dbf: Buffer,
  fields: DbfField[],
  start: number,
  count: number,
  recordLength: number,
  cpg: string | null,
): string {
  if (cpg !== null && cpg.trim() !== '') {
    const named = encodingFromLabel(cpg);
    if (named) return named;
    try {
      return new TextDecoder(cpg.trim()).encoding;
    } catch {
      // an unknown label: decide as if there were no .cpg
    }
  }
  const driver = encodingFromDbfLanguageDriver(dbf[29] ?? 0);
  if (driver) return driver;
  if (isUtf8(dbf.subarray(start, start + count * recordLength))) return 'utf-8';
  const textFields = fields.filter((f) => f.type === 'C');
  for (let r = 0; r < count; r++) {
    const at = start + r * recordLength;
    for (const f of textFields) {
      const [s, e] = trimBytes(dbf, at + f.offset, at + f.offset + f.length);
      if (!isUtf8Prefix(dbf.subarray(s, e))) return 'gb18030';
    }
  }
  return 'utf-8';
}

/** Reads the .dbf header and decides its text encoding. */
export function parseDbfHeader(dbf: Buffer, cpg: string | null): DbfTable {
  if (dbf.length < 32) throw new ImportFileError('the .dbf file is too short to be a dBase table');
  const recordCount = dbf.readUInt32LE(4);
  const headerLength = dbf.readUInt16LE(8);
  const recordLength = dbf.readUInt16LE(10);
  if (headerLength < 33 || headerLength > dbf.length || recordLength < 1) {
    throw new ImportFileError('the .dbf file header is damaged (bad header or record length)');
  }
  const raw: Array<Omit<DbfField, 'name'> & { nameBytes: Buffer }> = [];
  let offset = 1;
  for (let p = 32; p + 32 <= headerLength && dbf[p] !== 0x0d; p += 32) {
    let end = p;
    while (end < p + 11 && dbf[end] !== 0) end++;
    const length = dbf[p + 16]!;
    raw.push({
      nameBytes: dbf.subarray(p, end),
      type: String.fromCharCode(dbf[p + 11]!).toUpperCase(),
      offset,
      length,
    });
    offset += length;
  }
  if (offset > recordLength) {
    throw new ImportFileError(
      `the .dbf fields take ${offset} bytes but a record is only ${recordLength} bytes long`,
    );
  }
  const available = Math.floor((dbf.length - headerLength) / recordLength);
  if (available < recordCount) {
    throw new ImportFileError(
      `the .dbf file is truncated: it declares ${recordCount} records but holds ${available}`,
    );
  }
  const withoutNames = raw.map((f) => ({ ...f, name: '' }));
  const encoding = dbfEncoding(dbf, withoutNames, headerLength, recordCount, recordLength, cpg);
  const decoder = new TextDecoder(encoding);
  const names = uniqueNames(raw.map((f) => decoder.decode(f.nameBytes)));
  const fields = raw.map((f, i) => ({ name: names[i]!, type: f.type, offset: f.offset, length: f.length }));
  return { fields, recordCount, headerLength, recordLength, encoding };
}

/** The attribute values of record `index` (0-based), or null when the record is marked deleted. */
export function readDbfRecord(
  dbf: Buffer,
  table: DbfTable,
  index: number,
  decoder: TextDecoder,
): Record<string, SourceValue> | null {
  const at = table.headerLength + index * table.recordLength;
  if (dbf[at] === 0x2a) return null; // '*': deleted
  const properties: Record<string, SourceValue> = {};
  const utf8 = table.encoding === 'utf-8';
  for (const f of table.fields) {
    const [s, e] = trimBytes(dbf, at + f.offset, at + f.offset + f.length);
    let value: SourceValue = null;
    if (e > s) {
      switch (f.type) {
        case 'N':
        case 'F': {
          const t = dbf.toString('latin1', s, e);
          if (!/^\*+$/.test(t)) {
            const n = Number(t);
            value = Number.isFinite(n) ? n : t;
          }
          break;
        }
        case 'L': {
          const c = String.fromCharCode(dbf[s]!);
          value = 'TtYy'.includes(c) ? true : 'FfNn'.includes(c) ? false : null;
          break;
        }
        case 'D': {
          const t = dbf.toString('latin1', s, e);
          const m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
          value = t === '00000000' ? null : m ? `${m[1]}-${m[2]}-${m[3]}` : t;
          break;
        }
        default: {
          // a writer may cut a UTF-8 character at the end of a fixed-width field: drop the remnant
          const t = utf8
            ? dbf.toString('utf8', s, e).replace(/\uFFFD+$/, '')
            : decoder.decode(dbf.subarray(s, e));
          value = t.trim() === '' ? null : t.trim();
        }
      }
    }
    setProperty(properties, f.name, value);
  }
  return properties;
}

// ---------------------------------------------------------------- .shp

const SHP_FILE_CODE = 9994;

/** Thrown while decoding one shape; becomes the record's `error`. */
class BadShape extends Error {}

function pointInRing(x: number, y: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Shapefile rings as a GeoJSON Polygon or MultiPolygon. In a Shapefile outer rings are
 * clockwise and holes counter-clockwise, and a hole belongs to the outer ring containing it;
 * GeoJSON wants the opposite orientation (RFC 7946: outer counter-clockwise). A hole inside
 * no outer ring is taken as an outer ring (a common writer mistake).
 */
export function assemblePolygon(rings: number[][][]): SourceGeometry | null {
  interface Outer {
    ring: number[][];
    area: number;
    holes: number[][][];
  }
  const outers: Outer[] = [];
  const holes: number[][][] = [];
  for (const ring of rings) {
    const area = signedArea2(ring);
    if (area > 0) holes.push(ring);
    else outers.push({ ring, area: -area, holes: [] });
  }
  for (const hole of holes) {
    let best: Outer | null = null;
    for (const outer of outers) {
      // test a few vertices: one of them may sit on the outer ring's boundary
      const inside = hole.slice(0, 3).some((p) => pointInRing(p[0]!, p[1]!, outer.ring));
      if (inside && (best === null || outer.area < best.area)) best = outer;
    }
    if (best) best.holes.push([...hole].reverse());
    else outers.push({ ring: [...hole].reverse(), area: signedArea2(hole), holes: [] });
  }
  const polygons = outers.map((o) => [[...o.ring].reverse(), ...o.holes]);
  if (polygons.length === 0) return null;
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0] }
    : { type: 'MultiPolygon', coordinates: polygons };
}

/** Decodes the shape whose content (after the 8-byte record header) spans [start, end) of `shp`. */
function readShape(shp: Buffer, start: number, end: number): SourceGeometry | null {
  const need = (bytes: number): void => {
    if (start + bytes > end) throw new BadShape('the shape is shorter than its type requires');
  };
  need(4);
  const type = shp.readInt32LE(start);
  const point = (at: number): number[] => {
    const x = shp.readDoubleLE(at);
    const y = shp.readDoubleLE(at + 8);
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new BadShape('a point has no valid coordinates');
    return [x, y];
  };
  switch (type) {
    case 0:
      return null;
    case 1:
    case 11:
    case 21:
      need(20);
      return { type: 'Point', coordinates: point(start + 4) };
    case 8:
    case 18:
    case 28: {
      need(40);
      const n = shp.readInt32LE(start + 36);
      if (n < 0) throw new BadShape('the point count is negative');
      need(40 + 16 * n);
      if (n === 0) return null;
      const coordinates: number[][] = [];
      for (let i = 0; i < n; i++) coordinates.push(point(start + 40 + 16 * i));
      return { type: 'MultiPoint', coordinates };
    }
    case 3:
    case 13:
    case 23:
    case 5:
    case 15:
    case 25: {
      need(44);
      const numParts = shp.readInt32LE(start + 36);
      const numPoints = shp.readInt32LE(start + 40);
      if (numParts < 0 || numPoints < 0) throw new BadShape('the part or point count is negative');
      const pointsAt = start + 44 + 4 * numParts;
      need(44 + 4 * numParts + 16 * numPoints);
      if (numParts === 0 || numPoints === 0) return null;
      const parts: number[][][] = [];
      for (let p = 0; p < numParts; p++) {
        const first = shp.readInt32LE(start + 44 + 4 * p);
        const last = p + 1 < numParts ? shp.readInt32LE(start + 48 + 4 * p) : numPoints;
        if (first < 0 || last > numPoints || last < first)
          throw new BadShape(`part ${p + 1} has bad point indices`);
        const part: number[][] = [];
        for (let i = first; i < last; i++) part.push(point(pointsAt + 16 * i));
        parts.push(part);
      }
      const isPolygon = type % 10 === 5;
      if (isPolygon) return assemblePolygon(parts);
      return parts.length === 1
        ? { type: 'LineString', coordinates: parts[0] }
        : { type: 'MultiLineString', coordinates: parts };
    }
    default:
      throw new BadShape(`shape type ${type} is not supported`);
  }
}

/** Content spans ([start, end) byte offsets) of the records in a .shp, checked against its size. */
function indexShp(shp: Buffer): Array<[number, number]> {
  if (shp.length < 100 || shp.readInt32BE(0) !== SHP_FILE_CODE) {
    throw new ImportFileError('the .shp file is not a Shapefile (bad file code in its header)');
  }
  const end = Math.min(shp.length, shp.readInt32BE(24) * 2);
  const spans: Array<[number, number]> = [];
  let at = 100;
  while (at + 8 <= end) {
    const length = shp.readInt32BE(at + 4) * 2;
    if (length < 0 || at + 8 + length > shp.length) {
      throw new ImportFileError(
        `the .shp file is truncated at record ${spans.length + 1} (byte offset ${at})`,
      );
    }
    spans.push([at + 8, at + 8 + length]);
    at += 8 + length;
  }
  return spans;
}

// ---------------------------------------------------------------- zip

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The member files of the Shapefile in the archive (the .shp, and its .dbf, .prj, .cpg). */
function pickFiles(entries: ZipEntry[]): { shp: ZipEntry; dbf: ZipEntry; prj?: ZipEntry; cpg?: ZipEntry } {
  // macOS archivers add resource forks (`__MACOSX/`, `._name`) that are not data
  const files = entries.filter(
    (e) => !e.isDirectory && !e.name.startsWith('__MACOSX/') && !baseName(e.name).startsWith('._'),
  );
  const withExt = (ext: string): ZipEntry[] => files.filter((e) => e.name.toLowerCase().endsWith(ext));
  const shps = withExt('.shp');
  if (shps.length === 0) {
    const names = files.map((e) => e.name).slice(0, 20);
    throw new ImportFileError(
      `the zip archive holds no .shp file (it holds: ${names.join(', ') || 'nothing'})`,
    );
  }
  if (shps.length > 1) {
    throw new ImportFileError(
      `the zip archive holds ${shps.length} .shp files (${shps.map((e) => e.name).join(', ')}); upload one Shapefile per zip`,
    );
  }
  const shp = shps[0]!;
  const stem = shp.name.slice(0, -4).toLowerCase();
  // the sibling with the same name, else the only file of that kind in the archive
  const sibling = (ext: string): ZipEntry | undefined => {
    const all = withExt(ext);
    return all.find((e) => e.name.toLowerCase() === stem + ext) ?? (all.length === 1 ? all[0] : undefined);
  };
  const dbf = sibling('.dbf');
  if (!dbf)
    throw new ImportFileError(`the zip archive holds ${shp.name} but no .dbf file with its attributes`);
  return { shp, dbf, prj: sibling('.prj'), cpg: sibling('.cpg') };
}

/** Streams the records of a zipped Shapefile. */
export async function* readShapefile(
  file: string,
  options: ReadOptions,
  meta: ReaderMeta,
): AsyncGenerator<SourceRecord> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const handle = await openFile(file);
  let zipSize: number;
  let shp: Buffer;
  let dbf: Buffer;
  let cpg: string | null = null;
  try {
    zipSize = (await handle.stat()).size;
    const picked = pickFiles(await listZipEntries(handle, zipSize));
    if (picked.shp.size + picked.dbf.size > MAX_SHAPEFILE_BYTES) {
      throw new ImportFileError(
        `the Shapefile is too large: ${picked.shp.name} and ${picked.dbf.name} hold ${picked.shp.size + picked.dbf.size} bytes uncompressed (at most 1 GB)`,
      );
    }
    if (picked.prj) {
      meta.detectedCrs = crsFromPrj((await readZipEntry(handle, picked.prj)).toString('utf8'));
    }
    if (picked.cpg) cpg = (await readZipEntry(handle, picked.cpg)).toString('latin1');
    signal?.throwIfAborted();
    shp = await readZipEntry(handle, picked.shp);
    signal?.throwIfAborted();
    dbf = await readZipEntry(handle, picked.dbf);
  } finally {
    await handle.close();
  }
  const spans = indexShp(shp);
  const table = parseDbfHeader(dbf, cpg);
  const decoder = new TextDecoder(table.encoding);
  const total = Math.max(spans.length, table.recordCount);
  for (let i = 0; i < total; i++) {
    signal?.throwIfAborted();
    // extraction is quick next to what the caller does with the records, so progress follows them
    if (onProgress && i % 1024 === 0) onProgress(Math.floor((zipSize * i) / total));
    const row = i + 1;
    let properties: Record<string, SourceValue> = {};
    let error: string | undefined;
    if (i < table.recordCount) {
      const p = readDbfRecord(dbf, table, i, decoder);
      if (p === null) continue; // deleted in the .dbf
      properties = p;
    } else {
      error = `record ${row} has a shape but no attributes (the .dbf holds ${table.recordCount} records)`;
    }
    let geometry: SourceGeometry | null = null;
    const span = spans[i];
    if (span) {
      try {
        geometry = readShape(shp, span[0], span[1]);
      } catch (e) {
        if (!(e instanceof BadShape)) throw e;
        error = `record ${row}: ${e.message}`;
      }
    } else {
      error = `record ${row} has attributes but no shape (the .shp holds ${spans.length} records)`;
    }
    const record: SourceRecord = { row, properties, geometry };
    if (error) record.error = error;
    yield record;
  }
  onProgress?.(zipSize);
}
