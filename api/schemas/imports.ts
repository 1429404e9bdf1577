import { Type, type Static } from 'typebox';
import { CRS_IDS, LOCAL_DATUMS } from '../lib/crs/definitions.ts';

/** The layers a file can be imported into (the allow-list the import SQL is built from). */
export const IMPORT_LAYERS = ['sites', 'components', 'risk_sources', 'cameras', 'teams', 'areas'] as const;
export type ImportLayer = (typeof IMPORT_LAYERS)[number];

/** File formats the importer reads. A Shapefile comes zipped (.shp + .dbf, optionally .prj/.cpg). */
export const IMPORT_FORMATS = ['geojson', 'csv', 'shapefile', 'kml'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * Source coordinate systems (api/lib/crs/definitions.ts): `wgs84`, AMap's `gcj02`, Baidu's
 * `bd09`, and `EPSG:<code>` for CGCS2000 (lon/lat and every Gauss–Krüger zone), Web Mercator,
 * UTM 49N/50N, Xian 1980 and Beijing 1954 (lon/lat and 3° Gauss–Krüger zones).
 */
export const IMPORT_CRS: readonly string[] = CRS_IDS;
export type ImportCrs = string;

/**
 * Where an import stands. `uploaded`: file stored, waiting for the mapping; `running`: being
 * read, checked and written in one transaction; `applied`: committed; `rejected`: some rows
 * were refused and the import was set to apply all or nothing, so nothing was written;
 * `failed`: the file broke or the database refused it (nothing written); `cancelled`: stopped
 * by the user (nothing written); `undone`: applied, then taken back.
 */
export const IMPORT_STATUSES = [
  'uploaded',
  'running',
  'applied',
  'rejected',
  'failed',
  'cancelled',
  'undone',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Why a row was refused. */
export const REJECTION_REASONS = [
  'bad_coordinates',
  'outside_city',
  'outside_scope',
  'unknown_category',
  'duplicate_code',
  'missing_field',
  'bad_value',
  'bad_geometry',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

const Cell = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const ImportField = Type.Object({
  /** Target field name, e.g. `name`, `kind`, `code`. */
  name: Type.String(),
  required: Type.Boolean(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  /** What the field accepts, in plain words (Chinese). */
  hintZh: Type.String(),
  hintEn: Type.String(),
});
export type ImportField = Static<typeof ImportField>;

export const ImportProgress = Type.Object({
  /** reading → checking → writing; null before the run starts. */
  phase: Type.Union([
    Type.Literal('reading'),
    Type.Literal('checking'),
    Type.Literal('writing'),
    Type.Null(),
  ]),
  bytesRead: Type.Integer({ minimum: 0 }),
  totalBytes: Type.Integer({ minimum: 0 }),
  rowsRead: Type.Integer({ minimum: 0 }),
  accepted: Type.Integer({ minimum: 0 }),
  rejected: Type.Integer({ minimum: 0 }),
  /** Milliseconds each finished phase took. */
  timings: Type.Optional(
    Type.Object({
      readingMs: Type.Optional(Type.Integer()),
      checkingMs: Type.Optional(Type.Integer()),
      writingMs: Type.Optional(Type.Integer()),
    }),
  ),
});
export type ImportProgress = Static<typeof ImportProgress>;

export const ImportRejection = Type.Object({
  /** 1-based row (feature / placemark / record) number in the file. */
  row: Type.Integer({ minimum: 1 }),
  reason: Type.Enum(REJECTION_REASONS),
  /** The offending field, when one is to blame. */
  field: Type.Union([Type.String(), Type.Null()]),
  /** What is wrong, in English. */
  message: Type.String(),
  /** The same in Chinese; null for rejections stored before messages were kept in Chinese. */
  messageZh: Type.Union([Type.String(), Type.Null()]),
});
export type ImportRejection = Static<typeof ImportRejection>;

/** The languages the rejections file can give its `_message` in. */
export const REJECTION_LANGUAGES = ['zh-CN', 'en'] as const;
export type RejectionLanguage = (typeof REJECTION_LANGUAGES)[number];

export const ImportRejectionsQuery = Type.Object(
  {
    /** The language of `_message`: Chinese (the default; English where a row has no Chinese) or English. */
    lang: Type.Optional(Type.Enum(REJECTION_LANGUAGES)),
  },
  { additionalProperties: false },
);
export type ImportRejectionsQuery = Static<typeof ImportRejectionsQuery>;

export const ImportCoordinates = Type.Union([
  Type.Object(
    {
      lon: Type.String({ minLength: 1, maxLength: 1000 }),
      lat: Type.String({ minLength: 1, maxLength: 1000 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ wkt: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
]);
export type ImportCoordinates = Static<typeof ImportCoordinates>;

export const ImportJob = Type.Object({
  id: Type.Integer(),
  layer: Type.Enum(IMPORT_LAYERS),
  format: Type.Enum(IMPORT_FORMATS),
  filename: Type.String(),
  sizeBytes: Type.Integer({ minimum: 0 }),
  status: Type.Enum(IMPORT_STATUSES),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Source columns (CSV header, or the property names of the first features). */
  columns: Type.Array(Type.String()),
  /** The first rows' source values, for the preview (at most 20). */
  sample: Type.Array(Type.Record(Type.String(), Cell)),
  /** The first rows' geometries as read (source CRS), null where a row has none (CSV). */
  sampleGeometries: Type.Array(Type.Union([Type.Unknown(), Type.Null()])),
  /** True when the file carries geometries itself (GeoJSON, KML, Shapefile); CSV needs `coordinates`. */
  hasGeometry: Type.Boolean(),
  /** The layer's fields the mapping fills. */
  fields: Type.Array(ImportField),
  /** field → source column, guessed from the column names; the user confirms or edits it. */
  suggestedMapping: Type.Record(Type.String(), Type.String()),
  /** For CSV: the guessed lon/lat (or WKT) columns. */
  suggestedCoordinates: Type.Union([ImportCoordinates, Type.Null()]),
  /** CRS read from the file (a Shapefile's .prj, a GeoJSON `crs` member), recognised by its parameters; null when it declares none. */
  detectedCrs: Type.Union([Type.Enum(IMPORT_CRS), Type.Null()]),
  /**
   * The local datums (Xian 1980, Beijing 1954) this server converts only approximately (tens
   * of metres), having no local 7-parameter values for them (RISKMAP_DATUM_PARAMS_*).
   */
  approximateDatums: Type.Array(Type.Enum(LOCAL_DATUMS)),
  /** KMZ: the KML documents (layers) the placemarks were read from. */
  layers: Type.Array(Type.String()),
  /** What the run was asked to do; null before it ran. */
  options: Type.Union([Type.Unknown(), Type.Null()]),
  progress: ImportProgress,
  /** Features written (applied) or that would have been (rejected/failed). */
  inserted: Type.Integer({ minimum: 0 }),
  rejectedCount: Type.Integer({ minimum: 0 }),
  /** The first rejections (at most 100); all of them via GET /api/imports/{id}/rejections. */
  rejections: Type.Array(ImportRejection),
  /** What went wrong for `failed`, or why the run stopped. */
  error: Type.Union([Type.String(), Type.Null()]),
});
export type ImportJob = Static<typeof ImportJob>;

export const ImportJobList = Type.Array(ImportJob);
export type ImportJobList = Static<typeof ImportJobList>;

export const ImportUploadQuery = Type.Object(
  {
    layer: Type.Enum(IMPORT_LAYERS),
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    /** Read from the file name's extension when absent (.geojson/.json, .csv/.txt, .zip, .kml/.kmz). */
    format: Type.Optional(Type.Enum(IMPORT_FORMATS)),
  },
  { additionalProperties: false },
);
export type ImportUploadQuery = Static<typeof ImportUploadQuery>;

export const ImportRunBody = Type.Object(
  {
    /** field → source column; every required field must be mapped. */
    mapping: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 1000 })),
    crs: Type.Enum(IMPORT_CRS),
    /** CSV only: which columns hold the position. */
    coordinates: Type.Optional(ImportCoordinates),
    /** `abort` (default): any rejected row → nothing is written. `skip`: write the accepted rows. */
    onRejected: Type.Optional(Type.Enum(['abort', 'skip'])),
  },
  { additionalProperties: false },
);
export type ImportRunBody = Static<typeof ImportRunBody>;
