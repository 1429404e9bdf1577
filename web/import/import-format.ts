import type {
  ImportCoordinates,
  ImportCrs,
  ImportField,
  ImportFormat,
  ImportJob,
  ImportLayer,
  ImportProgress,
  ImportStatus,
  Permission,
  RejectionReason,
} from '../api/client.ts';
import type { I18n, MessageKey } from '../i18n.ts';
import { errorMessage } from '../lib/error-message.ts';
import { CRS_DEFINITIONS, type CrsDefinition } from '../../api/lib/crs/definitions.ts';

/*
 * The import vocabularies are written out (not imported from api/schemas/imports.ts) so that the
 * schema library stays out of the browser bundle; the Assert types below fail to compile if a
 * list here ever differs from the API contract.
 */

/** The layers a file can be imported into, in the order the layer select shows them. */
export const IMPORT_LAYER_LIST = [
  'sites',
  'components',
  'risk_sources',
  'cameras',
  'teams',
  'areas',
] as const satisfies readonly ImportLayer[];

/** The file formats, in the order of the format select. */
export const IMPORT_FORMAT_LIST = [
  'geojson',
  'csv',
  'shapefile',
  'kml',
] as const satisfies readonly ImportFormat[];

/** The groups of the source coordinate system select, in order. */
export const CRS_GROUPS = ['common', 'cgcs3', 'cgcs6', 'projected', 'xian1980', 'beijing1954'] as const;
export type CrsGroup = (typeof CRS_GROUPS)[number];

/** The common systems, listed first: GPS, CGCS2000, the web maps, Dongguan's Gauss–Krüger zone. */
const COMMON_CRS: readonly ImportCrs[] = ['wgs84', 'EPSG:4490', 'gcj02', 'bd09', 'EPSG:4547'];

/** Which group of the select a system is listed in. */
export function crsGroup(def: CrsDefinition): CrsGroup {
  if (COMMON_CRS.includes(def.id)) return 'common';
  if (def.datum === 'xian1980') return 'xian1980';
  if (def.datum === 'beijing1954') return 'beijing1954';
  if (def.datum === 'cgcs2000') return def.name.includes('3-degree') ? 'cgcs3' : 'cgcs6';
  return 'projected';
}

/** The source coordinate systems by group, in the order of the select (the common ones in COMMON_CRS order). */
export function crsOptions(): Array<{ group: CrsGroup; systems: CrsDefinition[] }> {
  return CRS_GROUPS.map((group) => ({
    group,
    systems:
      group === 'common'
        ? COMMON_CRS.map((id) => CRS_DEFINITIONS.find((d) => d.id === id)!)
        : CRS_DEFINITIONS.filter((d) => crsGroup(d) === group),
  }));
}

/** A system's name for the interface: the Chinese name, or the EPSG name, with its code. */
export function crsLabel(def: CrsDefinition, language: string): string {
  const code = def.epsg !== null && def.id !== 'wgs84' ? ` (EPSG:${def.epsg})` : '';
  return (language === 'zh-CN' ? def.nameZh : def.name) + code;
}

/** Every status of an import. */
export const IMPORT_STATUS_LIST = [
  'uploaded',
  'running',
  'applied',
  'rejected',
  'failed',
  'cancelled',
  'undone',
] as const satisfies readonly ImportStatus[];

/** Every reason a row can be refused for. */
export const REJECTION_REASON_LIST = [
  'bad_coordinates',
  'outside_city',
  'outside_scope',
  'unknown_category',
  'duplicate_code',
  'missing_field',
  'bad_value',
  'bad_geometry',
] as const satisfies readonly RejectionReason[];

type Assert<T extends true> = T;
type Covers<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
/** Compile-time checks that the lists above name every value of the contract. */
export type ImportListsComplete = [
  Assert<Covers<ImportLayer, (typeof IMPORT_LAYER_LIST)[number]>>,
  Assert<Covers<ImportFormat, (typeof IMPORT_FORMAT_LIST)[number]>>,
  Assert<Covers<ImportStatus, (typeof IMPORT_STATUS_LIST)[number]>>,
  Assert<Covers<RejectionReason, (typeof REJECTION_REASON_LIST)[number]>>,
];

/**
 * Who may import: those who may edit map data, i.e. administrators and the town and village
 * coordinators (the roles with edit_grids); the page and its header link follow this.
 */
export const IMPORT_PERMISSION: Permission = 'edit_grids';

/** What the file input offers (the same extensions the API reads the format from). */
export const ACCEPTED_FILES = '.geojson,.json,.csv,.txt,.zip,.kml,.kmz';

/** The format the API reads from a file name's extension when none is given; null when unknown. */
export function formatFromFilename(filename: string): ImportFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  switch (ext) {
    case 'geojson':
    case 'json':
      return 'geojson';
    case 'csv':
    case 'txt':
      return 'csv';
    case 'zip':
      return 'shapefile';
    case 'kml':
    case 'kmz': // a zipped KML: the reader recognises the archive by its bytes
      return 'kml';
    default:
      return null;
  }
}

/** The message key of a layer's name (areas are named as on the map's layer panel). */
export function layerNameKey(layer: ImportLayer): MessageKey {
  return layer === 'areas' ? 'panel.areas' : (`layer.${layer}` as MessageKey);
}

