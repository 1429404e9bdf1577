import { zip } from './shapefile.ts';
import { escapeXml } from './open311-xml.ts';

export type Cell = string | number | boolean | null | undefined;

/** The most characters Excel keeps in one cell; longer text is cut off when the file is opened. */
export const MAX_CELL_CHARS = 32_767;

/** Name of the sheet long cells are moved to (see splitLongCells). */
export const OVERFLOW_SHEET = '超长单元格 long cells';

export interface Sheet {
  /** At most 31 characters; []:*?/\ are replaced. */
  name: string;
  rows: Cell[][];
}

function column(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function sheetXml(rows: Cell[][]): string {
  const body = rows
    .map((row, r) => {
      const cells = row
        .map((v, c) => {
          const ref = `${column(c)}${r + 1}`;
          if (v === null || v === undefined || v === '') return '';
          if (typeof v === 'number' && Number.isFinite(v)) return `<c r="${ref}"><v>${v}</v></c>`;
          if (typeof v === 'boolean') return `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
          return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(String(v))}</t></is></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`;
}

/**
 * A sheet whose text fits Excel's cells: a text longer than MAX_CELL_CHARS (an outline's WKT,
 * a polygon's GeoJSON) is replaced by a note naming where it went, and written whole on a second
 * sheet, one row per moved cell: the row's first cell (its id or code), the column's header,
 * then the text cut over consecutive cells of at most MAX_CELL_CHARS each, to be joined again.
 * Returns the sheet, and the overflow sheet when anything moved.
 */
export function splitLongCells(sheet: Sheet): Sheet[] {
  const header = sheet.rows[0] ?? [];
  const overflow: Cell[][] = [['id', 'column', 'part 1, part 2 … (joined: the whole text)']];
  const rows = sheet.rows.map((row, r) =>
    row.map((v, c) => {
      if (typeof v !== 'string' || v.length <= MAX_CELL_CHARS) return v;
      const parts: Cell[] = [row[0], header[c] ?? `column ${c + 1}`];
      for (let i = 0; i < v.length; i += MAX_CELL_CHARS) {
        // never cut a surrogate pair in two
        let end = Math.min(v.length, i + MAX_CELL_CHARS);
        if (end < v.length && /[\uD800-\uDBFF]/.test(v[end - 1]!)) end--;
        parts.push(v.slice(i, end));
        i = end - MAX_CELL_CHARS;
      }
      overflow.push(parts);
      return `→ ${OVERFLOW_SHEET}: row ${overflow.length} (${v.length} characters over ${parts.length - 2} cells; row ${r + 1} here)`;
    }),
  );
  const out: Sheet[] = [{ name: sheet.name, rows }];
  if (overflow.length > 1) out.push({ name: OVERFLOW_SHEET, rows: overflow });
  return out;
}

/**
 * An Office Open XML workbook (.xlsx) with one worksheet per sheet: numbers as numbers,
 * text as inline strings (UTF-8, so Chinese stays as it is), the first row as written.
 * Enough for Excel, WPS and LibreOffice; no styles or formulas. A text longer than an Excel
 * cell holds is refused (never cut silently): pass such a sheet through splitLongCells.
 */
export function writeXlsx(sheets: Sheet[]): Buffer {
  for (const sheet of sheets) {
    for (const [r, row] of sheet.rows.entries()) {
      for (const [c, v] of row.entries()) {
        if (typeof v === 'string' && v.length > MAX_CELL_CHARS) {
          throw new Error(
            `cell ${column(c)}${r + 1} of sheet ${sheet.name} holds ${v.length} characters; Excel keeps at most ${MAX_CELL_CHARS}`,
          );
        }
      }
    }
  }
  const names = sheets.map((s, i) => s.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || `Sheet${i + 1}`);
  const files = [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets
        .map(
          (_, i) =>
            `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
        )
        .join('')}</Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${names
        .map((n, i) => `<sheet name="${escapeXml(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
        .join('')}</sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
        .map(
          (_, i) =>
            `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
        )
        .join('')}</Relationships>`,
    },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: sheetXml(s.rows) })),
  ];
  return zip(files.map((f) => ({ name: f.name, data: Buffer.from(f.data, 'utf8') })));
}
