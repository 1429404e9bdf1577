import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { DomainError, NotFoundError } from '../lib/errors.ts';
import { isCityWide, scopeCovers, scopePrefixes, scopeSql, type Scope } from '../auth/scope.ts';
import type { LonLat } from '../lib/chinese-coordinates.ts';
import { crsById, isProjected, type LocalDatum } from '../lib/crs/definitions.ts';
import { toWgs84Converter, type DatumParams } from '../lib/crs/transform.ts';
import { csvField } from '../lib/csv.ts';
import {
  categoryMatcher,
  IMPORT_LAYER_DEFS,
  isRefusal,
  parseComponentStatus,
  parseCount,
  parseMetres,
  parseRiskLevel,
  parseTeamKind,
  parseYesNo,
  refuse,
  splitList,
  type CategoryRef,
  type Refusal,
} from '../lib/import-fields.ts';
import { readRecords, type ReadLimits, type SourceRecord } from '../lib/import-readers/index.ts';
import { VALIDITY_REASONS } from '../lib/postgis-validity.ts';
import { parseWkt, toEwkt, WktError, type Geometry } from '../lib/wkt.ts';
import type {
  ImportFormat,
  ImportJob,
  ImportLayer,
  ImportProgress,
  ImportRejection,
  ImportRunBody,
  RejectionReason,
} from '../schemas/imports.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';
import { foldTileCells } from './tile-repository.ts';

/** An import that cannot be started, undone or read as asked (409 or 422). */

/** What the upload found in the file, kept with the import for the preview. */
export interface ImportPreview {
  columns: string[];
  sample: Array<Record<string, string | number | boolean | null>>;
  sampleGeometries: unknown[];
  hasGeometry: boolean;
  suggestedMapping: Record<string, string>;
  suggestedCoordinates: { lon: string; lat: string } | { wkt: string } | null;
  /** An id of api/lib/crs/definitions.ts, recognised from the file; null when it declares none. */
  detectedCrs: string | null;
  /** The local datums the server had no shift values for at upload (absent in imports stored before). */
  approximateDatums?: LocalDatum[];
  /** KMZ: the KML documents read (absent in imports stored before). */
  layers?: string[];
}

interface ImportRow {
  id: string;
  layer: ImportLayer;
  format: ImportFormat;
  filename: string;
  size_bytes: string;
  stored_name: string;
  status: ImportJob['status'];
  created_at: Date;
  created_by: string;
  scope_area: string;
  finished_at: Date | null;
  preview: ImportPreview;
  options: ImportRunBody | null;
  progress: ImportProgress;
  inserted: number;
  rejected_count: number;
  error: string | null;
}

const EMPTY_PROGRESS: ImportProgress = {
  phase: null,
  bytesRead: 0,
  totalBytes: 0,
  rowsRead: 0,
  accepted: 0,
  rejected: 0,
};

/** The advisory lock key (with the import id) an import's writing transaction holds. */
const IMPORT_LOCK = 7270012;

async function firstRejections(db: Queryable, id: number): Promise<ImportRejection[]> {
  const { rows } = await db.query<ImportRejection>(
    `SELECT row, reason, field, message, message_zh AS "messageZh" FROM import_rejections
     WHERE import_id = $1 ORDER BY row LIMIT 100`,
    [id],
  );
  return rows;
}

function toJob(r: ImportRow, rejections: ImportRejection[]): ImportJob {
  return {
    id: Number(r.id),
    layer: r.layer,
    format: r.format,
    filename: r.filename,
    sizeBytes: Number(r.size_bytes),
    status: r.status,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    columns: r.preview.columns,
    sample: r.preview.sample,
    sampleGeometries: r.preview.sampleGeometries,
    hasGeometry: r.preview.hasGeometry,
    fields: IMPORT_LAYER_DEFS[r.layer].fields.map(({ aliases: _a, ...rest }) => rest),
    suggestedMapping: r.preview.suggestedMapping,
    suggestedCoordinates: r.preview.suggestedCoordinates,
    detectedCrs: r.preview.detectedCrs,
    approximateDatums: r.preview.approximateDatums ?? [],
    layers: r.preview.layers ?? [],
    options: r.options,
    progress: r.progress,
    inserted: r.inserted,
    rejectedCount: r.rejected_count,
    rejections,
    error: r.error,
  };
}

/** Records an uploaded file as a new import of `layer` (status `uploaded`). */
export async function createImport(
  db: Queryable,
  scope: Scope,
  input: {
    layer: ImportLayer;
    format: ImportFormat;
    filename: string;
    storedName: string;
    sizeBytes: number;
    preview: ImportPreview;
  },
): Promise<ImportJob> {
  const { rows } = await db.query<ImportRow>(
    `INSERT INTO imports (layer, format, filename, stored_name, size_bytes, created_by, scope_area, preview, progress)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      input.layer,
      input.format,
      input.filename,
      input.storedName,
      input.sizeBytes,
      scope.name,
      isCityWide(scope) ? '' : scope.areaCode,
      JSON.stringify(input.preview),
      JSON.stringify({ ...EMPTY_PROGRESS, totalBytes: input.sizeBytes }),
    ],
  );
  return toJob(rows[0]!, []);
}

/** The import row (with its stored file name) if the caller may see it; null when not found or outside the scope. */
export async function getImportRow(db: Queryable, scope: Scope, id: number): Promise<ImportRow | null> {
  const params: unknown[] = [id];
  const { rows } = await db.query<ImportRow>(
    `SELECT * FROM imports WHERE id = $1 AND (${scopeSql(scope, "nullif(scope_area, '')", params)})`,
    params,
  );
  // a city-wide import (scope_area '') is visible to city-wide users only
  const row = rows[0];
  if (!row || (row.scope_area === '' && !isCityWide(scope))) return null;
  return row;
}

/** One import as the API shows it; null when not found or not the caller's. */
export async function getImport(db: Queryable, scope: Scope, id: number): Promise<ImportJob | null> {
  const row = await getImportRow(db, scope, id);
  return row ? toJob(row, await firstRejections(db, id)) : null;
}

/** The newest imports the caller may see, newest first. */
export async function listImports(db: Queryable, scope: Scope, limit = 50): Promise<ImportJob[]> {
  const params: unknown[] = [limit];
  const cond = isCityWide(scope) ? 'TRUE' : `scope_area <> '' AND ${scopeSql(scope, 'scope_area', params)}`;
  const { rows } = await db.query<ImportRow>(
    `SELECT * FROM imports WHERE ${cond} ORDER BY created_at DESC, id DESC LIMIT $1`,
    params,
  );
  return rows.map((r) => toJob(r, []));
}

/** Every rejection of an import, by row. */
export async function allRejections(db: Queryable, id: number): Promise<ImportRejection[]> {
  const { rows } = await db.query<ImportRejection>(
    `SELECT row, reason, field, message, message_zh AS "messageZh" FROM import_rejections
     WHERE import_id = $1 ORDER BY row`,
    [id],
  );
  return rows;
}

/**
 * Marks `running` imports whose process is gone as failed (nothing of them was written: the
 * writing is one transaction). An import counts as gone when its reading phase has not
 * reported progress for 60 s and no transaction holds its lock. Returns how many.
 */
export async function failInterruptedImports(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE imports SET status = 'failed', finished_at = now(),
              error = 'the server stopped while this import ran; nothing was written'
       WHERE status = 'running' AND (progress->>'at' IS NULL OR (progress->>'at')::timestamptz < now() - interval '60 seconds')
         AND pg_try_advisory_xact_lock(${IMPORT_LOCK}, id::integer)`,
    );
    return rowCount;
  });
}