/** Translated status of an import; the code itself if unknown. */
export function importStatusName(t: I18n['t'], status: string): string {
  const name = t(`import.status.${status}` as MessageKey) as string | undefined;
  return name ?? status;
}

/** Translated reason of a rejection; the code itself if unknown. */
export function rejectionReasonName(t: I18n['t'], reason: string): string {
  const name = t(`import.reason.${reason}` as MessageKey) as string | undefined;
  return name ?? reason;
}

/**
 * The kind of file the rejected rows download as: a CSV gives back a CSV (to fix in a
 * spreadsheet), the formats with geometries a GeoJSON that keeps them.
 */
export function rejectionsFileType(job: Pick<ImportJob, 'format'>): 'CSV' | 'GeoJSON' {
  return job.format === 'csv' ? 'CSV' : 'GeoJSON';
}

/** A byte count for people: "812 B", "14.2 KB", "3.5 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Share of the file read so far (0–1), or null while the size is not known. */
export function readFraction(progress: ImportProgress): number | null {
  if (progress.totalBytes <= 0) return null;
  return Math.min(1, Math.max(0, progress.bytesRead / progress.totalBytes));
}

/** True once an import has ended one way or another (nothing more will change by itself). */
export function isFinished(status: ImportStatus): boolean {
  return status !== 'uploaded' && status !== 'running';
}

/** Only an applied import has anything to take back. */
export function mayUndo(job: ImportJob): boolean {
  return job.status === 'applied';
}

/** The suggested mapping, keeping only target fields of the layer and columns of the file. */
export function initialMapping(job: ImportJob): Record<string, string> {
  const columns = new Set(job.columns);
  const fields = new Set(job.fields.map((f) => f.name));
  const out: Record<string, string> = {};
  for (const [field, column] of Object.entries(job.suggestedMapping)) {
    if (fields.has(field) && columns.has(column)) out[field] = column;
  }
  return out;
}

/** How a CSV gives its positions: two columns or one WKT column. */
export type CoordinateMode = 'lonlat' | 'wkt';

/** The position columns being edited (all three kept so switching modes loses nothing). */
export interface CoordinateChoice {
  mode: CoordinateMode;
  lon: string;
  lat: string;
  wkt: string;
}

/** The suggested position columns, or empty lon/lat selects when none was guessed. */
export function initialCoordinates(job: ImportJob): CoordinateChoice {
  const columns = new Set(job.columns);
  const keep = (c: string | undefined) => (c && columns.has(c) ? c : '');
  const s = job.suggestedCoordinates;
  if (s && 'wkt' in s) return { mode: 'wkt', lon: '', lat: '', wkt: keep(s.wkt) };
  if (s && 'lon' in s) return { mode: 'lonlat', lon: keep(s.lon), lat: keep(s.lat), wkt: '' };
  return { mode: 'lonlat', lon: '', lat: '', wkt: '' };
}

/** The run body's `coordinates`, or null while a needed column is unchosen. */
export function coordinatesBody(choice: CoordinateChoice): ImportCoordinates | null {
  if (choice.mode === 'wkt') return choice.wkt ? { wkt: choice.wkt } : null;
  return choice.lon && choice.lat ? { lon: choice.lon, lat: choice.lat } : null;
}

/**
 * Whether the run needs position columns: a file without geometries does, except for teams,
 * whose position is optional (the API's run check asks the same).
 */
export function needsCoordinates(job: Pick<ImportJob, 'hasGeometry' | 'layer'>): boolean {
  return !job.hasGeometry && job.layer !== 'teams';
}

/** Required target fields without a source column. */
export function unmappedRequired(
  fields: readonly ImportField[],
  mapping: Record<string, string>,
): ImportField[] {
  return fields.filter((f) => f.required && !mapping[f.name]);
}

/** A preview cell as text (null and missing cells empty). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The first position of any GeoJSON coordinates array (or of a geometry). */
export function firstPosition(coordinates: unknown): number[] | null {
  if (typeof coordinates === 'object' && coordinates !== null && !Array.isArray(coordinates)) {
    coordinates = (coordinates as { coordinates?: unknown }).coordinates;
  }
  let c: unknown = coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number' ? (c as number[]) : null;
}

/** A geometry of the preview in a few characters: its type and first position ("Point 113.75, 23.02"). */
export function geometrySummary(geometry: unknown): string {
  if (typeof geometry !== 'object' || geometry === null) return '';
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string') return '';
  const p = firstPosition(coordinates);
  return p ? `${type} ${p[0]!.toFixed(5)}, ${p[1]!.toFixed(5)}` : type;
}

/** The message of an import refusal in the user's language (every import refusal has its code). */
export function importErrorMessage(error: unknown, t: I18n['t']): string {
  return errorMessage(error, t);
}

/** Asks the user to confirm taking an import back, naming its file and layer. */
export function confirmUndo(t: I18n['t'], job: Pick<ImportJob, 'filename' | 'layer'>): boolean {
  return window.confirm(`${t('import.undoConfirm')}\n${job.filename} → ${t(layerNameKey(job.layer))}`);
}
