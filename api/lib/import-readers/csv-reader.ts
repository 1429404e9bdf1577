/**
 * Streaming CSV reader on csv-parse (RFC 4180 quoting, CRLF, LF or CR line endings; a quote
 * inside an unquoted field is kept literally). Around it, what csv-parse does not do: the
 * encoding (UTF-8, BOM stripped; GB18030 for files that are not UTF-8; UTF-16 with a byte order
 * mark, Excel's "Unicode text"), the delimiter detected from the header line (`,` `;` tab `|`),
 * column names made unique, values with outer whitespace trimmed (an empty value is null), and
 * one record longer than `maxLineBytes` (16 MB) refused before more of it is held.
 */
import { pipeline, Readable } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import {
  ImportFileError,
  limitsOf,
  readChunks,
  setProperty,
  uniqueNames,
  type ReadOptions,
  type ReaderMeta,
  type SourceRecord,
  type SourceValue,
} from './common.ts';
import { SNIFF_BYTES, sniffEncoding } from './text-decoding.ts';

/** The most characters handed to csv-parse at once (it parses each piece without yielding). */
const PIECE_CHARS = 256 * 1024;

/** Delimiters tried on the header line, in order of preference when counts tie. */
const DELIMITERS = [',', ';', '\t', '|'] as const;

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

/** A field's value: outer whitespace trimmed, empty → null. */
function cleanValue(raw: string | undefined): string | null {
  if (raw === undefined) return null;
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

/** The file's text, decoded, in chunks. */
async function* decodedText(
  file: string,
  options: ReadOptions & { chunkBytes?: number },
): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let pending: Buffer | null = null;
  for await (const chunk of readChunks(file, options, options.chunkBytes)) {
    if (decoder === null) {
      // the encoding is decided from the first 64 KB, so hold bytes until there are that many
      pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
      if (pending.length < SNIFF_BYTES) continue;
      decoder = new TextDecoder(sniffEncoding(pending));
      yield decoder.decode(pending, { stream: true });
      pending = null;
    } else {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
  }
  if (decoder === null) {
    const head = pending ?? Buffer.alloc(0);
    decoder = new TextDecoder(sniffEncoding(head));
    yield decoder.decode(head, { stream: true });
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Line breaks (CRLF, LF or CR) in a field. */
function lineBreaks(field: string): number {
  let n = 0;
  for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
  for (let i = field.indexOf('\r'); i !== -1; i = field.indexOf('\r', i + 1)) if (field[i + 1] !== '\n') n++;
  return n;
}

/** The refusal of a record longer than the limit; `line` is where it starts. */
function lineTooLong(line: number, limit: number): ImportFileError {
  return new ImportFileError(
    `the record starting on line ${line} is longer than ${limit} characters (check its quotes, or whether the file is a line-per-row CSV)`,
    'import_line_too_long',
    { line, limit },
  );
}

/** Streams the records of a CSV file (see the module comment for the dialect). */
export async function* readCsv(
  file: string,
  options: ReadOptions & { chunkBytes?: number },
  meta: ReaderMeta,
): AsyncGenerator<SourceRecord> {
  const signal = options.signal;
  const maxLine = limitsOf(options).maxLineBytes;
  const text = decodedText(file, options);
  // the header line decides the delimiter: read until it is complete (or the limit is passed)
  let head = '';
  for (;;) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
    if (/[\r\n]/.test(head)) break;
    if (head.length > maxLine) throw lineTooLong(1, maxLine);
  }
  const firstLine = head.split(/\r\n|\r|\n/, 1)[0] ?? '';
  if (firstLine.trim() === '') {
    if (!/[\r\n]/.test(head)) throw new ImportFileError('the CSV file is empty: it has no header line');
    throw new ImportFileError('the CSV header line (line 1) is empty');
  }
  const delimiter = detectDelimiter(firstLine);
  const parser = new Parser({
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    // empty lines come through as records of one empty field, so that lines can be counted here
    // (csv-parse's own `info` costs more than the rest of the reading)
    skip_empty_lines: false,
    max_record_size: maxLine,
  });
  // fed in pieces of at most 256 k characters: csv-parse works through each piece in one go
  async function* all(): AsyncGenerator<string> {
    for await (const piece of (async function* () {
      yield head;
      yield* text;
    })()) {
      for (let i = 0; i < piece.length; i += PIECE_CHARS) yield piece.slice(i, i + PIECE_CHARS);
    }
  }
  const source = Readable.from(all(), { objectMode: false, highWaterMark: 1 });
  // errors of either side (the file, the parser) end the iteration below
  pipeline(source, parser, () => {});

  let header: string[] | null = null;
  let template: Record<string, SourceValue> = {};
  let row = 0;
  let lastLine = 0;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      // a record starts on the line after the previous one ended, and ends as many lines down
      // as its quoted fields hold line breaks
      const line = lastLine + 1;
      let breaks = 0;
      for (const f of fields) breaks += lineBreaks(f);
      lastLine = line + breaks;
      if (header === null) {
        header = uniqueNames(fields);
        template = {};
        for (const name of header) setProperty(template, name, null);
        meta.columns = header;
        continue;
      }
      // an empty line, or one of whitespace only
      if (fields.length === 1 && cleanValue(fields[0]) === null) continue;
      signal?.throwIfAborted();
      row++;
      const properties: Record<string, SourceValue> = { ...template };
      const n = header.length;
      for (let i = 0; i < n && i < fields.length; i++) properties[header[i]!] = cleanValue(fields[i]);
      const record: SourceRecord = { row, properties, geometry: null };
      // a trailing delimiter (empty extra fields) is common in spreadsheet exports and harmless
      if (fields.length > n && fields.slice(n).some((f) => f.trim() !== '')) {
        record.error = `row ${row} (line ${line}) has ${fields.length} fields but the header has ${n} columns`;
      }
      yield record;
    }
  } catch (e) {
    if (e instanceof CsvError) {
      if (e.code === 'CSV_MAX_RECORD_SIZE') throw lineTooLong(lastLine + 1, maxLine);
      if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
        // records parsed in the same chunk before the error may not have come through: the
        // error's own count says which record it is (the header is record 1)
        const records = Number((e as { records?: unknown }).records ?? row + 1);
        throw new ImportFileError(
          records === 0
            ? 'the CSV header line has a quote that is not closed'
            : `row ${records} has a quoted field that is not closed before the end of the file`,
        );
      }
      throw new ImportFileError(`the CSV file cannot be read at line ${lastLine + 1}: ${e.message}`);
    }
    throw e;
  } finally {
    parser.destroy();
    source.destroy();
  }
  if (header === null) throw new ImportFileError('the CSV file is empty: it has no header line');
}