// ---------------------------------------------------------------------------------------
// Running an import

/** The staging columns every layer's rows are written to before the checks in SQL. */
const STAGE_COLUMNS = [
  'row',
  // a point as two numbers (cheaper to write and to COPY than its EWKT); other shapes as EWKT
  'lon',
  'lat',
  'geom',
  'name',
  'kind',
  'code',
  'address',
  'status',
  'level',
  'radius',
  'capabilities',
  'home',
  'on_duty',
  'population',
  'households',
] as const;
type StageColumn = (typeof STAGE_COLUMNS)[number];
type StageValues = Partial<Record<StageColumn, string | number | boolean | null>>;

/** A CSV file written in large chunks, waiting when the disk is behind. */
class CsvWriter {
  private out: WriteStream;
  private buf: string[] = [];
  private size = 0;
  count = 0;
  constructor(
    readonly file: string,
    header: readonly string[],
  ) {
    this.out = createWriteStream(file);
    this.buf.push(header.join(',') + '\n');
  }
  async line(values: ReadonlyArray<string | number | boolean | null | undefined>): Promise<void> {
    const l = values.map(csvField).join(',') + '\n';
    this.buf.push(l);
    this.size += l.length;
    this.count++;
    if (this.size > 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    const chunk = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
  private closing: Promise<void> | null = null;
  /**
   * Writes what is buffered and closes the file; a second call waits for the first (writing to
   * an ended stream would wait forever for a 'drain' that never comes).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      this.out.end();
      if (!this.out.writableFinished) await once(this.out, 'finish');
    })();
    return this.closing;
  }
}

// ---------------------------------------------------------------------------------------
// Rejections, in English and Chinese

/**
 * A refused row with its message in Chinese as well: the interface is Chinese first, while
 * `message` stays the English text (the file downloaded in English, and what rows stored
 * before the Chinese column show).
 */
interface RowRefusal extends Refusal {
  messageZh: string;
}

const refuseRow = (
  reason: RejectionReason,
  field: string | null,
  message: string,
  messageZh: string,
): RowRefusal => ({ ...refuse(reason, field, message), messageZh });

/** The columns of a stored rejection, in the order of the rejection work file and its COPY. */
const REJECTION_COLUMNS = ['import_id', 'row', 'reason', 'field', 'message', 'message_zh'] as const;

/** A rejection the database checks found, as their SELECTs return it and INSERT_DB_REJECTIONS takes it. */
interface DbRejection {
  row: number;
  reason: string;
  field: string | null;
  message: string;
  message_zh: string;
}

/** Stores the rejections the database checks found: `$1` the import id, `$2` them as JSON. */
const INSERT_DB_REJECTIONS = `INSERT INTO import_rejections (import_id, row, reason, field, message, message_zh)
  SELECT $1, r.row, r.reason, r.field, r.message, r.message_zh
  FROM jsonb_to_recordset($2::jsonb) AS r(row integer, reason text, field text, message text, message_zh text)`;

/**
 * A malformed record as its reader reports it. The readers describe the fault in English
 * only, so the Chinese message is a plain sentence for the reason with their words after it.
 */
function readerRefusal(rec: SourceRecord, error: string): RowRefusal {
  // a record that has its geometry has broken attributes; one without could not be read as a shape or row
  return rec.geometry
    ? refuseRow('bad_value', null, error, `该记录的属性数据有误（${error}）`)
    : refuseRow('bad_geometry', null, error, `该记录的几何图形或格式有误，无法读取（${error}）`);
}

/** The layers as the Chinese messages name them (the page's layer names). */
const LAYER_NAMES_ZH: Record<ImportLayer, string> = {
  sites: '重点场所',
  components: '城市部件',
  risk_sources: '风险源',
  cameras: '视频监控',
  teams: '治理力量',
  areas: '行政区与网格',
};

/** GeoJSON / WKT geometry types in Chinese. */
const GEOMETRY_TYPES_ZH: Record<string, string> = {
  Point: '点',
  MultiPoint: '多点',
  LineString: '线',
  MultiLineString: '多线',
  Polygon: '面',
  MultiPolygon: '多面',
  GeometryCollection: '几何集合',
};

/** SQL: the Chinese of the validity reason `expr` (ST_IsValidReason); unknown reasons stay English. */
const validityReasonZh = (expr: string): string =>
  VALIDITY_REASONS.reduce((sql, { en, zh }) => `replace(${sql}, '${en}', '${zh}')`, expr);

/** The layer's checks on one mapped row: stage values, or why the row is refused. */
type RowCheck = (get: (field: string) => string | null) => StageValues | RowRefusal;

async function rowChecker(db: Queryable, layer: ImportLayer): Promise<RowCheck> {
  const categories = async (kind: string) => {
    const { rows } = await db.query<CategoryRef>(
      `SELECT c.code, c.name_zh AS "nameZh", c.name_en AS "nameEn",
              NOT EXISTS (SELECT 1 FROM categories k WHERE k.kind = c.kind AND k.parent_code = c.code) AS leaf
       FROM categories c WHERE c.kind = $1`,
      [kind],
    );
    return categoryMatcher(rows);
  };
  // a field as the mapping step shows it to a Chinese user
  const fieldZh = (field: string) =>
    IMPORT_LAYER_DEFS[layer].fields.find((f) => f.name === field)?.nameZh ?? field;
  const need = (get: (f: string) => string | null, field: string): string | RowRefusal => {
    const v = get(field);
    return v === null
      ? refuseRow('missing_field', field, `${field} is empty`, `必填字段“${fieldZh(field)}”为空`)
      : v;
  };
  const name = (get: (f: string) => string | null): string | RowRefusal => {
    const v = need(get, 'name');
    if (typeof v === 'string' && v.length > 200)
      return refuseRow('bad_value', 'name', 'name is longer than 200 characters', '名称超过200个字符');
    return v;
  };
  switch (layer) {
    case 'sites': {
      const match = await categories('site');
      return (get) => {
        const n = name(get);
        if (isRefusal(n)) return n;
        const k = need(get, 'kind');
        if (isRefusal(k)) return k;
        const c = match(k);
        if (!c) {
          return refuseRow('unknown_category', 'kind', `unknown site kind "${k}"`, `未知的场所类型“${k}”`);
        }
        return { name: n, kind: c.code, address: get('address') };
      };
    }
    case 'components': {
      const match = await categories('component');
      return (get) => {
        const code = need(get, 'code');
        if (isRefusal(code)) return code;
        if (!/^[0-9]{16}$/.test(code)) {
          return refuseRow(
            'bad_value',
            'code',
            `component code "${code}" is not 16 digits (GB/T 30428.2)`,
            `部件编码“${code}”不是16位（GB/T 30428.2）`,
          );
        }
        const fromCode = code.slice(6, 10);
        const given = get('kind');
        const c = match(given ?? fromCode);
        if (!c || !c.leaf) {
          return refuseRow(
            'unknown_category',
            'kind',
            `unknown component kind "${given ?? fromCode}"`,
            `未知的部件小类“${given ?? fromCode}”`,
          );
        }
        if (c.code !== fromCode) {
          return refuseRow(
            'bad_value',
            'kind',
            `kind ${c.code} does not match the code's digits 7–10 (${fromCode})`,
            `部件小类${c.code}与编码第7–10位（${fromCode}）不一致`,
          );
        }
        const s = get('status');
        const status = s === null ? 'normal' : parseComponentStatus(s);
        if (!status) return refuseRow('bad_value', 'status', `unknown status "${s}"`, `未知的状态“${s}”`);
        return { code, kind: c.code, status };
      };
    }
    case 'risk_sources': {
      const match = await categories('risk_source');
      return (get) => {
        const n = name(get);
        if (isRefusal(n)) return n;
        const k = need(get, 'kind');
        if (isRefusal(k)) return k;
        const c = match(k);
        if (!c) {
          return refuseRow(
            'unknown_category',
            'kind',
            `unknown risk source kind "${k}"`,
            `未知的风险源类型“${k}”`,
          );
        }
        const l = need(get, 'level');
        if (isRefusal(l)) return l;
        const level = parseRiskLevel(l);
        if (!level) {
          return refuseRow(
            'bad_value',
            'level',
            `risk level "${l}" is not 1–4 or 重大/较大/一般/低`,
            `风险等级“${l}”不是1–4或重大/较大/一般/低`,
          );
        }
        const r = need(get, 'impactRadiusM');
        if (isRefusal(r)) return r;
        const radius = parseMetres(r);
        if (radius === null || radius <= 0 || radius > 50_000) {
          return refuseRow(
            'bad_value',
            'impactRadiusM',
            `impact radius "${r}" is not a number of metres in (0, 50000]`,
            `影响半径“${r}”不是大于0且不超过50000的米数`,
          );
        }
        return { name: n, kind: c.code, level, radius };
      };
    }
    case 'cameras':
      return (get) => {
        const code = need(get, 'code');
        if (isRefusal(code)) return code;
        if (code.length > 64) {
          return refuseRow(
            'bad_value',
            'code',
            'camera code is longer than 64 characters',
            '设备编码超过64个字符',
          );
        }
        const n = name(get);
        if (isRefusal(n)) return n;
        return { code, name: n };
      };
    case 'teams': {
      const { rows } = await db.query<{ c: string }>(
        `SELECT DISTINCT team_capability AS c FROM categories WHERE team_capability IS NOT NULL`,
      );
      const known = new Set(rows.map((r) => r.c));
      return (get) => {
        const n = name(get);
        if (isRefusal(n)) return n;
        const k = need(get, 'kind');
        if (isRefusal(k)) return k;
        const kind = parseTeamKind(k);
        if (!kind) return refuseRow('bad_value', 'kind', `unknown team kind "${k}"`, `未知的队伍类型“${k}”`);
        const caps = splitList(get('capabilities') ?? '');
        const unknown = caps.filter((c) => !known.has(c));
        if (unknown.length) {
          return refuseRow(
            'bad_value',
            'capabilities',
            `unknown capabilities: ${unknown.join(', ')}`,
            `未知的处置能力：${unknown.join('、')}`,
          );
        }
        const home = get('homeAreaCode');
        if (home !== null && !/^441900([0-9]{3}){1,3}$/.test(home)) {
          return refuseRow(
            'bad_value',
            'homeAreaCode',
            `"${home}" is not a Dongguan town, village or grid code`,
            `“${home}”不是东莞市的镇街、村（社区）或网格代码`,
          );
        }
        const d = get('onDuty');
        const onDuty = d === null ? true : parseYesNo(d);
        if (onDuty === null) {
          return refuseRow('bad_value', 'onDuty', `"${d}" is not yes or no`, `“${d}”不是“是”或“否”`);
        }
        return {
          name: n,
          kind,
          capabilities: `{${caps.map((c) => `"${c}"`).join(',')}}`,
          home,
          on_duty: onDuty,
        };
      };
    }
    case 'areas':
      return (get) => {
        const code = need(get, 'code');
        if (isRefusal(code)) return code;
        if (!/^441900([0-9]{3}){1,3}$/.test(code)) {
          return refuseRow(
            'bad_value',
            'code',
            `"${code}" is not a 9-, 12- or 15-digit Dongguan area code`,
            `“${code}”不是9位、12位或15位的东莞市区划代码`,
          );
        }
        const n = name(get);
        if (isRefusal(n)) return n;
        const counts: StageValues = {};
        for (const [field, col] of [
          ['population', 'population'],
          ['households', 'households'],
        ] as const) {
          const v = get(field);
          if (v === null) continue;
          const c = parseCount(v);
          if (c === null) {
            return refuseRow(
              'bad_value',
              field,
              `${field} "${v}" is not a whole number`,
              `${fieldZh(field)}“${v}”不是整数`,
            );
          }
          counts[col] = c;
        }
        return { code, name: n, ...counts };
      };
  }
}

const inRange = ([lon, lat]: LonLat) =>
  Number.isFinite(lon) && Number.isFinite(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;

/**
 * Converts every position to WGS84 with `convert`, or says why the geometry cannot be used: a
 * position out of range (for lon/lat sources, before converting, with a hint when longitude
 * and latitude look swapped), or one the source system does not place on the earth.
 */
function convertGeometry(
  g: Geometry,
  convert: (p: LonLat) => LonLat,
  projected: boolean,
  crsName: string,
): Geometry | RowRefusal {
  const found: { bad: LonLat | null } = { bad: null };
  const conv = (c: unknown): unknown => {
    if (typeof (c as unknown[])[0] === 'number') {
      const p = c as LonLat;
      if (!projected && !inRange(p)) {
        found.bad ??= p;
        return p;
      }
      const q = convert(p);
      if (!inRange(q)) found.bad ??= p;
      return q;
    }
    return (c as unknown[]).map(conv);
  };
  const coordinates = conv(g.coordinates);
  if (found.bad) {
    const [x, y] = found.bad;
    if (projected || inRange(found.bad)) {
      return refuseRow(
        'bad_coordinates',
        null,
        `position (${x}, ${y}) is not a position of ${crsName}`,
        `坐标（${x}, ${y}）不是${crsName}中的有效位置`,
      );
    }
    const swapped = Math.abs(x) <= 90 && Math.abs(y) > 90 && Math.abs(y) <= 180;
    return refuseRow(
      'bad_coordinates',
      null,
      `position (${x}, ${y}) is out of range${swapped ? ': longitude and latitude look swapped' : ''}`,
      `坐标（${x}, ${y}）超出范围${swapped ? '：经度和纬度似乎填反了' : ''}`,
    );
  }
  return { type: g.type, coordinates };
}

/** The geometry a layer takes, from what the file gave; a refusal for the wrong kind. */
function fitGeometry(layer: ImportLayer, g: Geometry): Geometry | RowRefusal {
  const kind = IMPORT_LAYER_DEFS[layer].geometry;
  if (g.type === 'MultiPoint' && (g.coordinates as unknown[]).length === 1) {
    g = { type: 'Point', coordinates: (g.coordinates as unknown[])[0] };
  }
  const point = g.type === 'Point';
  const polygon = g.type === 'Polygon' || g.type === 'MultiPolygon';
  if ((kind === 'point' && !point) || (kind === 'polygon' && !polygon) || (!point && !polygon)) {
    const want = { point: 'a point', polygon: 'a polygon', point_or_polygon: 'a point or a polygon' }[kind];
    const wantZh = { point: '点', polygon: '面', point_or_polygon: '点或面' }[kind];
    const typeZh = GEOMETRY_TYPES_ZH[g.type] ?? g.type;
    return refuseRow(
      'bad_geometry',
      null,
      `a ${g.type} where ${layer} takes ${want}`,
      `${LAYER_NAMES_ZH[layer]}图层只接受${wantZh}，此行是${typeZh}（${g.type}）`,
    );
  }
  return g;
}

const cell = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
};

/** What a run reports as it goes; the runner shows it to whoever asks. */
export interface RunContext {
  signal: AbortSignal;
  progress: ImportProgress;
  /** Where the staging files go (removed afterwards). */
  workFile: string;
  /** The uploaded file. */
  file: string;
  /** When the writing phase began (performance.now()), for the phase timings. */
  writingAt?: number;
  /** Local datum shifts (RISKMAP_DATUM_PARAMS_*). */
  datumParams?: DatumParams;
  /** The readers' limits other than the defaults (RISKMAP_IMPORT_MAX_EXPANDED_BYTES). */
  limits?: Partial<ReadLimits>;
}

/** The outcome of a run, as stored. */
export interface RunOutcome {
  status: 'applied' | 'rejected' | 'failed' | 'cancelled';
  inserted: number;
  rejected: number;
  error: string | null;
  /** How long each phase took (ms), as far as the run got. */
  timings?: ImportProgress['timings'];
}

/**
 * Checks a run's options against the import before it starts: every required field mapped
 * to a column of the file, and the position columns of a CSV. Throws a DomainError (422).
 */
function mappingInvalid(message: string): DomainError {
  return new DomainError(422, 'import_mapping_invalid', message, { message });
}

export function checkRunOptions(job: ImportJob, body: ImportRunBody): void {
  const columns = new Set(job.columns);
  for (const [field, column] of Object.entries(body.mapping)) {
    if (!job.fields.some((f) => f.name === field)) {
      throw mappingInvalid(
        `${job.layer} has no field "${field}"; its fields are ${job.fields.map((f) => f.name).join(', ')}`,
      );
    }
    if (!columns.has(column)) throw mappingInvalid(`the file has no column "${column}" (mapped to ${field})`);
  }
  const missing = job.fields.filter((f) => f.required && !body.mapping[f.name]).map((f) => f.name);
  if (missing.length) throw mappingInvalid(`required fields not mapped: ${missing.join(', ')}`);
  if (!job.hasGeometry && job.layer !== 'teams' && !body.coordinates) {
    throw mappingInvalid('a CSV needs coordinates: the longitude and latitude columns, or a WKT column');
  }
  for (const c of Object.values(body.coordinates ?? {})) {
    if (!columns.has(c)) throw mappingInvalid(`the file has no column "${c}" (coordinates)`);
  }
  // areas depend on each other (a parent, the siblings it must not overlap): without a refused
  // row, the accepted ones could be checked against an area that is never written
  if (job.layer === 'areas' && body.onRejected === 'skip') {
    throw new DomainError(
      422,
      'import_areas_whole',
      'areas are imported as a whole: onRejected must be abort (fix the rejected rows and upload again)',
    );
  }
}

/**
 * Runs an import: reads the file record by record (streaming), checks each row, stages the
 * accepted ones and, in one transaction, checks them against the database (area, scope,
 * stored codes) and writes them. Nothing is written unless everything is (a failure, a
 * cancel or a dying process leave the layer as it was); with `onRejected: 'abort'` a single
 * refused row means nothing is written.
 */
export async function runImport(
  db: Database,
  scope: Scope,
  id: number,
  body: ImportRunBody,
  ctx: RunContext,
): Promise<RunOutcome> {
  const row = await getImportRow(db, scope, id);
  if (!row) throw new NotFoundError('import', id);
  const layer = row.layer;
  const p = ctx.progress;
  const stage = new CsvWriter(`${ctx.workFile}.rows.csv`, STAGE_COLUMNS);
  const rejects = new CsvWriter(`${ctx.workFile}.rejections.csv`, REJECTION_COLUMNS);
  const reject = async (r: number, why: RowRefusal) => {
    p.rejected++;
    await rejects.line([id, r, why.reason, why.field, why.message, why.messageZh]);
  };
  try {
    const check = await rowChecker(db, layer);
    const crsDef = crsById(body.crs);
    if (!crsDef)
      throw new DomainError(422, 'import_crs_unknown', `unknown coordinate system ${body.crs}`, {
        crs: body.crs,
      });
    const toWgs84 = toWgs84Converter(crsDef.id, ctx.datumParams);
    const projected = isProjected(crsDef);
    const codes = new Set<string>();
    const coords = body.coordinates;
    let lastBeat = 0;
    p.phase = 'reading';
    const started = performance.now();
    for await (const rec of readRecords(ctx.file, row.format, {
      signal: ctx.signal,
      onProgress: (n) => (p.bytesRead = n),
      limits: ctx.limits,
    }) as AsyncGenerator<SourceRecord>) {
      p.rowsRead++;
      if (Date.now() - lastBeat > 1000) {
        lastBeat = Date.now();
        await db.query(`UPDATE imports SET progress = $2 WHERE id = $1`, [
          id,
          JSON.stringify({ ...p, at: new Date().toISOString() }),
        ]);
      }
      if (rec.error) {
        await reject(rec.row, readerRefusal(rec, rec.error));
        continue;
      }
      const get = (field: string) => {
        const col = body.mapping[field];
        return col === undefined ? null : cell(rec.properties[col]);
      };
      const values = check(get);
      if (isRefusal(values)) {
        await reject(rec.row, values);
        continue;
      }
      // the position: the file's own geometry, or the CSV's columns
      let geom: Geometry | RowRefusal | null = rec.geometry as Geometry | null;
      if (coords && 'lon' in coords) {
        const lon = cell(rec.properties[coords.lon]);
        const lat = cell(rec.properties[coords.lat]);
        if (lon === null || lat === null) geom = null;
        else if (!/^\s*-?[0-9]+(\.[0-9]+)?\s*$/.test(lon) || !/^\s*-?[0-9]+(\.[0-9]+)?\s*$/.test(lat)) {
          geom = projected
            ? refuseRow(
                'bad_coordinates',
                null,
                `"${lon}", "${lat}" are not decimal numbers (metres)`,
                `坐标“${lon}”、“${lat}”不是十进制数（米）`,
              )
            : refuseRow(
                'bad_coordinates',
                null,
                `"${lon}", "${lat}" are not decimal degrees`,
                `经纬度“${lon}”、“${lat}”不是十进制度数`,
              );
        } else geom = { type: 'Point', coordinates: [Number(lon), Number(lat)] };
      } else if (coords && 'wkt' in coords) {
        const w = cell(rec.properties[coords.wkt]);
        try {
          geom = w === null ? null : parseWkt(w);
        } catch (e) {
          if (!(e instanceof WktError)) throw e;
          geom = refuseRow('bad_geometry', coords.wkt, e.message, `WKT 几何图形无法识别（${e.message}）`);
        }
      }
      if (geom === null && !(layer === 'teams' && values.home)) {
        await reject(rec.row, refuseRow('bad_coordinates', null, 'the row has no position', '该行没有位置'));
        continue;
      }
      if (geom && !isRefusal(geom)) geom = fitGeometry(layer, geom);
      if (geom && !isRefusal(geom)) geom = convertGeometry(geom, toWgs84, projected, crsDef.name);
      if (geom && isRefusal(geom)) {
        await reject(rec.row, geom);
        continue;
      }
      const code = values.code;
      if (typeof code === 'string') {
        if (codes.has(code)) {
          await reject(
            rec.row,
            refuseRow(
              'duplicate_code',
              'code',
              `code ${code} appears earlier in the file`,
              `编码“${code}”在文件前面的行中已出现`,
            ),
          );
          continue;
        }
        codes.add(code);
      }
      if (layer === 'areas' && !scopeCovers(scope, String(code))) {
        await reject(
          rec.row,
          refuseRow(
            'outside_scope',
            'code',
            `area ${code} lies outside your area`,
            `区域“${code}”不在本人负责的区域内`,
          ),
        );
        continue;
      }
      const point =
        geom && (geom as Geometry).type === 'Point' ? ((geom as Geometry).coordinates as LonLat) : null;
      p.accepted++;
      await stage.line(
        STAGE_COLUMNS.map((c) =>
          c === 'row'
            ? rec.row
            : c === 'lon' || c === 'lat'
              ? point
                ? point[c === 'lon' ? 0 : 1]
                : null
              : c === 'geom'
                ? geom && !point
                  ? toEwkt(geom as Geometry)
                  : null
                : values[c],
        ),
      );
    }
    await stage.close();
    await rejects.close();
    p.timings = { readingMs: Math.round(performance.now() - started) };
    ctx.signal.throwIfAborted();
    return {
      ...(await writeImport(db, scope, row, body, ctx, stage.file, rejects.file)),
      timings: p.timings,
    };
  } catch (e) {
    await stage.close().catch(() => {});
    await rejects.close().catch(() => {});
    if (ctx.signal.aborted) {
      const why = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : 'cancelled';
      return finish(db, id, 'cancelled', 0, p.rejected, `${why}; nothing was written`);
    }
    if (e instanceof RejectedRun) return e.outcome;
    const message = e instanceof Error ? e.message : String(e);
    // a broken file says what is wrong; a database failure is logged by the caller
    return finish(db, id, 'failed', 0, p.rejected, message);
  } finally {
    await rm(stage.file, { force: true });
    await rm(rejects.file, { force: true });
  }
}

class RejectedRun extends Error {
  constructor(readonly outcome: RunOutcome) {
    super('rejected');
  }
}

async function finish(
  db: Queryable,
  id: number,
  status: RunOutcome['status'],
  inserted: number,
  rejected: number,
  error: string | null,
): Promise<RunOutcome> {
  await db.query(
    `UPDATE imports SET status = $2, inserted = $3, rejected_count = $4, error = $5, finished_at = now(),
            progress = progress - 'at' || jsonb_build_object('phase', NULL)
     WHERE id = $1`,
    [id, status, inserted, rejected, error],
  );
  return { status, inserted, rejected, error };
}

/**
 * Town, village and grid of every staged row, by PostGIS. The join runs from the outlines to
 * the points: each grid tests the staged points inside its bbox (GiST index on the staged
 * points, EPSG:4326 like the outlines) one after another, so PostGIS's point-in-polygon cache
 * of that outline serves them all; per point, it would rebuild it at nearly every row. Points
 * in no grid are then placed in their village, and the rest in their town. Grid codes begin
 * with their village's and town's codes.
 */
const PLACE_STEPS = [
  `CREATE TEMP TABLE import_pts ON COMMIT DROP AS
   SELECT row, CASE WHEN lon IS NOT NULL THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326)
                    WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END AS pt
   FROM import_stage
   WHERE lon IS NOT NULL OR (geom IS NOT NULL AND (GeometryType(geom) = 'POINT' OR ST_IsValid(geom)))`,
  `CREATE INDEX ON import_pts USING gist (pt)`,
  `ANALYZE import_pts`,
  `CREATE TEMP TABLE import_areas ON COMMIT DROP AS
   SELECT p.row, min(a.code) AS code
   FROM areas a JOIN import_pts p ON p.pt && a.geom AND ST_Intersects(a.geom, p.pt)
   WHERE a.level = 'grid' AND a.valid_to IS NULL
   GROUP BY p.row`,
  `ALTER TABLE import_areas ADD PRIMARY KEY (row)`,
  // the few points in no grid (outside the city, or where a village has no grids)
  `CREATE TEMP TABLE import_left ON COMMIT DROP AS
   SELECT p.* FROM import_pts p WHERE NOT EXISTS (SELECT 1 FROM import_areas x WHERE x.row = p.row)`,
  ...['village', 'town'].flatMap((level) => [
    `INSERT INTO import_areas (row, code)
     SELECT p.row, min(a.code)
     FROM import_left p JOIN areas a ON a.geom && p.pt AND ST_Intersects(a.geom, p.pt)
     WHERE a.level = '${level}' AND a.valid_to IS NULL
     GROUP BY p.row`,
    `DELETE FROM import_left p USING import_areas x WHERE x.row = p.row`,
  ]),
];

/** The staged rows with their areas and the first reason the database gives to refuse each. */
const PLACE_SQL = (layer: ImportLayer, scopeCond: string) => {
  // codes already stored: a join, which the planner can make one hash join over the stored
  // codes (a subquery per row probed the unique index a million times: about 10 s)
  const coded = layer === 'components' || layer === 'cameras';
  const duplicate = coded ? 'stored.code IS NOT NULL' : 'FALSE';
  const homeMissing =
    layer === 'teams'
      ? `s.home IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = s.home AND a.valid_to IS NULL)`
      : 'FALSE';
  return `
  CREATE TEMP TABLE import_placed ON COMMIT DROP AS
  SELECT s.*, x.grid, x.village, x.town,
         CASE
           WHEN s.geom IS NOT NULL AND GeometryType(s.geom) <> 'POINT' AND NOT ST_IsValid(s.geom) THEN 'bad_geometry'
           WHEN s.geom IS NOT NULL AND x.town IS NULL THEN 'outside_city'
           WHEN ${homeMissing} THEN 'bad_value'
           WHEN NOT (${scopeCond.replaceAll('$AREA', 'coalesce(s.home, x.grid, x.village, x.town)')}) THEN 'outside_scope'
           WHEN ${duplicate} THEN 'duplicate_code'
         END AS reason
  FROM (
    SELECT row, name, kind, code, address, status, level, radius, capabilities, home, on_duty, population, households,
           CASE WHEN lon IS NOT NULL THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) ELSE geom END AS geom
    FROM import_stage
  ) s
  LEFT JOIN (
    SELECT row, CASE WHEN length(code) = 15 THEN code END AS grid,
           CASE WHEN length(code) >= 12 THEN left(code, 12) END AS village, left(code, 9) AS town
    FROM import_areas
  ) x ON x.row = s.row${
    coded
      ? `
  LEFT JOIN ${layer} stored ON stored.code = s.code`
      : ''
  }`;
};

/** The English message of a reason PLACE_SQL gives; `why` is the outline's validity reason. */
const REASON_MESSAGES = `CASE reason
    WHEN 'bad_geometry' THEN 'invalid geometry: ' || why
    WHEN 'outside_city' THEN 'the position lies outside the city'
    WHEN 'bad_value' THEN 'home area ' || home || ' does not exist'
    WHEN 'outside_scope' THEN 'the position lies outside your area'
    WHEN 'duplicate_code' THEN 'code ' || code || ' is already stored'
  END`;

/** The same in Chinese. */
const REASON_MESSAGES_ZH = `CASE reason
    WHEN 'bad_geometry' THEN '几何图形无效：' || ${validityReasonZh('why')}
    WHEN 'outside_city' THEN '位置在东莞市范围之外'
    WHEN 'bad_value' THEN '所属区域“' || home || '”不存在'
    WHEN 'outside_scope' THEN '位置不在本人负责的区域内'
    WHEN 'duplicate_code' THEN '编码“' || code || '”已存在'
  END`;

const REASON_FIELDS = `CASE reason WHEN 'bad_value' THEN 'homeAreaCode' WHEN 'duplicate_code' THEN 'code' END`;

/** The INSERT of each point/feature layer from the checked staging rows; `$1` is the import id. */
const INSERTS: Record<Exclude<ImportLayer, 'areas'>, string> = {
  sites: `INSERT INTO sites (id, name, kind, address, town_code, village_code, grid_code, geom, import_id)
          SELECT b.base + row_number() OVER (ORDER BY row), name, kind, address, town, village, grid, geom, $1
          FROM import_placed, (SELECT coalesce(max(id), 0) AS base FROM sites) b WHERE reason IS NULL`,
  components: `INSERT INTO components (id, code, kind, status, town_code, village_code, grid_code, geom, import_id)
          SELECT b.base + row_number() OVER (ORDER BY row), code, kind, status, town, village, grid, geom, $1
          FROM import_placed, (SELECT coalesce(max(id), 0) AS base FROM components) b WHERE reason IS NULL`,
  risk_sources: `INSERT INTO risk_sources (id, name, kind, level, impact_radius_m, town_code, village_code, grid_code, geom, import_id)
          SELECT b.base + row_number() OVER (ORDER BY row), name, kind, level::smallint, radius::float8, town, village, grid,
                 CASE WHEN GeometryType(geom) = 'POLYGON' THEN ST_Multi(geom) ELSE geom END, $1
          FROM import_placed, (SELECT coalesce(max(id), 0) AS base FROM risk_sources) b WHERE reason IS NULL`,
  cameras: `INSERT INTO cameras (id, code, name, town_code, village_code, grid_code, geom, import_id)
          SELECT b.base + row_number() OVER (ORDER BY row), code, name, town, village, grid, geom, $1
          FROM import_placed, (SELECT coalesce(max(id), 0) AS base FROM cameras) b WHERE reason IS NULL`,
  teams: `INSERT INTO teams (id, name, kind, capabilities, on_duty, home_area_code, position_at, geom, import_id)
          SELECT b.base + row_number() OVER (ORDER BY row), name, kind, capabilities::text[], on_duty::boolean,
                 coalesce(home, grid, village, town), CASE WHEN geom IS NOT NULL THEN now() END, geom, $1
          FROM import_placed, (SELECT coalesce(max(id), 0) AS base FROM teams) b WHERE reason IS NULL`,
};

const STAGE_TABLE = `CREATE TEMP TABLE import_stage (
  row integer, lon float8, lat float8, geom geometry, name text, kind text, code text, address text, status text, level text,
  radius text, capabilities text, home text, on_duty text, population integer, households integer
) ON COMMIT DROP`;

async function writeImport(
  db: Database,
  scope: Scope,
  row: ImportRow,
  body: ImportRunBody,
  ctx: RunContext,
  stageFile: string,
  rejectFile: string,
): Promise<RunOutcome> {
  const id = Number(row.id);
  const p = ctx.progress;
  const abort = body.onRejected !== 'skip';
  const layer = row.layer;
  let dbRejected: DbRejection[] = [];
  try {
    return await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${IMPORT_LOCK}, $1::integer)`, [id]);
      // an import is not news for the live screens, row by row (migrations/0011_live_events.sql)
      await tx.query(`SET LOCAL riskmap.bulk_load = 'on'`);
      p.phase = 'checking';
      const checking = performance.now();
      await tx.query(STAGE_TABLE);
      await tx.copyCsv('import_stage', STAGE_COLUMNS, stageFile);
      ctx.signal.throwIfAborted();
      const inserted =
        layer === 'areas'
          ? await writeAreas(tx, scope, id, abort, (r) => (dbRejected = r), ctx)
          : await writeFeatures(tx, scope, id, layer, abort, (r) => (dbRejected = r), ctx);
      p.rejected += dbRejected.length;
      p.accepted -= dbRejected.length;
      await tx.copyCsv('import_rejections', REJECTION_COLUMNS, rejectFile);
      if (dbRejected.length) await tx.query(INSERT_DB_REJECTIONS, [id, JSON.stringify(dbRejected)]);
      await recordAudit(tx, scope, {
        action: 'import.apply',
        targetType: layer,
        targetId: String(id),
        after: { filename: row.filename, inserted, rejected: p.rejected },
      });
      p.timings = {
        ...p.timings,
        checkingMs: Math.round(ctx.writingAt! - checking),
        writingMs: Math.round(performance.now() - ctx.writingAt!),
      };
      return finish(tx, id, 'applied', inserted, p.rejected, null);
    });
  } catch (e) {
    if (!(e instanceof RejectedRun)) throw e;
    // nothing written; keep the rejections so the user can fix the rows
    await db.transaction(async (tx) => {
      await tx.copyCsv('import_rejections', REJECTION_COLUMNS, rejectFile);
      await tx.query(INSERT_DB_REJECTIONS, [id, JSON.stringify(dbRejected)]);
    });
    p.rejected += dbRejected.length;
    p.accepted -= dbRejected.length;
    return finish(db, id, 'rejected', 0, p.rejected, null);
  }
}

async function writeFeatures(
  tx: Queryable,
  scope: Scope,
  id: number,
  layer: Exclude<ImportLayer, 'areas'>,
  abort: boolean,
  setRejected: (r: DbRejection[]) => void,
  ctx: RunContext,
): Promise<number> {
  const params: unknown[] = [];
  const scopeCond = isCityWide(scope)
    ? 'TRUE'
    : `$AREA LIKE ANY (ARRAY[${scopePrefixes(scope)
        .map((p) => {
          if (!/^[0-9]+$/.test(p)) throw new Error(`not an area code: ${p}`);
          return `'${p}%'`;
        })
        .join(',')}])`;
  for (const step of PLACE_STEPS) {
    await tx.query(step);
    ctx.signal.throwIfAborted();
  }
  await tx.query(PLACE_SQL(layer, scopeCond), params);
  ctx.signal.throwIfAborted();
  // the validity reason once per refused outline, for both messages
  const { rows } = await tx.query<DbRejection>(
    `SELECT row, reason, ${REASON_FIELDS} AS field, ${REASON_MESSAGES} AS message, ${REASON_MESSAGES_ZH} AS message_zh
     FROM import_placed
     CROSS JOIN LATERAL (SELECT CASE WHEN reason = 'bad_geometry' THEN ST_IsValidReason(geom) END AS why) v
     WHERE reason IS NOT NULL ORDER BY row`,
  );
  setRejected(rows);
  if (abort && (rows.length || ctx.progress.rejected))
    throw new RejectedRun({ status: 'rejected', inserted: 0, rejected: 0, error: null });
  ctx.progress.phase = 'writing';
  ctx.writingAt = performance.now();
  // ids follow the largest stored one; the lock keeps a concurrent import from taking the same
  await tx.query(`LOCK TABLE ${layer} IN SHARE ROW EXCLUSIVE MODE`);
  const { rowCount } = await tx.query(INSERTS[layer], [id]);
  // the tile counts of the whole import, in its transaction (migrations/0017)
  await foldTileCells(tx, null);
  ctx.signal.throwIfAborted();
  return rowCount;
}

/**
 * Areas from a file: a code already current gets a new version (the old one is closed as
 * `imported`), a new code a first version under its parent. Checked: the parent exists, the
 * outline is valid, lies inside the parent and overlaps no sibling (0.5 m² tolerance in
 * EPSG:4547, the CGCS2000 zone of Dongguan).
 */
async function writeAreas(
  tx: Queryable,
  _scope: Scope,
  id: number,
  abort: boolean,
  setRejected: (r: DbRejection[]) => void,
  ctx: RunContext,
): Promise<number> {
  await tx.query(`
    CREATE TEMP TABLE import_placed ON COMMIT DROP AS
    WITH s AS (
      SELECT row, code, name, population, households, ST_Multi(geom) AS geom,
             CASE length(code) WHEN 9 THEN 'town' WHEN 12 THEN 'village' ELSE 'grid' END AS level,
             CASE length(code) WHEN 9 THEN '441900' ELSE left(code, length(code) - 3) END AS parent
      FROM import_stage
    )
    SELECT s.*, p.geom AS parent_geom, o.version AS old_version,
           CASE
             WHEN NOT ST_IsValid(s.geom) THEN 'bad_geometry'
             WHEN p.code IS NULL AND NOT EXISTS (SELECT 1 FROM import_stage x WHERE x.code = s.parent) THEN 'bad_value'
           END AS reason,
           NULL::text AS message, NULL::text AS message_zh
    FROM s
    LEFT JOIN areas p ON p.code = s.parent AND p.valid_to IS NULL
    LEFT JOIN areas o ON o.code = s.code AND o.valid_to IS NULL`);
  // the messages of those reasons, worked out for the refused rows only (and the validity reason once)
  await tx.query(`
    UPDATE import_placed c SET
           message = CASE c.reason WHEN 'bad_geometry' THEN 'invalid geometry: ' || v.why
                                   ELSE 'parent area ' || c.parent || ' does not exist' END,
           message_zh = CASE c.reason WHEN 'bad_geometry' THEN '几何图形无效：' || ${validityReasonZh('v.why')}
                                      ELSE '上级区域“' || c.parent || '”不存在' END
    FROM (SELECT row, CASE WHEN reason = 'bad_geometry' THEN ST_IsValidReason(geom) END AS why
          FROM import_placed WHERE reason IS NOT NULL) v
    WHERE v.row = c.row`);
  // outside the parent (existing parents; a parent in the same file is checked against its new outline)
  await tx.query(`
    UPDATE import_placed c SET (reason, message, message_zh) = (
             SELECT 'bad_geometry', 'lies ' || d.m2 || ' m² outside its parent ' || c.parent,
                    '有' || d.m2 || '平方米位于上级区域“' || c.parent || '”之外'
             FROM (SELECT round(ST_Area(ST_Transform(ST_Difference(c.geom, pg.geom), 4547))::numeric, 1) AS m2) d)
    FROM (SELECT c2.row, coalesce(np.geom, c2.parent_geom) AS geom
          FROM import_placed c2 LEFT JOIN import_placed np ON np.code = c2.parent) pg
    WHERE pg.row = c.row AND c.reason IS NULL AND c.level <> 'town' AND pg.geom IS NOT NULL
      -- the grid editor's tolerance: what lies within 0.5 m of the parent's edge is inside
      AND ST_Area(ST_Transform(ST_Difference(c.geom, ST_Buffer(pg.geom::geography, 0.5)::geometry), 4547)) > 0.5`);
  // overlapping a sibling: another row of the file, or a current area the file does not replace
  await tx.query(`
    UPDATE import_placed c SET reason = 'bad_geometry',
           message = 'overlaps ' || o.code || ' by ' || round(o.m2::numeric, 1) || ' m²',
           message_zh = '与“' || o.code || '”重叠' || round(o.m2::numeric, 1) || '平方米'
    FROM (
      SELECT DISTINCT ON (c2.row) c2.row, sib.code, ST_Area(ST_Transform(ST_Intersection(c2.geom, sib.geom), 4547)) AS m2
      FROM import_placed c2
      JOIN (SELECT code, parent, geom FROM import_placed
            UNION ALL
            SELECT a.code, a.parent_code, a.geom FROM areas a
            WHERE a.valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM import_placed x WHERE x.code = a.code)) sib
        ON sib.parent = c2.parent AND sib.code <> c2.code AND sib.geom && c2.geom
      WHERE c2.reason IS NULL AND ST_IsValid(sib.geom)
        AND ST_Area(ST_Transform(ST_Intersection(c2.geom, sib.geom), 4547)) > 0.5
      ORDER BY c2.row, sib.code
    ) o
    WHERE o.row = c.row`);
  ctx.signal.throwIfAborted();
  const { rows } = await tx.query<DbRejection>(
    `SELECT row, reason, CASE reason WHEN 'bad_value' THEN 'code' END AS field, message, message_zh
     FROM import_placed WHERE reason IS NOT NULL ORDER BY row`,
  );
  setRejected(rows);
  if (abort && (rows.length || ctx.progress.rejected))
    throw new RejectedRun({ status: 'rejected', inserted: 0, rejected: 0, error: null });
  ctx.progress.phase = 'writing';
  ctx.writingAt = performance.now();
  await tx.query(`LOCK TABLE areas IN SHARE ROW EXCLUSIVE MODE`);
  await tx.query(`
    UPDATE areas a SET valid_to = now(), closed_reason = 'imported'
    FROM import_placed c WHERE c.reason IS NULL AND a.code = c.code AND a.valid_to IS NULL`);
  await tx.query(`
    INSERT INTO area_codes (code, level)
    SELECT code, level FROM import_placed WHERE reason IS NULL ON CONFLICT (code) DO NOTHING`);
  const { rowCount } = await tx.query(
    `INSERT INTO areas (code, level, name, parent_code, population, households, geom, version, valid_from,
                        change, changed_by, import_id)
     SELECT c.code, c.level, c.name, c.parent, c.population, c.households, c.geom,
            coalesce((SELECT max(version) FROM areas v WHERE v.code = c.code), 0) + 1, now(), 'imported', $2, $1
     FROM import_placed c WHERE c.reason IS NULL ORDER BY c.level = 'grid', c.level = 'village', c.code`,
    [id, _scope.name],
  );
  return rowCount;
}

/**
 * Takes an applied import back: deletes what it wrote (for areas: its versions, reopening
 * the versions they replaced). Refused (409) when something has come to depend on it since
 * (an incident at an imported site, a dispatched imported team, a later version of an area).
 */
export async function undoImport(db: Database, scope: Scope, id: number): Promise<ImportJob> {
  const row = await getImportRow(db, scope, id);
  if (!row) throw new NotFoundError('import', id);
  if (row.status !== 'applied')
    throw new DomainError(
      409,
      'import_undo_refused',
      `import ${id} is ${row.status}: only an applied import can be undone`,
      {
        id,
        status: row.status,
      },
    );
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${IMPORT_LOCK}, $1::integer)`, [id]);
    await tx.query(`SET LOCAL riskmap.bulk_load = 'on'`);
    const again = await tx.query<{ status: string }>(`SELECT status FROM imports WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    if (again.rows[0]?.status !== 'applied')
      throw new DomainError(409, 'import_undo_refused', `import ${id} was undone meanwhile`, { id });
    let deleted: number;
    try {
      if (row.layer === 'areas') {
        const later = await tx.query<{ code: string }>(
          `SELECT a.code FROM areas a WHERE a.import_id = $1 AND a.valid_to IS NOT NULL LIMIT 5`,
          [id],
        );
        if (later.rowCount) {
          throw new DomainError(
            409,
            'import_undo_refused',
            `cannot undo: areas ${later.rows.map((r) => r.code).join(', ')} have changed since the import`,
          );
        }
        const routed = await tx.query<{ n: string }>(
          `SELECT count(*) AS n FROM incidents i JOIN areas a ON a.import_id = $1 AND a.version = 1 AND i.grid_code = a.code`,
          [id],
        );
        if (Number(routed.rows[0]!.n) > 0) {
          throw new DomainError(
            409,
            'import_undo_refused',
            `cannot undo: ${routed.rows[0]!.n} incidents have been routed into areas this import created`,
          );
        }
        // the time as text: a JS Date would cut PostgreSQL's microseconds off
        const gone = await tx.query<{ code: string; valid_from: string; version: number }>(
          `DELETE FROM areas WHERE import_id = $1 RETURNING code, valid_from::text AS valid_from, version`,
          [id],
        );
        deleted = gone.rowCount;
        await tx.query(
          `UPDATE areas a SET valid_to = NULL, closed_reason = NULL
           FROM jsonb_to_recordset($1::jsonb) AS g(code text, valid_from timestamptz)
           WHERE a.code = g.code AND a.valid_to = g.valid_from`,
          [JSON.stringify(gone.rows)],
        );
        await tx.query(
          `DELETE FROM area_codes c WHERE c.code = ANY ($1::text[]) AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = c.code)`,
          [gone.rows.filter((g) => g.version === 1).map((g) => g.code)],
        );
      } else {
        const table = row.layer;
        if (table === 'teams') {
          await tx.query(
            `DELETE FROM team_positions WHERE team_id IN (SELECT id FROM teams WHERE import_id = $1)`,
            [id],
          );
        }
        const r = await tx.query(`DELETE FROM ${table} WHERE import_id = $1`, [id]);
        deleted = r.rowCount;
        await foldTileCells(tx, null);
      }
    } catch (e) {
      // what the import wrote is referred to since (a feature in an imported area, an incident at
      // an imported site, a dispatch of an imported team): the database refuses the delete
      if ((e as { code?: string }).code === '23503') {
        throw new DomainError(
          409,
          'import_undo_refused',
          `cannot undo: records of this import are in use since (${(e as Error).message})`,
        );
      }
      throw e;
    }
    await tx.query(`UPDATE imports SET status = 'undone', finished_at = now() WHERE id = $1`, [id]);
    await recordAudit(tx, scope, {
      action: 'import.undo',
      targetType: row.layer,
      targetId: String(id),
      after: { deleted },
    });
  });
  return (await getImport(db, scope, id))!;
}

/** What the file sweep needs to know of the imports whose files it finds. */
export interface StoredFileState {
  id: number;
  storedName: string;
  status: ImportJob['status'];
  createdAt: Date;
}

/** The imports owning the given stored file names (uploads), and the imports with the given ids. */
export async function storedFileStates(
  db: Queryable,
  storedNames: readonly string[],
  ids: readonly number[],
): Promise<StoredFileState[]> {
  const { rows } = await db.query<{
    id: string;
    stored_name: string;
    status: ImportJob['status'];
    created_at: Date;
  }>(
    `SELECT id, stored_name, status, created_at FROM imports WHERE stored_name = ANY ($1::text[]) OR id = ANY ($2::bigint[])`,
    [storedNames, ids],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    storedName: r.stored_name,
    status: r.status,
    createdAt: r.created_at,
  }));
}

/**
 * Marks uploads never run within `maxAgeHours` as failed (their file is deleted by the
 * caller). Returns their stored file names.
 */
export async function expireUploads(db: Queryable, maxAgeHours: number): Promise<string[]> {
  const { rows } = await db.query<{ stored_name: string }>(
    `UPDATE imports SET status = 'failed', finished_at = now(),
            error = 'the uploaded file was deleted after ' || $1::text || ' hours without a run; upload it again'
     WHERE status = 'uploaded' AND created_at < now() - make_interval(hours => $1::int)
     RETURNING stored_name`,
    [maxAgeHours],
  );
  return rows.map((r) => r.stored_name);
}
