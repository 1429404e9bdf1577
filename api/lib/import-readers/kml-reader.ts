/**
 * Streaming KML 2.2 reader. The file is cut into `<Placemark>…</Placemark>` blocks at the byte
 * level (namespaced tags such as `<kml:Placemark>` too), and each block alone goes through a
 * small XML parser, so memory stays at one placemark plus one read chunk. Properties: `name`,
 * `description`, ExtendedData `<Data>` values and `<SchemaData>` `<SimpleData>`; geometry:
 * Point, LineString, LinearRing (as a line), Polygon, and MultiGeometry of one kind. A KMZ
 * (zipped KML) is recognised by its bytes, whatever the file is named, and its KML entry is
 * streamed out of the archive the same way.
 */
import {
  addProperty,
  ByteWindow,
  ImportFileError,
  readChunks,
  type ReadOptions,
  type ReaderMeta,
  type SourceGeometry,
  type SourceRecord,
  type SourceValue,
} from './common.ts';
import { isZipFile, kmzKmlChunks, openKmz } from './kmz-reader.ts';
import { encodingFromLabel, SNIFF_BYTES, sniffEncoding, type TextEncodingName } from './text-decoding.ts';

/** An element of a parsed placemark; the namespace prefix is dropped from `name`. */
interface XmlElement {
  name: string;
  /** The name as written, prefix included (for messages). */
  qname: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

/** Thrown while parsing one placemark; becomes the record's `error`. */
class PlacemarkError extends Error {}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text with XML character and entity references decoded (an unknown reference is left as written). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
}

// sticky: matched in place at lastIndex, without slicing the text
const TAG_NAME = /<([A-Za-z_][\w.:-]*)/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/y;

/** Parses one XML fragment (a placemark block) into its root element. */
function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#root', qname: '#root', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  let i = 0;
  const len = xml.length;
  while (i < len) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? len : lt;
    if (textEnd > i) stack[stack.length - 1]!.children.push(decodeEntities(xml.slice(i, textEnd)));
    if (lt === -1) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1) throw new PlacemarkError('a comment is not closed');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end === -1) throw new PlacemarkError('a CDATA section is not closed');
      stack[stack.length - 1]!.children.push(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml[lt + 1] === '?' || xml[lt + 1] === '!') {
      const end = xml.indexOf('>', lt);
      if (end === -1) throw new PlacemarkError('a declaration is not closed');
      i = end + 1;
    } else if (xml[lt + 1] === '/') {
      const end = xml.indexOf('>', lt);
      if (end === -1) throw new PlacemarkError('an end tag is not closed');
      const name = localName(xml.slice(lt + 2, end).trim());
      // tolerate a missing end tag in between by closing up to the matching element
      let k = stack.length - 1;
      while (k > 0 && stack[k]!.name !== name) k--;
      if (k === 0) throw new PlacemarkError(`the end tag </${name}> has no start tag`);
      stack.length = k;
      i = end + 1;
    } else {
      TAG_NAME.lastIndex = lt;
      const tag = TAG_NAME.exec(xml);
      if (!tag) throw new PlacemarkError(`a "<" that does not start a tag at character ${lt}`);
      const qname = tag[1]!;
      const el: XmlElement = { name: localName(qname), qname, attrs: {}, children: [] };
      let j = lt + tag[0].length;
      // attributes up to ">" or "/>" (a quoted value may contain ">")
      for (;;) {
        while (j < len && xml.charCodeAt(j) <= 0x20) j++;
        if (j >= len) throw new PlacemarkError(`the tag <${qname}> is not closed`);
        if (xml[j] === '>' || xml.startsWith('/>', j)) break;
        ATTRIBUTE.lastIndex = j;
        const attr = ATTRIBUTE.exec(xml);
        if (!attr) throw new PlacemarkError(`the tag <${qname}> has a malformed attribute`);
        el.attrs[localName(attr[1]!)] = decodeEntities(attr[3] ?? attr[4] ?? '');
        j += attr[0].length;
      }
      stack[stack.length - 1]!.children.push(el);
      if (xml[j] === '>') {
        stack.push(el);
        i = j + 1;
      } else {
        i = j + 2;
      }
    }
  }
  const first = root.children.find((c): c is XmlElement => typeof c !== 'string');
  if (!first) throw new PlacemarkError('no element');
  return first;
}

