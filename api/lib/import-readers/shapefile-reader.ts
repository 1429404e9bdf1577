/**
 * Reader for a zipped Shapefile (ESRI Shapefile Technical Description, 1998): the .shp
 * geometry and .dbf attributes (dBase III), the optional .prj (coordinate system, recognised by
 * its parameters) and .cpg (text encoding). The .shp and the .dbf are streamed out of the
 * archive side by side, record by record, so memory stays at one record of each whatever
 * their size.
 */
import { signedArea2 } from '../shapefile.ts';
import { recogniseWkt, UnsupportedCrsError } from '../crs/recognise.ts';
import {
  ImportFileError,
  limitsOf,
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
import { ChunkReader, dataFiles, isArchiveName, ZipArchive, type ZipEntry } from './zip-reader.ts';

// ---------------------------------------------------------------- .prj

/**
 * The coordinate system a .prj (WKT) declares, recognised by its parameters: the id of a
 * shipped definition (`wgs84`, `EPSG:4490`, `EPSG:4547`…), or null for a geographic system the
 * import does not know. A projected system the import cannot convert is refused with an
 * ImportFileError (`import_unsupported_crs`) naming its parameters.
 */
export function crsFromPrj(wkt: string): DetectedCrs | null {
  try {
    return recogniseWkt(wkt)?.id ?? null;
  } catch (e) {
    if (e instanceof UnsupportedCrsError) {
      throw new ImportFileError(`the Shapefile's .prj: ${e.message}`, 'import_unsupported_crs', e.params);
    }
    throw e;
  }
}

// ---------------------------------------------------------------- .dbf

interface DbfField {
  name: string;
  type: string;
  /** Byte offset inside a record (the deletion flag is byte 0). */
  offset: number;
  length: number;
}

/** A .dbf's layout: fields, record count and size, and the encoding of its text. */
export interface DbfTable {
  fields: DbfField[];
  recordCount: number;
  headerLength: number;
  recordLength: number;
  /**
   * The text encoding: named by the .cpg or the language driver byte (`fixed`), else UTF-8 until
   * a text field that is not UTF-8 turns up, and GB18030 from then on.
   */
  encoding: string;
  fixed: boolean;
}

function trimBytes(buf: Buffer, start: number, end: number): [number, number] {
  while (end > start && (buf[end - 1] === 0x20 || buf[end - 1] === 0x00)) end--;
  while (start < end && (buf[start] === 0x20 || buf[start] === 0x00)) start++;
  return [start, end];
}

/** The encoding a .cpg or the language driver byte names, or null when neither does. */
function declaredEncoding(languageDriver: number, cpg: string | null): string | null {
  if (cpg !== null && cpg.trim() !== '') {
    const named = encodingFromLabel(cpg);
    if (named) return named;
    try {
      return new TextDecoder(cpg.trim()).encoding;
    } catch {
      // an unknown label: decide as if there were no .cpg
    }
  }
  return encodingFromDbfLanguageDriver(languageDriver);
}

/**
 * The first 32 bytes of a .dbf: the length of the whole header (to read the field
 * descriptors), checked.
 */
function dbfHeaderLength(head: Buffer): number {
  if (head.length < 32) throw new ImportFileError('the .dbf file is too short to be a dBase table');
  const headerLength = head.readUInt16LE(8);
  if (headerLength < 33) throw new ImportFileError('the .dbf file header is damaged (bad header length)');
  return headerLength;
}

/** Reads the .dbf header (the fixed 32 bytes and the field descriptors, `headerLength` bytes in all). */
export function parseDbfHeader(header: Buffer, cpg: string | null): DbfTable {
  if (header.length < 32) throw new ImportFileError('the .dbf file is too short to be a dBase table');
  const recordCount = header.readUInt32LE(4);
  const headerLength = header.readUInt16LE(8);
  const recordLength = header.readUInt16LE(10);
  if (headerLength < 33 || headerLength > header.length || recordLength < 1) {
    throw new ImportFileError('the .dbf file header is damaged (bad header or record length)');
  }
  const raw: Array<Omit<DbfField, 'name'> & { nameBytes: Buffer }> = [];
  let offset = 1;
  for (let p = 32; p + 32 <= headerLength && header[p] !== 0x0d; p += 32) {
    let end = p;
    while (end < p + 11 && header[end] !== 0) end++;
    const length = header[p + 16]!;
    raw.push({
      nameBytes: header.subarray(p, end),
      type: String.fromCharCode(header[p + 11]!).toUpperCase(),
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
  const declared = declaredEncoding(header[29] ?? 0, cpg);
  const nameEncoding = declared ?? (raw.every((f) => isUtf8Prefix(f.nameBytes)) ? 'utf-8' : 'gb18030');
  const decoder = new TextDecoder(nameEncoding);
  const names = uniqueNames(raw.map((f) => decoder.decode(f.nameBytes)));
  const fields = raw.map((f, i) => ({ name: names[i]!, type: f.type, offset: f.offset, length: f.length }));
  return {
    fields,
    recordCount,
    headerLength,
    recordLength,
    encoding: declared ?? (nameEncoding === 'gb18030' ? 'gb18030' : 'utf-8'),
    fixed: declared !== null,
  };
}

/**
 * The attribute values of one record (`record`: its `recordLength` bytes), or null when the
 * record is marked deleted. An undeclared encoding turns to GB18030 at the first text field
 * that is not UTF-8 (`table.encoding` is updated).
 */
export function readDbfRecord(record: Buffer, table: DbfTable): Record<string, SourceValue> | null {
  if (record[0] === 0x2a) return null; // '*': deleted
  const properties: Record<string, SourceValue> = {};
  for (const f of table.fields) {
    const [s, e] = trimBytes(record, f.offset, f.offset + f.length);
    let value: SourceValue = null;
    if (e > s) {
      switch (f.type) {
        case 'N':
        case 'F': {
          const t = record.toString('latin1', s, e);
          if (!/^\*+$/.test(t)) {
            const n = Number(t);
            value = Number.isFinite(n) ? n : t;
          }
          break;
        }
        case 'L': {
          const c = String.fromCharCode(record[s]!);
          value = 'TtYy'.includes(c) ? true : 'FfNn'.includes(c) ? false : null;
          break;
        }
        case 'D': {
          const t = record.toString('latin1', s, e);
          const m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
          value = t === '00000000' ? null : m ? `${m[1]}-${m[2]}-${m[3]}` : t;
          break;
        }
        default: {
          const bytes = record.subarray(s, e);
          if (!table.fixed && table.encoding === 'utf-8' && !isUtf8Prefix(bytes)) table.encoding = 'gb18030';
          // a writer may cut a UTF-8 character at the end of a fixed-width field: drop the remnant
          const t =
            table.encoding === 'utf-8'
              ? bytes.toString('utf8').replace(/\uFFFD+$/, '')
              : decoderFor(table.encoding).decode(bytes);
          value = t.trim() === '' ? null : t.trim();
        }
      }
    }
    setProperty(properties, f.name, value);
  }
  return properties;
}

const decoders = new Map<string, TextDecoder>();
function decoderFor(encoding: string): TextDecoder {
  let d = decoders.get(encoding);
  if (!d) {
    d = new TextDecoder(encoding);
    decoders.set(encoding, d);
  }
  return d;
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

// ---------------------------------------------------------------- zip

/** The member files of the Shapefile in the archive (the .shp, and its .dbf, .prj, .cpg). */
function pickFiles(entries: ZipEntry[]): { shp: ZipEntry; dbf: ZipEntry; prj?: ZipEntry; cpg?: ZipEntry } {
  const files = dataFiles(entries);
  const withExt = (ext: string): ZipEntry[] => files.filter((e) => e.name.toLowerCase().endsWith(ext));
  const shps = withExt('.shp');
  if (shps.length === 0) {
    const names = files.map((e) => e.name).slice(0, 20);
    const nested = files.find((e) => isArchiveName(e.name));
    throw new ImportFileError(
      `the zip archive holds no .shp file (it holds: ${names.join(', ') || 'nothing'})${nested ? '; archives inside the archive are not opened: zip the Shapefile files themselves' : ''}`,
      nested ? 'import_nested_archive' : 'import_file_unreadable',
      nested ? { entry: nested.name } : {},
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
  const limits = limitsOf(options);
  signal?.throwIfAborted();
  const archive = await ZipArchive.open(file, options);
  let shp: ChunkReader | null = null;
  let dbf: ChunkReader | null = null;
  try {
    const picked = pickFiles(archive.entries);
    if (picked.prj) meta.detectedCrs = crsFromPrj((await archive.readSmall(picked.prj)).toString('utf8'));
    const cpg = picked.cpg ? (await archive.readSmall(picked.cpg)).toString('latin1') : null;
    signal?.throwIfAborted();
    shp = new ChunkReader(archive.stream(picked.shp, { signal, onProgress })[Symbol.asyncIterator]());
    dbf = new ChunkReader(archive.stream(picked.dbf, { signal })[Symbol.asyncIterator]());

    const shpHeader = await shp.read(100);
    if (shpHeader.length < 100 || shpHeader.readInt32BE(0) !== SHP_FILE_CODE) {
      throw new ImportFileError('the .shp file is not a Shapefile (bad file code in its header)');
    }
    // the file length the header declares bounds the records (some writers pad the file)
    const shpEnd = Math.min(picked.shp.size, shpHeader.readInt32BE(24) * 2);
    const head = await dbf.read(32);
    const rest = await dbf.read(dbfHeaderLength(head) - 32);
    const table = parseDbfHeader(Buffer.concat([head, rest]), cpg);

    let shapes = 0;
    let shpDone = false;
    for (let i = 0; ; i++) {
      signal?.throwIfAborted();
      const row = i + 1;
      // the next shape
      let span: Buffer | null = null;
      if (!shpDone && shp.position + 8 <= shpEnd) {
        const recordHeader = await shp.read(8);
        const length = recordHeader.length === 8 ? recordHeader.readInt32BE(4) * 2 : -1;
        if (length < 0 || shp.position - 8 + 8 + length > picked.shp.size) {
          throw new ImportFileError(
            `the .shp file is truncated at record ${shapes + 1} (byte offset ${shp.position - recordHeader.length})`,
          );
        }
        if (length > limits.maxElementBytes) {
          throw new ImportFileError(
            `record ${shapes + 1} of the .shp file is ${length} bytes long; one shape may be at most ${limits.maxElementBytes} bytes`,
            'import_element_too_large',
            { what: 'shape', row: shapes + 1, limit: limits.maxElementBytes },
          );
        }
        span = await shp.read(length);
        if (span.length < length) {
          throw new ImportFileError(
            `the .shp file is truncated at record ${shapes + 1} (byte offset ${shp.position - span.length - 8})`,
          );
        }
        shapes++;
      } else {
        shpDone = true;
      }
      let record: Buffer | null = null;
      if (i < table.recordCount) {
        record = await dbf.read(table.recordLength);
        if (record.length < table.recordLength) {
          throw new ImportFileError(
            `the .dbf file is truncated: it declares ${table.recordCount} records but holds ${i}`,
          );
        }
      }
      if (!span && !record) break;
      let properties: Record<string, SourceValue> = {};
      let error: string | undefined;
      if (record) {
        const p = readDbfRecord(record, table);
        if (p === null) continue; // deleted in the .dbf
        properties = p;
      } else {
        error = `record ${row} has a shape but no attributes (the .dbf holds ${table.recordCount} records)`;
      }
      let geometry: SourceGeometry | null = null;
      if (span) {
        try {
          geometry = readShape(span, 0, span.length);
        } catch (e) {
          if (!(e instanceof BadShape)) throw e;
          error = `record ${row}: ${e.message}`;
        }
      } else {
        error = `record ${row} has attributes but no shape (the .shp holds ${shapes} records)`;
      }
      const out: SourceRecord = { row, properties, geometry };
      if (error) out.error = error;
      yield out;
    }
    onProgress?.(archive.fileSize);
  } finally {
    await shp?.close();
    await dbf?.close();
    archive.close();
  }
}
