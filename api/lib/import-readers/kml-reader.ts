/**
 * Streaming KML 2.2 reader on saxes (a maintained, non-validating XML parser that expands no
 * entities but the five predefined ones, so no entity bomb or external entity can be used).
 * Only the open placemark is held as a tree, so memory stays at one placemark plus one read
 * chunk; no run of text or markup between two parser events may exceed `maxElementBytes`
 * (16 MB). Properties: `name`, `description`, ExtendedData `<Data>` values and `<SchemaData>`
 * `<SimpleData>`; geometry: Point, LineString, LinearRing (as a line), Polygon, and
 * MultiGeometry of one kind. Namespace prefixes are dropped.
 *
 * A KMZ (zipped KML, recognised by its bytes whatever the file is named) is read from its
 * `doc.kml` (else its first `.kml`), then the `.kml` files of the archive its NetworkLinks point
 * to, as GDAL's LIBKML driver writes a KMZ (a doc.kml linking to `layers/*.kml`); when the
 * document holds no placemark and links to nothing, every other `.kml` of the archive is read.
 */
import { SaxesParser } from 'saxes';
import {
  addProperty,
  ImportFileError,
  limitsOf,
  readChunks,
  type ReadOptions,
  type ReaderMeta,
  type SourceGeometry,
  type SourceRecord,
  type SourceValue,
} from './common.ts';
import { baseName, dataFiles, isArchiveName, ZipArchive, type ZipEntry } from './zip-reader.ts';
import { encodingFromLabel, SNIFF_BYTES, sniffEncoding, type TextEncodingName } from './text-decoding.ts';