function childElements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter(
    (c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name),
  );
}

/** All text inside an element (descendants included), as written. */
function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

function valueOf(text: string): SourceValue {
  const t = text.trim();
  return t === '' ? null : t;
}

/** The positions of a `<coordinates>` element: "lon,lat[,alt]" tuples separated by whitespace. */
function parseCoordinates(el: XmlElement | undefined, owner: string): number[][] {
  if (!el) throw new PlacemarkError(`<${owner}> has no <coordinates>`);
  // some writers put spaces after the commas inside a tuple
  const text = textOf(el)
    .trim()
    .replace(/\s*,\s*/g, ',');
  if (text === '') return [];
  return text.split(/\s+/).map((tuple) => {
    const parts = tuple.split(',');
    const x = Number(parts[0]);
    const y = Number(parts[1]);
    if (
      parts.length < 2 ||
      parts[0] === '' ||
      parts[1] === '' ||
      !Number.isFinite(x) ||
      !Number.isFinite(y)
    ) {
      throw new PlacemarkError(
        `the coordinate "${tuple.slice(0, 60)}" in <${owner}> is not a longitude,latitude pair of numbers`,
      );
    }
    return [x, y];
  });
}

/** A ring closed (first position repeated at the end) as GeoJSON requires. */
function closeRing(ring: number[][]): number[][] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) return [...ring, first];
  return ring;
}

const GEOMETRY_NAMES = new Set([
  'Point',
  'LineString',
  'LinearRing',
  'Polygon',
  'MultiGeometry',
  'Track',
  'MultiTrack',
  'Model',
]);

function geometryOf(el: XmlElement): SourceGeometry {
  switch (el.name) {
    case 'Point': {
      const positions = parseCoordinates(childElements(el, 'coordinates')[0], 'Point');
      if (positions.length === 0) throw new PlacemarkError('<Point> has no coordinates');
      return { type: 'Point', coordinates: positions[0] };
    }
    case 'LineString':
    case 'LinearRing':
      return {
        type: 'LineString',
        coordinates: parseCoordinates(childElements(el, 'coordinates')[0], el.name),
      };
    case 'Polygon': {
      const ringsIn = (boundary: string): number[][][] =>
        childElements(el, boundary).flatMap((b) =>
          childElements(b, 'LinearRing').map((r) =>
            closeRing(parseCoordinates(childElements(r, 'coordinates')[0], `Polygon> <${boundary}`)),
          ),
        );
      const outer = ringsIn('outerBoundaryIs');
      if (outer.length === 0) throw new PlacemarkError('<Polygon> has no <outerBoundaryIs> ring');
      return { type: 'Polygon', coordinates: [outer[0]!, ...ringsIn('innerBoundaryIs')] };
    }
    case 'MultiGeometry': {
      const parts = childElements(el)
        .filter((c) => GEOMETRY_NAMES.has(c.name))
        .map(geometryOf);
      // nested MultiGeometry elements are flattened into their parts
      const flat = parts.flatMap((g): SourceGeometry[] =>
        g.type.startsWith('Multi')
          ? (g.coordinates as unknown[]).map((c) => ({
              type: g.type.slice(5) as SourceGeometry['type'],
              coordinates: c,
            }))
          : [g],
      );
      const kinds = [...new Set(flat.map((g) => g.type))];
      if (kinds.length === 0) throw new PlacemarkError('<MultiGeometry> holds no geometry');
      if (kinds.length > 1) {
        throw new PlacemarkError(
          `<MultiGeometry> mixes ${kinds.join(' and ')}, which one record cannot hold`,
        );
      }
      return {
        type: `Multi${kinds[0]!}` as SourceGeometry['type'],
        coordinates: flat.map((g) => g.coordinates),
      };
    }
    default:
      throw new PlacemarkError(`the geometry <${el.qname}> is not supported`);
  }
}

