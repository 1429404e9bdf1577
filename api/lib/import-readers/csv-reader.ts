/**
 * Streaming CSV reader: header line, delimiter detected from it (`,` `;` tab `|`), RFC 4180
 * quoting, CRLF or LF, UTF-8 (BOM stripped), GB18030 for files that are not UTF-8, UTF-16 with a
 * byte order mark (Excel's "Unicode text"). Values are strings with outer whitespace trimmed;
 * an empty value is null.
 */
import {
  ImportFileError,
  readChunks,
  setProperty,
  uniqueNames,
  type ReadOptions,
  type ReaderMeta,
  type SourceRecord,
  type SourceValue,
} from './common.ts';
import { SNIFF_BYTES, sniffEncoding } from './text-decoding.ts';

/** Delimiters tried on the header line, in order of preference when counts tie. */
const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * A quoted field that never closes would make the reader hold the rest of the file in memory;
 * past this many characters in one record the file is refused instead.
 */
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** The delimiter giving the most fields on the first line (quoted parts are not counted). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const c = counts.get(d)!;
    if (c > bestCount) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

/** Result of parsing one record that contains a quote. */
interface ParsedRecord {
  fields: string[];
  /** Index just past the record's line break. */
  end: number;
  /** Line breaks consumed (inside quotes and the terminating one). */
  lines: number;
}

/**
 * Parses one record starting at `pos` character by character (only used for records that
 * contain a quote). Returns null when the text ends before the record does and more may come.
 * A quote only opens a quoted field at the start of a field; elsewhere it is kept literally.
 */
