/**
 * Streaming GeoJSON reader. A FeatureCollection is never parsed whole: a byte scanner that
 * tracks strings, escapes and nesting depth cuts each element of the `features` array out of
 * the stream and only that text goes to JSON.parse, so memory stays at one feature plus one
 * read chunk however large the file. Also reads a single Feature (or bare geometry), a top-level
 * array of features, and newline-delimited GeoJSON (one Feature per line).
 */
import {
  ByteWindow,
  ImportFileError,
  limitsOf,
  readChunks,
  setProperty,
  type DetectedCrs,
  type ReadOptions,
  type ReaderMeta,
  type SourceGeometry,
  type SourceGeometryType,
  type SourceRecord,
  type SourceValue,
} from './common.ts';
import { recogniseGeojsonCrs, UnsupportedCrsError } from '../crs/recognise.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** JSON whitespace, plus the record separator of RFC 8142 GeoJSON text sequences. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x1e;
}

/** How deep each geometry type nests positions (0: the coordinates are one position). */
const POSITION_DEPTH: Record<SourceGeometryType, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

/** Thrown inside coordinate conversion; becomes the record's `error`. */
class BadGeometry extends Error {}

function convertPositions(value: unknown, depth: number): unknown {
  if (!Array.isArray(value)) {
    throw new BadGeometry(`expected ${depth === 0 ? 'a position' : 'an array'} but found ${brief(value)}`);
  }
  if (depth === 0) {
    const [x, y] = value as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new BadGeometry(`the position ${brief(value)} is not [longitude, latitude] numbers`);
    }
    return [x, y];
  }
  return value.map((v) => convertPositions(v, depth - 1));
}