/** One placemark block as a record. */
export function placemarkToRecord(xml: string, row: number): SourceRecord {
  const properties: Record<string, SourceValue> = {};
  const what = `placemark ${row}`;
  try {
    const pm = parseXml(xml);
    const name = childElements(pm, 'name')[0];
    if (name) properties.name = valueOf(textOf(name));
    const description = childElements(pm, 'description')[0];
    if (description) properties.description = valueOf(textOf(description));
    for (const ext of childElements(pm, 'ExtendedData')) {
      for (const data of childElements(ext, 'Data')) {
        const key = data.attrs.name;
        if (!key) continue;
        const value = childElements(data, 'value')[0];
        addProperty(properties, key, value ? valueOf(textOf(value)) : null);
      }
      for (const schemaData of childElements(ext, 'SchemaData')) {
        for (const simple of childElements(schemaData, 'SimpleData')) {
          const key = simple.attrs.name;
          if (key) addProperty(properties, key, valueOf(textOf(simple)));
        }
      }
    }
    const geometryElement = childElements(pm).find((c) => GEOMETRY_NAMES.has(c.name));
    const geometry = geometryElement ? geometryOf(geometryElement) : null;
    return { row, properties, geometry };
  } catch (e) {
    if (e instanceof PlacemarkError)
      return { row, properties, geometry: null, error: `${what}: ${e.message}` };
    throw e;
  }
}

const PLACEMARK = Buffer.from('Placemark', 'latin1');
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const COLON = 0x3a;

function isNameByte(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x2d ||
    c === 0x2e
  );
}