function parseRecordSlow(text: string, pos: number, delim: string, final: boolean): ParsedRecord | null {
  const fields: string[] = [];
  const len = text.length;
  let i = pos;
  let lines = 0;
  for (;;) {
    // one field starting at i
    let value = '';
    let j = i;
    while (j < len && (text[j] === ' ' || text[j] === '\t') && text[j] !== delim) j++;
    if (j < len && text[j] === '"') {
      let k = j + 1;
      for (;;) {
        const q = text.indexOf('"', k);
        if (q === -1) return null;
        value += text.slice(k, q);
        if (q + 1 >= len && !final) return null; // cannot tell a closing quote from an escaped one yet
        if (text[q + 1] === '"') {
          value += '"';
          k = q + 2;
        } else {
          k = q + 1;
          break;
        }
      }
      for (let n = value.indexOf('\n'); n !== -1; n = value.indexOf('\n', n + 1)) lines++;
      // text after the closing quote up to the delimiter is kept (lenient with `"a"b`)
      i = k;
      while (i < len && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') i++;
      value += text.slice(k, i);
    } else {
      while (i < len && text[i] !== delim && text[i] !== '\n') i++;
      value = text.slice(j, i);
      if (value.endsWith('\r') && (i >= len || text[i] === '\n')) value = value.slice(0, -1);
    }
    fields.push(value);
    if (i >= len) {
      if (!final) return null;
      return { fields, end: len, lines };
    }
    const c = text[i];
    if (c === delim) {
      i++;
      continue;
    }
    if (c === '\r') {
      if (i + 1 >= len && !final) return null;
      i++;
      // a lone CR (old Mac line ending) after a quoted field also ends the record
      if (text[i] !== '\n') return { fields, end: i, lines: lines + 1 };
    }
    // c is '\n' (or CRLF just consumed up to the LF)
    return { fields, end: i + 1, lines: lines + 1 };
  }
}

/** A field's value: outer whitespace trimmed, empty → null. */
function cleanValue(raw: string): string | null {
  const n = raw.length;
  if (n === 0) return null;
  // most values start and end with a printable ASCII character: skip the trim call for them
  // (others go through trim, which also removes Unicode spaces such as the ideographic U+3000)
  const a = raw.charCodeAt(0);
  const b = raw.charCodeAt(n - 1);
  if (a > 32 && a < 127 && b > 32 && b < 127) return raw;
  const t = raw.trim();
  return t === '' ? null : t;
}

/** Incremental parser over decoded text; the reader feeds it text and takes batches of records. */
class CsvParser {
  text = '';
  pos = 0;
  header: string[] | null = null;
  delim = ',';
  row = 0;
  /** 1-based line number of the next record's first line. */
  line = 1;
  /** Position of the next quote at or after `pos`, or -1 when there is none in `text`. */
  private nextQuote = -2;
  /** Position of the next delimiter at or after `pos` (or later), -1 when there is none in `text`. */
  private nextDelim = -2;
  /**
   * Every column set to null: each record starts as a copy of it, which gives all records one
   * object shape (fast to create) and makes every column, even `__proto__`, an own property.
   */
  private template: Record<string, SourceValue> = {};

  constructor(private readonly meta: ReaderMeta) {}

  append(more: string): void {
    this.text = this.pos < this.text.length ? this.text.slice(this.pos) + more : more;
    this.pos = 0;
    this.nextQuote = -2;
    this.nextDelim = -2;
  }

  /** Reads the header once a full header line is available; false when more text is needed. */
  private readHeader(final: boolean): boolean {
    const text = this.text;
    if (this.pos === 0 && text.charCodeAt(0) === 0xfeff) this.pos = 1;
    // The delimiter comes from the first line only; the record parser then finds where the
    // header record ends. Scanning for the first line break outside quotes would take a quote
    // inside an unquoted field (`size 5"`) as an opening one and look to the end of the file;
    // the parser, as for rows, opens quotes only at the start of a field.
    const nl = text.indexOf('\n', this.pos);
    let parsed: ParsedRecord | null = null;
    if (nl !== -1 || final) {
      const firstLine = text.slice(this.pos, nl === -1 ? text.length : nl);
      if (firstLine.trim() === '') {
        if (nl === -1) throw new ImportFileError('the CSV file is empty: it has no header line');
        throw new ImportFileError('the CSV header line (line 1) is empty');
      }
      this.delim = detectDelimiter(firstLine);
      parsed = parseRecordSlow(text, this.pos, this.delim, final);
      if (parsed === null && final) {
        throw new ImportFileError('the CSV header line has a quote that is not closed');
      }
    }
    if (parsed === null) {
      if (text.length - this.pos > MAX_RECORD_CHARS) {
        throw new ImportFileError('the CSV header line is longer than 16 MB (check the quotes on line 1)');
      }
      return false;
    }
    this.header = uniqueNames(parsed.fields);
    this.template = {};
    for (const name of this.header) setProperty(this.template, name, null);
    this.meta.columns = this.header;
    this.pos = parsed.end;
    this.line += parsed.lines;
    return true;
  }

  private extraFieldsError(count: number): string {
    return `row ${this.row} (line ${this.line}) has ${count} fields but the header has ${this.header!.length} columns`;
  }

  /** A record from the fields of a row parsed by `parseRecordSlow`. */
  private makeRecord(fields: string[]): SourceRecord {
    const header = this.header!;
    const n = header.length;
    const properties: Record<string, SourceValue> = { ...this.template };
    for (let i = 0; i < n && i < fields.length; i++) properties[header[i]!] = cleanValue(fields[i]!);
    const record: SourceRecord = { row: this.row, properties, geometry: null };
    // a trailing delimiter (empty extra fields) is common in spreadsheet exports and harmless
    if (fields.slice(n).some((f) => f.trim() !== '')) record.error = this.extraFieldsError(fields.length);
    return record;
  }

  /** Parses every complete record in the text; with `final`, the text is the end of the file. */
  take(final: boolean): SourceRecord[] {
    const out: SourceRecord[] = [];
    if (this.header === null && !this.readHeader(final)) return out;
    const text = this.text;
    const len = text.length;
    const delim = this.delim;
    const header = this.header!;
    const n = header.length;
    const template = this.template;
    let pos = this.pos;
    let q = this.nextQuote;
    let d = this.nextDelim;
    while (pos < len) {
      let nl = text.indexOf('\n', pos);
      if (nl === -1) {
        if (!final) {
          if (len - pos > MAX_RECORD_CHARS) {
            // e.g. a file with old Mac (CR only) line endings: one endless line
            throw new ImportFileError(
              `line ${this.line} is longer than 16 MB; is the file a line-per-row CSV?`,
            );
          }
          break;
        }
        nl = len;
      }
      if (q !== -1 && q < pos) q = text.indexOf('"', pos);
      if (q === -1 || q > nl) {
        // fast path: a line without quotes is one record; fields are cut with indexOf, and the
        // next delimiter position is remembered across lines so a line without one costs nothing
        let end = nl;
        if (end > pos && text.charCodeAt(end - 1) === 13) end--;
        if (end === pos) {
          pos = nl + 1;
          this.line++;
          continue;
        }
        const properties: Record<string, SourceValue> = { ...template };
        let col = 0;
        let extra = false;
        let start = pos;
        for (;;) {
          if (d !== -1 && d < start) d = text.indexOf(delim, start);
          const fieldEnd = d === -1 || d > end ? end : d;
          if (col < n) properties[header[col]!] = cleanValue(text.slice(start, fieldEnd));
          else if (text.slice(start, fieldEnd).trim() !== '') extra = true;
          col++;
          if (fieldEnd === end) break;
          start = fieldEnd + 1;
        }
        pos = nl + 1;
        if (col === 1 && properties[header[0]!] === null) {
          // a line of whitespace only
          this.line++;
          continue;
        }
        this.row++;
        const record: SourceRecord = { row: this.row, properties, geometry: null };
        if (extra) record.error = this.extraFieldsError(col);
        out.push(record);
        this.line++;
        continue;
      }
      const parsed = parseRecordSlow(text, pos, delim, final);
      if (parsed === null) {
        if (final) {
          throw new ImportFileError(
            `row ${this.row + 1} (line ${this.line}) has a quoted field that is not closed before the end of the file`,
          );
        }
        if (len - pos > MAX_RECORD_CHARS) {
          throw new ImportFileError(
            `row ${this.row + 1} (line ${this.line}) has a quoted field that is not closed within 16 MB; check the quotes`,
          );
        }
        break;
      }
      pos = parsed.end;
      this.row++;
      out.push(this.makeRecord(parsed.fields));
      this.line += parsed.lines;
    }
    this.pos = pos;
    this.nextQuote = q;
    this.nextDelim = d;
    return out;
  }
}

/** Streams the records of a CSV file (see the module comment for the dialect). */
export async function* readCsv(
  file: string,
  options: ReadOptions & { chunkBytes?: number },
  meta: ReaderMeta,
): AsyncGenerator<SourceRecord> {
  const signal = options.signal;
  const parser = new CsvParser(meta);
  let decoder: TextDecoder | null = null;
  let pending: Buffer | null = null;
  for await (const chunk of readChunks(file, options, options.chunkBytes)) {
    if (decoder === null) {
      // the encoding is decided from the first 64 KB, so hold bytes until there are that many
      pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
      if (pending.length < SNIFF_BYTES) continue;
      decoder = new TextDecoder(sniffEncoding(pending));
      parser.append(decoder.decode(pending, { stream: true }));
      pending = null;
    } else {
      parser.append(decoder.decode(chunk, { stream: true }));
    }
    for (const record of parser.take(false)) {
      signal?.throwIfAborted();
      yield record;
    }
  }
  if (decoder === null) {
    const head = pending ?? Buffer.alloc(0);
    decoder = new TextDecoder(sniffEncoding(head));
    parser.append(decoder.decode(head, { stream: true }));
  }
  parser.append(decoder.decode());
  for (const record of parser.take(true)) {
    signal?.throwIfAborted();
    yield record;
  }
}