/** A short rendering of a JSON value for error messages. */
function brief(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * A GeoJSON geometry object as a SourceGeometry (2D positions), null for a null geometry, or
 * the reason it cannot be one.
 */
export function convertGeometry(geometry: unknown): { geometry: SourceGeometry | null } | { error: string } {
  if (geometry === null || geometry === undefined) return { geometry: null };
  if (typeof geometry !== 'object' || Array.isArray(geometry)) {
    return { error: `the geometry is not a GeoJSON geometry object (${brief(geometry)})` };
  }
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (g.type === 'GeometryCollection') return { error: 'GeometryCollection geometries are not supported' };
  if (typeof g.type !== 'string' || !Object.hasOwn(POSITION_DEPTH, g.type)) {
    return { error: `the geometry type ${brief(g.type)} is not a GeoJSON geometry type` };
  }
  const type = g.type as SourceGeometryType;
  try {
    return { geometry: { type, coordinates: convertPositions(g.coordinates, POSITION_DEPTH[type]) } };
  } catch (e) {
    if (e instanceof BadGeometry) return { error: `the ${type} geometry is invalid: ${e.message}` };
    throw e;
  }
}

/** A property value as a SourceValue: nested objects and arrays become JSON text. */
function convertValue(value: unknown): SourceValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** A parsed Feature as a record; `what` names it in messages ("feature 12"). */
export function featureToRecord(feature: unknown, row: number, what: string): SourceRecord {
  const properties: Record<string, SourceValue> = {};
  if (typeof feature !== 'object' || feature === null || Array.isArray(feature)) {
    return { row, properties, geometry: null, error: `${what} is not a GeoJSON Feature object` };
  }
  const f = feature as { type?: unknown; id?: unknown; properties?: unknown; geometry?: unknown };
  if (f.type !== 'Feature') {
    return {
      row,
      properties,
      geometry: null,
      error: `${what} has type ${brief(f.type)} instead of "Feature"`,
    };
  }
  let error: string | undefined;
  if (typeof f.properties === 'object' && f.properties !== null && !Array.isArray(f.properties)) {
    for (const [k, v] of Object.entries(f.properties)) setProperty(properties, k, convertValue(v));
  } else if (f.properties !== null && f.properties !== undefined) {
    error = `${what} has properties that are not an object (${brief(f.properties)})`;
  }
  if ((typeof f.id === 'string' || typeof f.id === 'number') && !Object.hasOwn(properties, 'id')) {
    properties.id = f.id;
  }
  const g = convertGeometry(f.geometry);
  if ('error' in g) return { row, properties, geometry: null, error: `${what}: ${g.error}` };
  const record: SourceRecord = { row, properties, geometry: g.geometry };
  if (error) record.error = error;
  return record;
}

/**
 * The coordinate system a (pre-RFC 7946) `crs` member names, found in the text of the
 * collection before its features: the id of a shipped definition, or null when there is no
 * member or it names WGS 84. A system the import cannot convert is refused (an ImportFileError
 * `import_unsupported_crs`): its coordinates would be taken for something they are not.
 */
export function crsFromMember(prefix: string): DetectedCrs | null {
  const m = /"crs"\s*:\s*\{/.exec(prefix);
  if (!m) return null;
  // the member's object, up to its closing brace (it holds no braces inside strings in practice)
  let depth = 0;
  let end = -1;
  for (let i = m.index + m[0].length - 1; i < prefix.length; i++) {
    const c = prefix[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      end = i + 1;
      break;
    }
  }
  if (end === -1) return null;
  let member: unknown;
  try {
    member = JSON.parse(prefix.slice(m.index + m[0].length - 1, end));
  } catch {
    return null;
  }
  try {
    const def = recogniseGeojsonCrs(member);
    return def && def.id !== 'wgs84' ? def.id : def ? 'wgs84' : null;
  } catch (e) {
    if (e instanceof UnsupportedCrsError) {
      throw new ImportFileError(e.message, 'import_unsupported_crs', e.params);
    }
    throw e;
  }
}

/** A complete JSON value cut out of the stream. */
interface Item {
  /** `feature`: an element of a features array; `top`: a top-level object without a features array. */
  kind: 'feature' | 'top';
  text: string;
  /** Byte offset of its first byte in the file. */
  offset: number;
}

/**
 * The resumable byte scanner. Indices are into `buf`; `base` is the file offset of `buf[0]`.
 * Between calls the buffer is cut back to the earliest byte still needed.
 */
class GeoJsonScanner {
  private window = new ByteWindow();
  buf: Buffer = Buffer.alloc(0);
  base = 0;
  i = 0;
  depth = 0;
  inString = false;
  stringStart = -1;
  /** Start of the current top-level value, kept while it may turn out to be a single Feature. */
  topStart = -1;
  topIsObject = false;
  featuresSeen = false;
  /** The last string closed at depth 1 of a top-level object was the key "features". */
  lastKeyFeatures = false;
  awaitFeatures = false;
  inFeatures = false;
  /** Depth inside the features array (a feature's `{` is met at this depth). */
  featDepth = 0;
  featStart = -1;
  /** Features and top-level objects cut so far (the number of the next one minus 1). */
  count = 0;
  prefix = '';

  constructor(private readonly maxElement: number) {}

  push(chunk: Buffer): void {
    let keep = this.i;
    if (this.inString) keep = Math.min(keep, this.stringStart);
    if (this.featStart >= 0) keep = Math.min(keep, this.featStart);
    if (this.topStart >= 0 && this.topIsObject && !this.featuresSeen) keep = Math.min(keep, this.topStart);
    this.window.shiftAndAppend(keep, chunk);
    this.buf = this.window.bytes;
    this.base += keep;
    this.i -= keep;
    if (this.stringStart >= 0) this.stringStart -= keep;
    if (this.featStart >= 0) this.featStart -= keep;
    if (this.topStart >= 0) this.topStart -= keep;
    // one feature (or a top-level object before its features) may not grow without bound
    const open =
      this.featStart >= 0
        ? this.featStart
        : this.topStart >= 0 && this.topIsObject && !this.featuresSeen
          ? this.topStart
          : -1;
    if (open >= 0 && this.buf.length - open > this.maxElement) {
      throw new ImportFileError(
        `feature ${this.count + 1} of the GeoJSON file (byte offset ${this.base + open}) is longer than ${this.maxElement} bytes; one feature may be at most ${this.maxElement} bytes`,
        'import_element_too_large',
        { what: 'feature', row: this.count + 1, limit: this.maxElement },
      );
    }
  }

  private fail(message: string, at: number): never {
    throw new ImportFileError(`${message} (byte offset ${this.base + at})`);
  }

  /** Cuts every complete item out of the buffered bytes. */
  scan(): Item[] {
    const out: Item[] = [];
    const buf = this.buf;
    const len = buf.length;
    let i = this.i;
    if (this.base === 0 && i === 0 && buf[0] === 0xef) {
      // a UTF-8 byte order mark; wait until all three bytes are here
      if (len < 3) return out;
      if (buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
    }
    while (i < len) {
      if (this.inString) {
        // jump to the next quote that is not escaped (an odd run of backslashes before it escapes it)
        let q = buf.indexOf(QUOTE, i);
        for (;;) {
          if (q === -1) break;
          let b = 0;
          while (q - 1 - b > this.stringStart && buf[q - 1 - b] === BACKSLASH) b++;
          if (b % 2 === 0) break;
          q = buf.indexOf(QUOTE, q + 1);
        }
        if (q === -1) {
          i = len;
          break;
        }
        this.inString = false;
        if (this.depth === 1 && this.topIsObject && !this.inFeatures) {
          this.lastKeyFeatures =
            q - this.stringStart === 9 && buf.toString('latin1', this.stringStart + 1, q) === 'features';
        }
        i = q + 1;
        continue;
      }
      const c = buf[i]!;
      if (isSpace(c) || c === COMMA) {
        i++;
        continue;
      }
      if (c === QUOTE) {
        if (this.depth === 0) this.fail('not GeoJSON: a string at the top level', i);
        if (this.awaitFeatures) this.fail('the "features" member is not an array', i);
        this.inString = true;
        this.stringStart = i;
        i++;
        continue;
      }
      if (c === COLON) {
        if (this.depth === 1 && this.topIsObject && !this.inFeatures) {
          this.awaitFeatures = this.lastKeyFeatures;
          this.lastKeyFeatures = false;
        }
        i++;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.depth === 0) {
          this.topStart = i;
          this.topIsObject = c === OPEN_BRACE;
          this.featuresSeen = false;
          this.lastKeyFeatures = false;
          this.awaitFeatures = false;
          if (!this.topIsObject) {
            // a bare array of features
            this.inFeatures = true;
            this.featuresSeen = true;
            this.featDepth = 1;
          }
        } else if (this.awaitFeatures) {
          if (c !== OPEN_BRACKET) this.fail('the "features" member is not an array', i);
          this.awaitFeatures = false;
          this.inFeatures = true;
          this.featuresSeen = true;
          this.featDepth = 2;
          this.prefix = buf.toString('utf8', this.topStart, Math.min(i, this.topStart + 65536));
        } else if (this.inFeatures && this.depth === this.featDepth) {
          if (c !== OPEN_BRACE) this.fail(`feature ${this.count + 1} is not an object`, i);
          this.featStart = i;
        }
        this.depth++;
        i++;
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.depth === 0) this.fail(`not GeoJSON: unexpected "${String.fromCharCode(c)}"`, i);
        this.depth--;
        if (this.inFeatures && this.depth === this.featDepth && this.featStart >= 0) {
          this.count++;
          out.push({
            kind: 'feature',
            text: buf.toString('utf8', this.featStart, i + 1),
            offset: this.base + this.featStart,
          });
          this.featStart = -1;
        } else if (this.inFeatures && this.depth === this.featDepth - 1) {
          this.inFeatures = false;
        }
        if (this.depth === 0) {
          if (this.topIsObject && !this.featuresSeen) {
            this.count++;
            out.push({
              kind: 'top',
              text: buf.toString('utf8', this.topStart, i + 1),
              offset: this.base + this.topStart,
            });
          }
          this.topStart = -1;
        }
        i++;
        continue;
      }
      // numbers, true/false/null: only meaningful inside a value
      if (this.depth === 0) {
        this.fail(`not GeoJSON: expected "{" but found "${String.fromCharCode(c)}"`, i);
      }
      if (this.awaitFeatures) this.fail('the "features" member is not an array', i);
      if (this.inFeatures && this.depth === this.featDepth)
        this.fail(`feature ${this.count + 1} is not an object`, i);
      i++;
    }
    this.i = i;
    return out;
  }

  /** Checks the end of the file: nothing may be left open, and there must have been something. */
  finish(): void {
    const at = this.buf.length;
    if (this.depth > 0 || this.inString) {
      if (this.featStart >= 0 || (this.topIsObject && !this.featuresSeen)) {
        this.fail(`the GeoJSON file ends in the middle of feature ${this.count + 1}`, at);
      }
      this.fail(
        `the GeoJSON file ends before its FeatureCollection is closed, after feature ${this.count}`,
        at,
      );
    }
    if (this.count === 0 && !this.featuresSeen) {
      // nothing but whitespace (or a byte order mark)
      throw new ImportFileError(
        this.base + at === 0 ? 'the GeoJSON file is empty' : 'the GeoJSON file holds no GeoJSON object',
      );
    }
  }
}

const GEOMETRY_TYPES = new Set(Object.keys(POSITION_DEPTH).concat('GeometryCollection'));

/** Streams the records of a GeoJSON file (see the module comment). */
export async function* readGeojson(
  file: string,
  options: ReadOptions & { chunkBytes?: number },
  meta: ReaderMeta,
): AsyncGenerator<SourceRecord> {
  const signal = options.signal;
  const scanner = new GeoJsonScanner(limitsOf(options).maxElementBytes);
  let row = 0;
  let crsChecked = false;
  const toRecords = function* (items: Item[]): Generator<SourceRecord> {
    for (const item of items) {
      row++;
      const what = `feature ${row}`;
      let value: unknown;
      try {
        value = JSON.parse(item.text);
      } catch (e) {
        yield {
          row,
          properties: {},
          geometry: null,
          error: `${what} (byte offset ${item.offset}) is not valid JSON: ${(e as Error).message}`,
        };
        continue;
      }
      if (item.kind === 'top') {
        const type = (value as { type?: unknown } | null)?.type;
        if (type === 'FeatureCollection') {
          row--; // a collection without a features array holds nothing
          continue;
        }
        if (typeof type === 'string' && GEOMETRY_TYPES.has(type)) {
          const g = convertGeometry(value);
          yield 'error' in g
            ? { row, properties: {}, geometry: null, error: `${what}: ${g.error}` }
            : { row, properties: {}, geometry: g.geometry };
          continue;
        }
        if (type !== 'Feature') {
          throw new ImportFileError(
            `the GeoJSON object at byte offset ${item.offset} has type ${brief(type)}; expected a FeatureCollection or Feature`,
          );
        }
      }
      yield featureToRecord(value, row, what);
    }
  };
  for await (const chunk of readChunks(file, options, options.chunkBytes)) {
    scanner.push(chunk);
    const items = scanner.scan();
    if (!crsChecked && scanner.featuresSeen) {
      crsChecked = true;
      meta.detectedCrs = crsFromMember(scanner.prefix);
    }
    for (const record of toRecords(items)) {
      signal?.throwIfAborted();
      yield record;
    }
  }
  scanner.finish();
}
