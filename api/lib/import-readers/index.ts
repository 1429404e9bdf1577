/**
 * Import file readers: turn an uploaded GeoJSON, CSV, zipped Shapefile or KML (or KMZ) file
 * into a stream of records (properties + GeoJSON geometry). Pure and streaming: no database, no
 * network, bounded memory for large CSV and GeoJSON files.
 */
import type { ImportFormat, ReaderMeta, ReadOptions, SourceRecord } from './common.ts';
import { ImportFileError } from './common.ts';
import { readCsv } from './csv-reader.ts';
import { readGeojson } from './geojson-reader.ts';
import { readKml } from './kml-reader.ts';
import { readShapefile } from './shapefile-reader.ts';

export { DEFAULT_LIMITS, ExpansionBudget, ImportFileError } from './common.ts';
export type {
  DetectedCrs,
  ImportFormat,
  ImportLimitCode,
  ReadLimits,
  ReadOptions,
  SourceGeometry,
  SourceGeometryType,
  SourceRecord,
  SourceValue,
} from './common.ts';

function open(
  file: string,
  format: ImportFormat,
  options: ReadOptions,
  meta: ReaderMeta,
): AsyncGenerator<SourceRecord> {
  switch (format) {
    case 'csv':
      return readCsv(file, options, meta);
    case 'geojson':
      return readGeojson(file, options, meta);
    case 'kml':
      return readKml(file, options, meta);
    case 'shapefile':
      return readShapefile(file, options, meta);
    default:
      throw new ImportFileError(`unsupported import format: ${String(format)}`);
  }
}

/**
 * Reads the records of `file` one by one, streaming: memory stays bounded for a 1 GB CSV or
 * GeoJSON, a zipped Shapefile or a KMZ (read out of the archive as they are consumed). Throws
 * ImportFileError when the file itself is broken (possibly after some records were yielded);
 * a record that alone is malformed comes with `error` set instead.
 */
export function readRecords(
  file: string,
  format: ImportFormat,
  options: ReadOptions = {},
): AsyncGenerator<SourceRecord> {
  return open(file, format, options, { detectedCrs: null });
}

/**
 * The format a file name implies: .geojson/.json/.geojsonl/.ndjson → geojson, .csv/.txt/.tsv →
 * csv, .zip/.shz → shapefile, .kml/.kmz → kml (case-insensitive); null for anything else. A
 * KMZ is read as KML: the KML reader recognises the zip archive by its bytes.
 */
export function detectFormat(filename: string): ImportFormat | null {
  const dot = filename.lastIndexOf('.');
  if (dot === -1) return null;
  switch (filename.slice(dot + 1).toLowerCase()) {
    case 'geojson':
    case 'json':
    case 'geojsonl':
    case 'ndjson':
      return 'geojson';
    case 'csv':
    case 'txt':
    case 'tsv':
      return 'csv';
    case 'zip':
    case 'shz':
      return 'shapefile';
    case 'kml':
    case 'kmz':
      return 'kml';
    default:
      return null;
  }
}

/** The start of a file, for the mapping screen. */
export interface Preview {
  /** CSV: the header in file order (deduplicated); otherwise the union of the property keys of the first 1,000 records, in order of appearance. */
  columns: string[];
  /** The first records (at most `n`). */
  records: SourceRecord[];
  /** The coordinate system the file declares (a Shapefile's .prj, a GeoJSON `crs` member), null when it declares none. */
  detectedCrs: string | null;
  /** KMZ: the KML documents the placemarks came from. */
  layers: string[];
}

/** How many records the column union of a preview looks at. */
const PREVIEW_COLUMN_RECORDS = 1000;

/**
 * The first `n` records (default 20) and the column names of `file`. Throws ImportFileError
 * for an unreadable file (including one that breaks within the first 1,000 records).
 */
export async function previewFile(
  file: string,
  format: ImportFormat,
  n = 20,
  options: ReadOptions = {},
): Promise<Preview> {
  const meta: ReaderMeta = { detectedCrs: null };
  const records: SourceRecord[] = [];
  const seen = new Set<string>();
  const union: string[] = [];
  const limit = format === 'csv' ? n : Math.max(n, PREVIEW_COLUMN_RECORDS);
  let count = 0;
  // leaving the loop early closes the file through the generator's cleanup
  for await (const record of open(file, format, options, meta)) {
    if (records.length < n) records.push(record);
    for (const key of Object.keys(record.properties)) {
      if (!seen.has(key)) {
        seen.add(key);
        union.push(key);
      }
    }
    if (++count >= limit) break;
  }
  return {
    columns: format === 'csv' ? (meta.columns ?? []) : union,
    records,
    detectedCrs: meta.detectedCrs,
    layers: meta.layers ?? [],
  };
}
