/**
 * Writes polygon Shapefiles (ESRI Shapefile Technical Description, 1998): .shp, .shx, .dbf
 * (dBase III, UTF-8 text declared in .cpg), .prj for WGS84 lon/lat (EPSG:4326), and a zip
 * holding them. Small and dependency-free: grids are a few hundred polygons at most.
 */
import { deflateRawSync } from 'node:zlib';

/** A dBase field: C text (length in bytes, UTF-8) or N integer (digits). */
export interface DbfField {
  name: string;
  type: 'C' | 'N';
  length: number;
}

/** One polygon record: rings of [lon, lat] per polygon part (GeoJSON Polygon or MultiPolygon coordinates). */
export interface ShapeRecord {
  polygons: number[][][][];
  attributes: Record<string, string | number | null>;
}

/** WGS84 as ESRI's .prj writes it. */
export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const SHAPE_NULL = 0;
const SHAPE_POLYGON = 5;

/** Twice the signed area of a ring (positive = counter-clockwise in lon/lat). */
export function signedArea2(ring: number[][]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    s += x1 * y2 - x2 * y1;
  }
  return s;
}

/** Shapefile ring order: outer rings clockwise, holes counter-clockwise. */
function orientedRings(polygons: number[][][][]): number[][][] {
  const out: number[][][] = [];
  for (const polygon of polygons) {
    for (const [i, ring] of polygon.entries()) {
      const clockwise = signedArea2(ring) < 0;
      const wantClockwise = i === 0;
      out.push(clockwise === wantClockwise ? ring : [...ring].reverse());
    }
  }
  return out;
}

function header(buf: Buffer, shapeType: number, fileBytes: number, box: number[]): void {
  buf.writeInt32BE(9994, 0);
  buf.writeInt32BE(fileBytes / 2, 24);
  buf.writeInt32LE(1000, 28);
  buf.writeInt32LE(shapeType, 32);
  for (let i = 0; i < 4; i++) buf.writeDoubleLE(box[i] ?? 0, 36 + i * 8);
}

/** The .shp and .shx bytes of polygon records. */
export function writeShpShx(records: ShapeRecord[]): { shp: Buffer; shx: Buffer } {
  const contents: Buffer[] = [];
  const total = [Infinity, Infinity, -Infinity, -Infinity];
  for (const rec of records) {
    const rings = orientedRings(rec.polygons);
    if (rings.length === 0) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(SHAPE_NULL, 0);
      contents.push(b);
      continue;
    }
    const points = rings.reduce((n, r) => n + r.length, 0);
    const b = Buffer.alloc(44 + 4 * rings.length + 16 * points);
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    b.writeInt32LE(SHAPE_POLYGON, 0);
    b.writeInt32LE(rings.length, 36);
    b.writeInt32LE(points, 40);
    let at = 44 + 4 * rings.length;
    let index = 0;
    for (const [i, ring] of rings.entries()) {
      b.writeInt32LE(index, 44 + 4 * i);
      for (const p of ring) {
        const x = p[0] ?? 0;
        const y = p[1] ?? 0;
        b.writeDoubleLE(x, at);
        b.writeDoubleLE(y, at + 8);
        at += 16;
        box[0] = Math.min(box[0]!, x);
        box[1] = Math.min(box[1]!, y);
        box[2] = Math.max(box[2]!, x);
        box[3] = Math.max(box[3]!, y);
      }
      index += ring.length;
    }
    for (let i = 0; i < 4; i++) b.writeDoubleLE(box[i]!, 4 + i * 8);
    total[0] = Math.min(total[0]!, box[0]!);
    total[1] = Math.min(total[1]!, box[1]!);
    total[2] = Math.max(total[2]!, box[2]!);
    total[3] = Math.max(total[3]!, box[3]!);
    contents.push(b);
  }
  const box = Number.isFinite(total[0]) ? total : [0, 0, 0, 0];
  const shpBytes = 100 + contents.reduce((n, c) => n + 8 + c.length, 0);
  const shp = Buffer.alloc(shpBytes);
  const shx = Buffer.alloc(100 + 8 * contents.length);
  header(shp, SHAPE_POLYGON, shpBytes, box);
  header(shx, SHAPE_POLYGON, shx.length, box);
  let offset = 100;
  for (const [i, c] of contents.entries()) {
    shp.writeInt32BE(i + 1, offset);
    shp.writeInt32BE(c.length / 2, offset + 4);
    c.copy(shp, offset + 8);
    shx.writeInt32BE(offset / 2, 100 + 8 * i);
    shx.writeInt32BE(c.length / 2, 104 + 8 * i);
    offset += 8 + c.length;
  }
  return { shp, shx };
}