/** An element of a parsed placemark; the namespace prefix is dropped from `name`. */
interface XmlElement {
  name: string;
  /** The name as written, prefix included (for messages). */
  qname: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

/** Thrown while converting one placemark; becomes the record's `error`. */
class PlacemarkError extends Error {}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
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

/** One placemark element as a record. */
export function placemarkToRecord(pm: XmlElement, row: number): SourceRecord {
  const properties: Record<string, SourceValue> = {};
  const what = `placemark ${row}`;
  try {
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

/** Where reading a KML document continues (row numbers go on across the documents of a KMZ). */
interface KmlState {
  row: number;
  /** The `href`s of the NetworkLinks met, as written. */
  links: string[];
}

/**
 * The placemarks of KML text arriving in chunks. Throws ImportFileError for text that is not
 * well-formed XML, not KML, or holds a run of text or markup longer than `maxElementBytes`.
 */
async function* parseKml(
  chunks: AsyncIterable<Buffer>,
  options: ReadOptions,
  source: KmlSource,
  state: KmlState,
): AsyncGenerator<SourceRecord> {
  const signal = options.signal;
  const maxRun = limitsOf(options).maxElementBytes;
  const parser = new SaxesParser({ position: true });
  const out: SourceRecord[] = [];
  /** The open placemark's elements, outermost first; empty outside a placemark. */
  const stack: XmlElement[] = [];
  let placemarkStart = 0;
  let sawRoot = false;
  let isKml = false;
  /** Open elements outside placemarks, by local name (to find NetworkLink hrefs). */
  const outside: string[] = [];
  let href: string | null = null;
  let lastEvent = 0;

  parser.on('opentag', (tag) => {
    lastEvent = parser.position;
    const name = localName(tag.name);
    if (!sawRoot) {
      sawRoot = true;
      isKml = name === 'kml';
    }
    if (stack.length === 0 && name !== 'Placemark') {
      outside.push(name);
      if (name === 'href' && outside.includes('NetworkLink')) href = '';
      return;
    }
    const el: XmlElement = { name, qname: tag.name, attrs: {}, children: [] };
    for (const [k, v] of Object.entries(tag.attributes)) el.attrs[localName(k)] = v;
    if (stack.length === 0) placemarkStart = parser.position;
    else stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => {
    lastEvent = parser.position;
    if (stack.length === 0) {
      const name = outside.pop();
      if (name === 'href' && href !== null) {
        if (href.trim()) state.links.push(href.trim());
        href = null;
      }
      return;
    }
    const el = stack.pop()!;
    if (stack.length === 0) {
      state.row++;
      out.push(placemarkToRecord(el, state.row));
    }
  });
  const onText = (text: string) => {
    lastEvent = parser.position;
    if (stack.length > 0) stack[stack.length - 1]!.children.push(text);
    else if (href !== null) href += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  const tooLong = () =>
    new ImportFileError(
      `${source.label} holds ${stack.length > 0 ? `a placemark (${state.row + 1})` : 'an element'} longer than ${maxRun} bytes; one KML element may be at most ${maxRun} bytes`,
      'import_element_too_large',
      { what: 'placemark', row: state.row + 1, limit: maxRun },
    );
  const feed = (text: string | null) => {
    try {
      if (text === null) parser.close();
      else parser.write(text);
    } catch (e) {
      if (e instanceof ImportFileError) throw e;
      if (!sawRoot)
        throw new ImportFileError(`not a KML file: no <kml> element at the start of ${source.start}`);
      throw new ImportFileError(`${source.label} is not well-formed XML: ${(e as Error).message}`);
    }
    // a placemark, or any text or markup between two events, may not grow without bound
    if (
      (stack.length > 0 && parser.position - placemarkStart > maxRun) ||
      parser.position - lastEvent > maxRun
    ) {
      throw tooLong();
    }
  };

  let decoder: TextDecoder | null = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const start = (): TextDecoder => {
    const head = Buffer.concat(pending);
    pending = [];
    const d = new TextDecoder(kmlEncoding(head.subarray(0, SNIFF_BYTES), source));
    decoder = d;
    feed(d.decode(head, { stream: true }));
    return d;
  };
  const notKml = () =>
    new ImportFileError(`not a KML file: no <kml> element at the start of ${source.start}`);
  for await (const chunk of chunks) {
    if (decoder === null) {
      // the encoding is decided from the first 64 KB, so hold bytes until there are that many
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < SNIFF_BYTES) continue;
      start();
    } else {
      feed((decoder as TextDecoder).decode(chunk, { stream: true }));
    }
    if (sawRoot && !isKml) throw notKml();
    for (const record of out.splice(0)) {
      signal?.throwIfAborted();
      yield record;
    }
  }
  const d: TextDecoder = decoder ?? start();
  const rest = d.decode();
  if (rest) feed(rest);
  if (!sawRoot || !isKml) throw notKml();
  if (stack.length > 0) {
    throw new ImportFileError(
      `${source.label} ends in the middle of placemark ${state.row + 1} (character ${placemarkStart})`,
    );
  }
  feed(null);
  for (const record of out.splice(0)) {
    signal?.throwIfAborted();
    yield record;
  }
}

/** How many archive names an error message lists at most. */
const LISTED_NAMES = 20;

/** The first bytes of a zip archive: a local file header, or the end record of an empty archive. */
const ZIP_MAGICS = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];

/**
 * Whether `file` starts like a zip archive, i.e. is a KMZ whatever its name says (a `.kml`
 * upload is sometimes a renamed KMZ).
 */
export async function isZipFile(file: string): Promise<boolean> {
  for await (const head of readChunks(file, {}, 4)) {
    return head.length === 4 && ZIP_MAGICS.some((magic) => head.equals(magic));
  }
  return false;
}

/**
 * The KML document of a KMZ: `doc.kml` at the top of the archive as Google Earth names it,
 * otherwise the first `.kml` entry in archive order (names compared case-insensitively).
 */
export function pickKmlEntry(entries: readonly ZipEntry[]): ZipEntry {
  const files = dataFiles(entries);
  const doc = files.find((e) => e.name.toLowerCase() === 'doc.kml');
  const kml = doc ?? files.find((e) => e.name.toLowerCase().endsWith('.kml'));
  if (!kml) {
    const names = files.map((e) => e.name);
    const listed = names.slice(0, LISTED_NAMES).join(', ');
    const more = names.length > LISTED_NAMES ? ` and ${names.length - LISTED_NAMES} more` : '';
    const nested = files.find((e) => isArchiveName(e.name));
    throw new ImportFileError(
      `the KMZ archive holds no .kml file (it holds: ${listed || 'nothing'}${more})${nested ? '; archives inside the archive are not opened' : ''}`,
      nested ? 'import_nested_archive' : 'import_file_unreadable',
      nested ? { entry: nested.name } : {},
    );
  }
  return kml;
}

/** The archive entry a NetworkLink href names, relative to the linking document; null for anything else. */
function linkedEntry(href: string, from: ZipEntry, files: readonly ZipEntry[]): ZipEntry | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/')) return null; // another server, or absolute
  const dir = from.name.includes('/') ? from.name.slice(0, from.name.lastIndexOf('/') + 1) : '';
  const parts: string[] = [];
  for (const part of (dir + href.split(/[?#]/)[0]!).split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  const wanted = parts.join('/').toLowerCase();
  return files.find((e) => e.name.toLowerCase() === wanted) ?? null;
}

/**
 * Streams the records (placemarks) of a KML file, or of the KML documents inside a KMZ when
 * the file is a zip archive (see the module comment for which).
 */
export async function* readKml(
  file: string,
  options: ReadOptions & { chunkBytes?: number },
  meta: ReaderMeta,
): AsyncGenerator<SourceRecord> {
  options.signal?.throwIfAborted();
  const state: KmlState = { row: 0, links: [] };
  if (!(await isZipFile(file))) {
    yield* parseKml(readChunks(file, options, options.chunkBytes), options, PLAIN_KML, state);
    return;
  }
  const archive = await ZipArchive.open(file, options);
  try {
    const files = dataFiles(archive.entries).filter((e) => e.name.toLowerCase().endsWith('.kml'));
    const first = pickKmlEntry(archive.entries);
    const read = new Set<ZipEntry>();
    // documents are read in link order, not archive order: progress only moves forward
    let reached = 0;
    const progress = (n: number) => {
      if (n > reached) options.onProgress?.((reached = n));
    };
    const queue: ZipEntry[] = [first];
    meta.layers = [];
    while (queue.length > 0) {
      const entry = queue.shift()!;
      if (read.has(entry)) continue;
      read.add(entry);
      const before = state.row;
      state.links = [];
      const label = `the KML file ${entry.name} in the KMZ archive`;
      const chunks = archive.stream(entry, { ...options, onProgress: (n) => progress(n) });
      yield* parseKml(
        rechunk(chunks, options.chunkBytes),
        options,
        { label, start: `${entry.name} in the KMZ archive` },
        state,
      );
      if (state.row > before) meta.layers.push(baseName(entry.name).replace(/\.kml$/i, ''));
      const linked = state.links
        .map((href) => linkedEntry(href, entry, files))
        .filter((e): e is ZipEntry => e !== null && !read.has(e));
      queue.push(...linked);
      // a document without placemarks or links of its own: the archive's other KML files are its layers
      if (entry === first && state.row === 0 && linked.length === 0) {
        queue.push(...files.filter((e) => e !== first));
      }
    }
    progress(archive.fileSize);
  } finally {
    archive.close();
  }
}

/** Chunks cut to at most `size` bytes (for tests that feed the parser byte by byte). */
async function* rechunk(chunks: AsyncIterable<Buffer>, size?: number): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    if (!size || chunk.length <= size) {
      yield chunk;
      continue;
    }
    for (let i = 0; i < chunk.length; i += size) yield chunk.subarray(i, i + size);
  }
}