function isSpaceByte(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Where the tag containing the word "Placemark" at `at` begins (its "<") and whether it is an
 * end tag, or null when the word is not a Placemark tag name (e.g. inside text).
 */
function tagAround(buf: Buffer, at: number): { lt: number; end: boolean } | null {
  const after = buf[at + PLACEMARK.length];
  if (after !== undefined && !(after === GT || after === SLASH || isSpaceByte(after))) return null;
  let k = at - 1;
  if (buf[k] === COLON) {
    k--;
    while (k >= 0 && isNameByte(buf[k]!)) k--;
  }
  if (buf[k] === LT) return { lt: k, end: false };
  if (buf[k] === SLASH && buf[k - 1] === LT) return { lt: k - 1, end: true };
  return null;
}

/** What messages call the KML text: the file itself, or the entry of a KMZ it came from. */
interface KmlSource {
  /** "the KML file", or "the KML file doc.kml in the KMZ archive". */
  label: string;
  /** What a file that is not KML lacks the <kml> element at the start of. */
  start: string;
}

const PLAIN_KML: KmlSource = { label: 'the KML file', start: 'the file' };

/** The encoding a KML file declares or, failing that, the one its first 64 KB look like. */
function kmlEncoding(head: Buffer, source: KmlSource): TextEncodingName {
  const sniffed = sniffEncoding(head);
  if (sniffed === 'utf-16le' || sniffed === 'utf-16be') {
    throw new ImportFileError(`${source.label} is UTF-16 encoded; save it as UTF-8`);
  }
  const declaration = /^(?:\uFEFF)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/.exec(
    head.toString('latin1', 0, 400),
  );
  const declared = declaration ? encodingFromLabel(declaration[1]!) : null;
  return declared ?? sniffed;
}

/**
 * Streams the records (placemarks) of a KML file, or of the KML document inside a KMZ (`doc.kml`,
 * else the first `.kml` entry) when the file is a zip archive.
 */
export async function* readKml(
  file: string,
  options: ReadOptions & { chunkBytes?: number },
  _meta: ReaderMeta,
): AsyncGenerator<SourceRecord> {
  options.signal?.throwIfAborted();
  if (!(await isZipFile(file))) {
    yield* parseKml(readChunks(file, options, options.chunkBytes), options, PLAIN_KML);
    return;
  }
  const { handle, entry, fileSize } = await openKmz(file);
  try {
    const chunks = kmzKmlChunks(handle, entry, fileSize, options, options.chunkBytes);
    const label = `the KML file ${entry.name} in the KMZ archive`;
    yield* parseKml(chunks, options, { label, start: `${entry.name} in the KMZ archive` });
  } finally {
    await handle.close();
  }
}

/** The placemarks of KML text arriving in chunks. */
async function* parseKml(
  chunks: AsyncIterable<Buffer>,
  options: ReadOptions,
  source: KmlSource,
): AsyncGenerator<SourceRecord> {
  const signal = options.signal;
  const window = new ByteWindow();
  let buf = window.bytes;
  let base = 0;
  let decoder: TextDecoder | null = null;
  let row = 0;
  let sawKml = false;
  /** Start of the open placemark in `buf`, or -1. */
  let start = -1;
  /** Where to resume searching in `buf`. */
  let from = 0;

  /** Cuts the complete placemarks out of `buf`. */
  const cut = (): SourceRecord[] => {
    const records: SourceRecord[] = [];
    for (;;) {
      const at = buf.indexOf(PLACEMARK, from);
      if (at === -1) {
        from = Math.max(from, buf.length - PLACEMARK.length + 1);
        break;
      }
      // the byte after the word decides whether it is a tag name; wait for it
      if (at + PLACEMARK.length >= buf.length) break;
      const tag = tagAround(buf, at);
      from = at + PLACEMARK.length;
      if (!tag) continue;
      if (!tag.end && start < 0) {
        const gt = buf.indexOf(GT, at);
        if (gt === -1) {
          from = at; // look at this start tag again once its ">" has arrived
          break;
        }
        if (buf[gt - 1] === SLASH) {
          // <Placemark/>: an empty placemark
          row++;
          records.push({ row, properties: {}, geometry: null });
          from = gt + 1;
          continue;
        }
        start = tag.lt;
      } else if (tag.end && start >= 0) {
        const gt = buf.indexOf(GT, at);
        if (gt === -1) {
          from = at;
          break;
        }
        row++;
        records.push(placemarkToRecord(decoder!.decode(buf.subarray(start, gt + 1)), row));
        start = -1;
        from = gt + 1;
      } else if (!tag.end && start >= 0) {
        throw new ImportFileError(
          `placemark ${row + 1} (byte offset ${base + start}) is not closed before the next placemark begins`,
        );
      }
    }
    return records;
  };

  const begin = (): void => {
    decoder = new TextDecoder(kmlEncoding(buf.subarray(0, SNIFF_BYTES), source));
    sawKml = /<(?:[\w.-]+:)?kml[\s>]/.test(buf.toString('latin1', 0, Math.min(buf.length, 4096)));
  };

  for await (const chunk of chunks) {
    // keep the open placemark, or a little before the search point for a tag's namespace prefix
    const keep = start >= 0 ? start : Math.max(0, from - 64);
    window.shiftAndAppend(keep, chunk);
    buf = window.bytes;
    base += keep;
    from = Math.max(0, from - keep);
    if (start >= 0) start -= keep;
    if (decoder === null) {
      // the encoding is decided from the first 64 KB, so hold bytes until there are that many
      if (buf.length < SNIFF_BYTES) continue;
      begin();
    }
    for (const record of cut()) {
      signal?.throwIfAborted();
      yield record;
    }
  }
  if (decoder === null) {
    begin();
    for (const record of cut()) {
      signal?.throwIfAborted();
      yield record;
    }
  }
  if (start >= 0) {
    throw new ImportFileError(
      `${source.label} ends in the middle of placemark ${row + 1} (byte offset ${base + start})`,
    );
  }
  if (!sawKml && row === 0)
    throw new ImportFileError(`not a KML file: no <kml> element at the start of ${source.start}`);
}
