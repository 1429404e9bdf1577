/**
 * Writing CSV (RFC 4180). Two uses with one quoting rule:
 * - `csvField`: the value exactly, for files a program reads back (PostgreSQL COPY);
 * - `csvCell`: for files people open in a spreadsheet (exports, rejected import rows): text
 *   that a spreadsheet would run as a formula is written as text instead.
 */

/** A value of a CSV field; objects are written as JSON. */
export type CsvValue = unknown;

/**
 * Characters that make Excel, LibreOffice and WPS read a cell as a formula (or, for tab and
 * CR, that they strip before looking for one): OWASP's list for CSV injection.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One field: empty for null/undefined, the empty string as `""` (COPY reads an unquoted empty
 * field as NULL), quoted when it holds a quote, the delimiter or a line break.
 */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s === '' || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One cell of a CSV meant for a spreadsheet: text starting with `=`, `+`, `-`, `@`, tab or CR gets
 * a leading `'`, so `=HYPERLINK(…)` shows as text instead of running. Only text is touched:
 * numbers (a longitude of -1.5) and booleans are written as they are, decided by the value's
 * type, never by what its text looks like.
 */
export function csvCell(v: CsvValue): string {
  if (typeof v === 'string' && FORMULA_START.test(v)) return csvField(`'${v}`);
  return csvField(v);
}

/** A line of spreadsheet cells, ending in CRLF as RFC 4180 and Excel expect. */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}