/** UTF-8 bytes of `text` cut to at most `max` bytes without splitting a character. */
function utf8Prefix(text: string, max: number): Buffer {
  let b = Buffer.from(text, 'utf8');
  if (b.length <= max) return b;
  let end = max;
  // back up to the start of a character (continuation bytes are 10xxxxxx)
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  b = b.subarray(0, end);
  return b;
}

/** The .dbf bytes (dBase III) of the records' attributes; text is UTF-8 (say so in .cpg). */
export function writeDbf(fields: DbfField[], records: ShapeRecord[], today = new Date()): Buffer {
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0);
  const buf = Buffer.alloc(headerLength + recordLength * records.length + 1, 0);
  buf.writeUInt8(0x03, 0);
  buf.writeUInt8(today.getUTCFullYear() - 1900, 1);
  buf.writeUInt8(today.getUTCMonth() + 1, 2);
  buf.writeUInt8(today.getUTCDate(), 3);
  buf.writeUInt32LE(records.length, 4);
  buf.writeUInt16LE(headerLength, 8);
  buf.writeUInt16LE(recordLength, 10);
  for (const [i, f] of fields.entries()) {
    const at = 32 + 32 * i;
    Buffer.from(f.name.slice(0, 10), 'ascii').copy(buf, at);
    buf.write(f.type, at + 11, 'ascii');
    buf.writeUInt8(f.length, at + 16);
    buf.writeUInt8(0, at + 17);
  }
  buf.writeUInt8(0x0d, headerLength - 1);
  let at = headerLength;
  for (const rec of records) {
    buf.write(' ', at, 'ascii');
    let col = at + 1;
    for (const f of fields) {
      buf.fill(0x20, col, col + f.length);
      const v = rec.attributes[f.name];
      if (v !== null && v !== undefined) {
        if (f.type === 'N') {
          const s = String(Math.round(Number(v))).slice(0, f.length);
          buf.write(s, col + f.length - s.length, 'ascii');
        } else {
          utf8Prefix(String(v), f.length).copy(buf, col);
        }
      }
      col += f.length;
    }
    at += recordLength;
  }
  buf.writeUInt8(0x1a, at);
  return buf;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zip uses). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive (deflate, UTF-8 names) of the given files. */
export function zip(files: Array<{ name: string; data: Buffer }>, when = new Date()): Buffer {
  const dosTime = (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | (when.getUTCSeconds() >> 1);
  const dosDate = ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const packed = deflateRawSync(f.data);
    const crc = crc32(f.data);
    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    name.copy(local, 30);
    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    name.copy(central, 46);
    locals.push(local, packed);
    centrals.push(central);
    offset += local.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * A zipped polygon Shapefile named `base` (.shp, .shx, .dbf, .prj, .cpg), lon/lat WGS84 by default.
 * `prj` null leaves the .prj out: for coordinates in a CRS with no projection definition
 * (GCJ-02, BD-09), where a WGS84 .prj would make readers take shifted coordinates as WGS84.
 * Records without polygons are written as null shapes.
 */
export function shapefileZip(
  base: string,
  fields: DbfField[],
  records: ShapeRecord[],
  prj: string | null = WGS84_PRJ,
): Buffer {
  const { shp, shx } = writeShpShx(records);
  return zip([
    { name: `${base}.shp`, data: shp },
    { name: `${base}.shx`, data: shx },
    { name: `${base}.dbf`, data: writeDbf(fields, records) },
    ...(prj === null ? [] : [{ name: `${base}.prj`, data: Buffer.from(prj, 'ascii') }]),
    { name: `${base}.cpg`, data: Buffer.from('UTF-8', 'ascii') },
  ]);
}
