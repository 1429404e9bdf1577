import { readFileSync } from 'node:fs';
import { OutOfScopeError, scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import type { ErrorCode } from '../lib/error-codes.ts';
import { DomainError, NotFoundError, type ErrorParams } from '../lib/errors.ts';
import {
  lineShapeProblems,
  numberingOrder,
  polygonShapeProblems,
  type GridProblem,
  type LineGeometry,
  type PolygonGeometry,
} from '../lib/grid-geometry.ts';
import { validityReasonCode } from '../lib/postgis-validity.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';

/**
 * Tolerance of the topology checks, in metres: a grid may stick out of its village, or
 * into a neighbour, by slivers narrower than twice this (snapping and rounding noise);
 * such slivers are trimmed away when the grid is stored. Gaps narrower than that are not reported.
 */
export const TOLERANCE_M = 0.5;

/** Pieces of a stored outline smaller than this (m²) are dropped when it is trimmed. */
const MIN_PART_M2 = 1;

/**
 * Grid of the overlays, in degrees (about 1 cm; the API returns 7 decimals): intersections,
 * differences and unions snap-round onto it, which needs no fallback (see grid-topology.sql).
 */
export const GRID_SIZE_DEG = 1e-7;

const TOPOLOGY_SQL = readFileSync(new URL('./grid-topology.sql', import.meta.url), 'utf8');

/**
 * A refused change of grids (422) with its reasons: `problems` carry the offending parts as
 * GeoJSON, each with its own code; the error handler passes them on.
 */
export class GridCheckError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    params: ErrorParams,
    readonly problems: GridProblem[],
  ) {
    super(422, code, message, params);
  }
}

/**
 * The geometry engine gave no answer (the embedded engine ends a statement whose overlay
 * failed without a row and without an error): never read as "no problem found".
 */
class GeometryEngineError extends Error {
  constructor(what: string) {
    super(`the geometry engine returned no answer while ${what}`);
    this.name = 'GeometryEngineError';
  }
}

/** How a version came about (areas.change). */
export type GridChange =
  'loaded' | 'created' | 'reshaped' | 'renamed' | 'attributes' | 'split' | 'merged' | 'imported';

/** One grid version as the API shows it. Geometry is GeoJSON MultiPolygon, EPSG:4326. */
export interface GridRow {
  code: string;
  name: string;
  parent_code: string;
  population: number | null;
  households: number | null;
  version: number;
  valid_from: Date;
  valid_to: Date | null;
  change: GridChange;
  changed_by: string | null;
  closed_reason: string | null;
  closed_into: string | null;
  area_m2: number;
  geometry: { type: string; coordinates: unknown[] } | null;
  workers: GridWorker[];
}

/** A user with role grid_worker whose home area is the grid. */
export interface GridWorker {
  id: number;
  username: string;
  display_name: string;
}

/** A gap: part of a village no grid covers (EPSG:4326), with its area in m². */
export interface GapRow {
  village_code: string;
  geometry: { type: string; coordinates: unknown[] };
  area_m2: number;
}

/** An outline shown for context: the parent and, under a town, its villages. */
export interface OutlineRow {
  code: string;
  name: string;
  level: 'town' | 'village';
  geometry: { type: string; coordinates: unknown[] } | null;
}

const GRID_COLUMNS = `a.code, a.name, a.parent_code, a.population, a.households, a.version, a.valid_from, a.valid_to,
  a.change, a.changed_by, a.closed_reason, a.closed_into, ST_Area(a.geom::geography) AS area_m2,
  ST_AsGeoJSON(a.geom, 7)::json AS geometry`;

/** `a` valid at $n (or current when $n is null). */
function validAt(alias: string, n: number): string {
  return `(CASE WHEN $${n}::timestamptz IS NULL THEN ${alias}.valid_to IS NULL
           ELSE ${alias}.valid_from <= $${n}::timestamptz AND (${alias}.valid_to IS NULL OR ${alias}.valid_to > $${n}::timestamptz) END)`;
}

async function attachWorkers(db: Queryable, rows: Omit<GridRow, 'workers'>[]): Promise<GridRow[]> {
  if (rows.length === 0) return [];
  const r = await db.query<GridWorker & { home_area_code: string }>(
    `SELECT id, username, display_name, home_area_code FROM users
     WHERE role = 'grid_worker' AND NOT disabled AND home_area_code = ANY ($1::text[])
     ORDER BY username`,
    [rows.map((g) => g.code)],
  );
  return rows.map((g) => ({
    ...g,
    workers: r.rows
      .filter((w) => w.home_area_code === g.code)
      .map(({ id, username, display_name }) => ({ id, username, display_name })),
  }));
}

/** A grid outside the caller's area answers as a missing one: a code reveals nothing. */
function missingGrid(code: string): NotFoundError {
  return new NotFoundError('grid', code);
}

function checkReadScope(scope: Scope, code: string): void {
  if (!scopeCovers(scope, code)) throw new OutOfScopeError(`area ${code}`);
}

export interface GridListing {
  parent: OutlineRow;
  villages: OutlineRow[];
  grids: GridRow[];
  gaps: GapRow[];
}

/**
 * The grids of a village or a town (versions valid at `at`, current when null), with the
 * parent's outline, the villages' outlines under a town, and the gaps of each village.
 * Null when the parent has no version at that time; OutOfScopeError outside the scope.
 */
export async function listGrids(
  db: Queryable,
  scope: Scope,
  parentCode: string,
  at: Date | null,
): Promise<GridListing | null> {
  checkReadScope(scope, parentCode);
  const parent = await db.query<OutlineRow>(
    `SELECT code, name, level, ST_AsGeoJSON(geom, 7)::json AS geometry FROM areas a
     WHERE code = $1 AND level IN ('town', 'village') AND ${validAt('a', 2)}`,
    [parentCode, at],
  );
  const p = parent.rows[0];
  if (!p) return null;
  const villages =
    p.level === 'town'
      ? (
          await db.query<OutlineRow>(
            `SELECT code, name, level, ST_AsGeoJSON(geom, 7)::json AS geometry FROM areas a
             WHERE parent_code = $1 AND level = 'village' AND ${validAt('a', 2)} ORDER BY code`,
            [parentCode, at],
          )
        ).rows
      : [];
  const grids = await db.query<Omit<GridRow, 'workers'>>(
    `SELECT ${GRID_COLUMNS} FROM areas a
     WHERE a.level = 'grid' AND a.parent_code LIKE $1 || '%' AND ${validAt('a', 2)}
     ORDER BY a.code`,
    [parentCode, at],
  );
  const gaps = await gapsOf(db, parentCode, at);
  return { parent: p, villages, grids: await attachWorkers(db, grids.rows), gaps };
}

/** The current version of one grid; null when none or outside the scope (the two answer alike). */
export async function getGrid(db: Queryable, scope: Scope, code: string): Promise<GridRow | null> {
  const r = await db.query<Omit<GridRow, 'workers'>>(
    `SELECT ${GRID_COLUMNS} FROM areas a WHERE a.code = $1 AND a.level = 'grid' AND a.valid_to IS NULL`,
    [code],
  );
  const row = r.rows[0];
  if (!row || !scopeCovers(scope, code)) return null;
  return (await attachWorkers(db, [row]))[0]!;
}

/** Every version of a grid, oldest first; empty when the code was never a grid or lies outside the scope. */
export async function gridHistory(db: Queryable, scope: Scope, code: string): Promise<GridRow[]> {
  const r = await db.query<Omit<GridRow, 'workers'>>(
    `SELECT ${GRID_COLUMNS} FROM areas a WHERE a.code = $1 AND a.level = 'grid' ORDER BY a.version`,
    [code],
  );
  if (!scopeCovers(scope, code)) return [];
  return r.rows.map((g) => ({ ...g, workers: [] }));
}

/** A grid worker who may be assigned to grids of a village: role grid_worker, in the scope and the town. */
export interface WorkerCandidateRow extends GridWorker {
  home_area_code: string;
}

/**
 * The users with role grid_worker that grids under `parentCode` (a village or town) may be
 * given: enabled, homed in the same town and inside the scope (the same rule as assigning).
 */
export async function listWorkerCandidates(
  db: Queryable,
  scope: Scope,
  parentCode: string,
): Promise<WorkerCandidateRow[]> {
  checkReadScope(scope, parentCode);
  const params: unknown[] = [parentCode.slice(0, 9)];
  const r = await db.query<WorkerCandidateRow>(
    `SELECT id, username, display_name, home_area_code FROM users
     WHERE role = 'grid_worker' AND NOT disabled AND home_area_code LIKE $1 || '%'
       AND ${scopeSql(scope, 'home_area_code', params)}
     ORDER BY home_area_code, username LIMIT 500`,
    params,
  );
  return r.rows;
}

// ---------------------------------------------------------------------------------------------
// Checks. One function plans every change of grids — the live check, POST /api/grids/validate
// and each write run it — so that a check and a save cannot disagree: it finds the problems,
// computes the outlines a save stores, and the gaps the change leaves.

/** Problems found in a candidate set: `errors` refuse a save, `warnings` (gaps) do not. */
export interface CheckResult {
  errors: GridProblem[];
  warnings: GridProblem[];
}

/** A candidate outline under a key (a grid code, `new`, a piece, or a feature index). */
interface Candidate {
  key: string;
  geometry: PolygonGeometry | { type: 'MultiPolygon'; coordinates: number[][][][] };
  /** Position in an import, for the report. */
  feature?: number;
}

/** What a save of a candidate stores: its outline clipped and cut back (hex EWKB), in `pieces`. */
interface StoredOutline {
  ewkb: string | null;
  pieces: number;
  geometry: { type: string; coordinates: unknown[] } | null;
}

/** A planned change: its problems, the gaps it leaves, and what a save stores per candidate key. */
interface Plan extends CheckResult {
  stored: Map<string, StoredOutline>;
}

/** ST_IsValid with the reason and location, and a non-zero area, for each candidate. */
async function validityProblems(db: Queryable, candidates: Candidate[]): Promise<GridProblem[]> {
  const r = await db.query<{
    key: string;
    valid: boolean;
    reason: string | null;
    location: { type: string; coordinates: unknown[] } | null;
    area_m2: number | null;
  }>(
    `SELECT e->>'key' AS key, ST_IsValid(g) AS valid, reason(ST_IsValidDetail(g)) AS reason,
            ST_AsGeoJSON(location(ST_IsValidDetail(g)), 7)::json AS location,
            CASE WHEN ST_IsValid(g) THEN ST_Area(g::geography) END AS area_m2
     FROM json_array_elements($1::json) e,
          LATERAL (SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(e->>'geometry'), 4326)) AS g) x`,
    [JSON.stringify(candidates.map((c) => ({ key: c.key, geometry: c.geometry })))],
  );
  if (r.rows.length !== candidates.length) throw new GeometryEngineError('checking the outlines’ validity');
  const out: GridProblem[] = [];
  for (const row of r.rows) {
    const c = candidates.find((x) => x.key === row.key);
    if (!row.valid) {
      const detail = row.reason ?? 'unknown reason';
      out.push({
        kind: 'invalid',
        code: 'invalid',
        params: { reason: validityReasonCode(row.reason), detail },
        message: `the outline is not a valid polygon: ${detail}`,
        geometry: row.location,
        feature: c?.feature,
      });
    } else if ((row.area_m2 ?? 0) < MIN_PART_M2) {
      out.push({
        kind: 'invalid',
        code: 'no_area',
        params: {},
        message: 'the outline encloses no area',
        feature: c?.feature,
      });
    }
  }
  return out;
}

type Shape = { type: string; coordinates: unknown[] };

interface TopologyRow {
  kind: 'outside_parent' | 'overlap' | 'gap' | 'stored' | 'end';
  key: string | null;
  other: string | null;
  village: string | null;
  geometry: Shape | null;
  ewkb: string | null;
  area_m2: number;
  n: number | null;
}

/** Runs grid-topology.sql; an answer without its final row is the engine failing, not "no problem". */
async function topology(
  db: Queryable,
  what: string,
  args: { candidates: Candidate[]; parent: string; replaces: string[]; at: Date | null; enforce: boolean },
): Promise<TopologyRow[]> {
  const r = await db.query<TopologyRow>(TOPOLOGY_SQL, [
    JSON.stringify(args.candidates.map((c) => ({ key: c.key, geometry: c.geometry }))),
    args.parent,
    args.replaces,
    TOLERANCE_M,
    MIN_PART_M2,
    GRID_SIZE_DEG,
    args.at,
    args.enforce,
  ]);
  if (!r.rows.some((row) => row.kind === 'end')) throw new GeometryEngineError(what);
  return r.rows.filter((row) => row.kind !== 'end');
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function gapProblem(row: { geometry: Shape | null; area_m2: number }): GridProblem {
  const area = round1(row.area_m2);
  return {
    kind: 'gap',
    code: 'gap',
    params: { areaM2: area },
    message: `${area} m² of the village are in no grid`,
    geometry: row.geometry,
    areaM2: area,
  };
}

/**
 * Plans a change in one village: `candidates` replace the current grids `replaces`. Checks
 * shape-checked candidates for validity; with `enforce` (drawn or imported outlines) also that
 * they lie inside the village and over no other grid (both within the tolerance) and that each
 * is one piece once clipped and cut back; and says what a save stores and which gaps are left.
 */
async function planChange(
  db: Queryable,
  villageCode: string,
  candidates: Candidate[],
  replaces: string[],
  enforce: boolean,
): Promise<Plan> {
  const invalid = await validityProblems(db, candidates);
  if (invalid.length > 0) return { errors: invalid, warnings: [], stored: new Map() };
  const rows = await topology(db, `checking grids of village ${villageCode}`, {
    candidates,
    parent: villageCode,
    replaces,
    at: null,
    enforce,
  });
  const errors: GridProblem[] = [];
  const warnings: GridProblem[] = [];
  const stored = new Map<string, StoredOutline>();
  const byKey = new Map(candidates.map((c) => [c.key, c]));
  const refused = new Set<string>();
  for (const row of rows) {
    const area = round1(row.area_m2);
    const feature = row.key === null ? undefined : byKey.get(row.key)?.feature;
    if (row.kind === 'outside_parent') {
      refused.add(row.key!);
      errors.push({
        kind: 'outside_parent',
        code: 'outside_village',
        params: { village: villageCode, areaM2: area, toleranceM: TOLERANCE_M },
        message: `${area} m² lie outside the village ${villageCode} (more than ${TOLERANCE_M} m beyond its boundary)`,
        geometry: row.geometry,
        areaM2: area,
        feature,
      });
    } else if (row.kind === 'overlap') {
      const other = row.other ?? '';
      // an overlap between two candidates is reported once, on the first; neither is stored
      refused.add(row.key!).add(other);
      const otherFeature = byKey.get(other)?.feature;
      errors.push(
        byKey.has(other)
          ? {
              kind: 'overlap',
              code: 'overlaps_feature',
              params: { other: otherFeature ?? other, areaM2: area },
              message: `overlaps ${otherFeature !== undefined ? `feature ${otherFeature}` : other} by ${area} m²`,
              geometry: row.geometry,
              areaM2: area,
              feature,
            }
          : {
              kind: 'overlap',
              code: 'overlaps_grid',
              params: { other, areaM2: area },
              message: `overlaps grid ${other} by ${area} m²`,
              geometry: row.geometry,
              otherCode: other,
              areaM2: area,
              feature,
            },
      );
    } else if (row.kind === 'gap') {
      warnings.push(gapProblem(row));
    } else if (row.kind === 'stored' && row.key !== null) {
      stored.set(row.key, { ewkb: row.ewkb, pieces: row.n ?? 0, geometry: row.geometry });
    }
  }
  // What a save stores must be one piece (drawn outlines) or at least something (a split or merge)
  for (const c of candidates) {
    const s = stored.get(c.key);
    const pieces = s?.pieces ?? 0;
    if (refused.has(c.key) || pieces === 1 || (!enforce && pieces > 1)) continue;
    errors.push(
      pieces === 0
        ? {
            kind: 'invalid',
            code: 'nothing_left',
            params: { village: villageCode },
            message:
              'nothing is left once the outline is clipped to the village and cut back from its neighbours',
            feature: c.feature,
          }
        : {
            kind: 'invalid',
            code: 'pieces',
            params: { pieces },
            message: `clipped to the village and cut back from its neighbours the outline falls into ${pieces} pieces; a grid is one piece`,
            geometry: s?.geometry ?? null,
            feature: c.feature,
          },
    );
  }
  return { errors, warnings, stored };
}

function shapeOrThrow(geometry: unknown, feature?: number): PolygonGeometry {
  const problems = polygonShapeProblems(geometry).map((p) => ({ ...p, feature }));
  if (problems.length > 0) refuse(problems);
  return geometry as PolygonGeometry;
}

function refuse(errors: GridProblem[]): never {
  const head = errors
    .slice(0, 3)
    .map((e) => (e.feature !== undefined ? `feature ${e.feature}: ${e.message}` : e.message))
    .join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  throw new GridCheckError(
    'grid_rejected',
    `the grid cannot be saved: ${head}${more}`,
    { count: errors.length },
    errors,
  );
}

/** The current village (12-digit code) a grid belongs to, checked against the scope for writing. */
async function writableVillage(db: Queryable, scope: Scope, villageCode: string): Promise<{ name: string }> {
  if (!/^[0-9]{12}$/.test(villageCode)) {
    throw new DomainError(
      422,
      'grid_parent_not_village',
      `parentCode: grids belong to a village (12 digits), not ${villageCode}`,
      { parent: villageCode },
    );
  }
  const r = await db.query<{ name: string }>(
    `SELECT name FROM areas WHERE code = $1 AND level = 'village' AND valid_to IS NULL AND geom IS NOT NULL`,
    [villageCode],
  );
  const v = r.rows[0];
  if (!v) {
    throw new DomainError(
      422,
      'grid_village_unknown',
      `parentCode: no current village ${villageCode} with an outline`,
      { village: villageCode },
    );
  }
  if (!scopeCovers(scope, villageCode)) throw new OutOfScopeError(`village ${villageCode}`);
  return v;
}

/**
 * Checks a grid outline without saving, for the editor on every change: the plan a save of
 * the same outline (a new grid, or `code` reshaped) would run, so the verdict is the save's.
 */
export async function validateGrid(
  db: Queryable,
  scope: Scope,
  input: { parentCode: string; geometry: unknown; code?: string },
): Promise<CheckResult> {
  await writableVillage(db, scope, input.parentCode);
  const shape = polygonShapeProblems(input.geometry);
  if (shape.length > 0) return { errors: shape, warnings: [] };
  if (input.code && !input.code.startsWith(input.parentCode)) {
    return {
      errors: [
        {
          kind: 'code',
          code: 'not_in_village',
          params: { code: input.code, village: input.parentCode },
          message: `grid ${input.code} does not belong to village ${input.parentCode}`,
        },
      ],
      warnings: [],
    };
  }
  const { errors, warnings } = await planChange(
    db,
    input.parentCode,
    [{ key: input.code ?? 'new', geometry: input.geometry as PolygonGeometry }],
    input.code ? [input.code] : [],
    true,
  );
  return { errors, warnings };
}

/** The gaps of the villages under `parentCode` (a village or a town) at `at` (now when null). */
async function gapsOf(db: Queryable, parentCode: string, at: Date | null): Promise<GapRow[]> {
  const rows = await topology(db, `finding the gaps under ${parentCode}`, {
    candidates: [],
    parent: parentCode,
    replaces: [],
    at,
    enforce: false,
  });
  return rows
    .filter((r) => r.kind === 'gap' && r.geometry !== null)
    .map((r) => ({ village_code: r.village!, geometry: r.geometry!, area_m2: r.area_m2 }))
    .sort((a, b) => a.village_code.localeCompare(b.village_code) || b.area_m2 - a.area_m2);
}

// ---------------------------------------------------------------------------------------------
// Writes. Every write locks the village row first, so the edits of one village happen one
// after another and each is checked against what the previous one left; the plan runs
// inside the same transaction as the write, and the write stores the outlines it computed.

interface Locked {
  at: Date;
  villageName: string;
}

async function lockVillage(tx: Queryable, scope: Scope, villageCode: string): Promise<Locked> {
  const v = await writableVillage(tx, scope, villageCode);
  await tx.query(`SELECT 1 FROM areas WHERE code = $1 AND valid_to IS NULL FOR UPDATE`, [villageCode]);
  // clock_timestamp, not now(): a transaction that waited for the lock must still close
  // the version it read after the one that was committed before it.
  const t = await tx.query<{ at: Date }>('SELECT clock_timestamp() AS at');
  return { at: t.rows[0]!.at, villageName: v.name };
}

interface CurrentRow {
  code: string;
  name: string;
  parent_code: string;
  version: number;
  households: number | null;
  population: number | null;
}

/** The current version of a grid for a write, checked against the version the editor started from. */
async function currentForWrite(
  tx: Queryable,
  scope: Scope,
  code: string,
  version: number | undefined,
): Promise<CurrentRow> {
  const r = await tx.query<CurrentRow>(
    `SELECT code, name, parent_code, version, households, population FROM areas
     WHERE code = $1 AND level = 'grid' AND valid_to IS NULL`,
    [code],
  );
  const row = r.rows[0];
  if (!row || !scopeCovers(scope, code)) throw missingGrid(code);
  if (version !== undefined && row.version !== version) {
    throw new DomainError(
      409,
      'grid_version_stale',
      `grid ${code} was changed by someone else: it is at version ${row.version}, your edit started from version ${version}; reload it and edit again`,
      { code, current: row.version, yours: version },
    );
  }
  return row;
}

async function closeVersion(
  tx: Queryable,
  code: string,
  at: Date,
  reason: 'replaced' | 'deleted' | 'merged' | 'split' | 'imported',
  into: string | null = null,
): Promise<void> {
  await tx.query(
    `UPDATE areas SET valid_to = $2, closed_reason = $3, closed_into = $4 WHERE code = $1 AND valid_to IS NULL`,
    [code, at, reason, into],
  );
}

interface NewVersion {
  code: string;
  name: string;
  parentCode: string;
  version: number;
  households: number | null;
  population: number | null;
  /** The outline a plan computed for it, or `keep` the geometry of the version just closed (rename). */
  geometry: StoredOutline | undefined | 'keep';
  change: GridChange;
  at: Date;
  by: string;
}

/** Inserts a version with the outline its plan computed (clipped and cut back, see planChange). */
async function insertVersion(tx: Queryable, v: NewVersion): Promise<void> {
  if (v.geometry === 'keep') {
    await tx.query(
      `INSERT INTO areas (code, level, name, parent_code, population, households, synthetic, geom, version, valid_from, change, changed_by)
       SELECT code, 'grid', $2, parent_code, $3, $4, synthetic, geom, $5, $6, $7, $8
       FROM areas WHERE code = $1 AND valid_to = $6`,
      [v.code, v.name, v.population, v.households, v.version, v.at, v.change, v.by],
    );
    return;
  }
  // a plan without errors has an outline for every candidate: anything else is a bug here
  if (!v.geometry?.ewkb) throw new Error(`grid ${v.code}: the plan computed no outline to store`);
  await tx.query(
    `INSERT INTO areas (code, level, name, parent_code, population, households, synthetic, geom, version, valid_from, change, changed_by)
     VALUES ($1, 'grid', $2, $4, $3, $5, false, $9::geometry, $6, $7, $8, $10)`,
    [
      v.code,
      v.name,
      v.population,
      v.parentCode,
      v.households,
      v.version,
      v.at,
      v.change,
      v.geometry.ewkb,
      v.by,
    ],
  );
}

/** The next `n` unused grid codes of a village (sequence numbers never reused, even after deletes). */
async function nextCodes(tx: Queryable, villageCode: string, n: number): Promise<string[]> {
  const r = await tx.query<{ max: number | null }>(
    `SELECT max(substr(code, 13, 3)::int) AS max FROM area_codes WHERE level = 'grid' AND left(code, 12) = $1`,
    [villageCode],
  );
  const start = (r.rows[0]?.max ?? 0) + 1;
  if (start + n - 1 > 999) {
    throw new DomainError(
      422,
      'grid_codes_exhausted',
      `village ${villageCode} has used all 999 grid numbers`,
      { village: villageCode },
    );
  }
  const codes = Array.from({ length: n }, (_, i) => `${villageCode}${String(start + i).padStart(3, '0')}`);
  for (const code of codes) {
    await tx.query(`INSERT INTO area_codes (code, level) VALUES ($1, 'grid')`, [code]);
  }
  return codes;
}

/** Default name of a new grid, as in the sample data: 常平社区第6网格. */
function defaultName(villageName: string, code: string): string {
  return `${villageName}第${Number(code.slice(12))}网格`;
}

/** Sets exactly these grid workers on a grid: others homed there move up to the village. */
async function setWorkers(
  tx: Queryable,
  scope: Scope,
  gridCode: string,
  workerIds: number[],
): Promise<{ before: number[]; after: number[] }> {
  const village = gridCode.slice(0, 12);
  const users = await tx.query<{ id: number; role: string; home_area_code: string; username: string }>(
    `SELECT id, role, home_area_code, username FROM users WHERE id = ANY ($1::bigint[])`,
    [workerIds],
  );
  for (const id of workerIds) {
    const u = users.rows.find((x) => x.id === id);
    if (!u) throw new DomainError(422, 'grid_worker_unknown', `workerIds: no user ${id}`, { id });
    if (u.role !== 'grid_worker') {
      throw new DomainError(
        422,
        'grid_worker_role',
        `workerIds: ${u.username} is a ${u.role}, not a grid worker`,
        { username: u.username, role: u.role },
      );
    }
    if (!scopeCovers(scope, u.home_area_code) || !u.home_area_code.startsWith(village.slice(0, 9))) {
      throw new DomainError(
        422,
        'grid_worker_elsewhere',
        `workerIds: ${u.username} works outside this town or your area`,
        { username: u.username },
      );
    }
  }
  const before = (
    await tx.query<{ id: number }>(
      `SELECT id FROM users WHERE role = 'grid_worker' AND home_area_code = $1 ORDER BY id`,
      [gridCode],
    )
  ).rows.map((r) => r.id);
  await tx.query(
    `UPDATE users SET home_area_code = $2 WHERE role = 'grid_worker' AND home_area_code = $1 AND NOT (id = ANY ($3::bigint[]))`,
    [gridCode, village, workerIds],
  );
  await tx.query(`UPDATE users SET home_area_code = $1 WHERE id = ANY ($2::bigint[])`, [gridCode, workerIds]);
  return { before, after: [...workerIds].sort((a, b) => a - b) };
}

/** The result of a write: the grid(s) as now stored and the gaps left in the village. */
export interface WriteResult {
  grids: GridRow[];
  warnings: GridProblem[];
  /** Open incidents of the village whose point now lies in another grid (see pendingReassignments). */
  reassignable: number;
}

async function finish(
  db: Queryable,
  scope: Scope,
  villageCode: string,
  codes: string[],
): Promise<WriteResult> {
  const grids: GridRow[] = [];
  for (const code of codes) {
    const g = await getGrid(db, scope, code);
    if (g) grids.push(g);
  }
  const warnings = (await gapsOf(db, villageCode, null)).map(gapProblem);
  const reassignable = (await pendingReassignments(db, scope, villageCode)).length;
  return { grids, warnings, reassignable };
}

/** Input of createGrid. */
export interface NewGridInput {
  parentCode: string;
  name: string;
  geometry: unknown;
  households?: number | null;
  workerIds?: number[];
}

/**
 * Creates a grid in a village: plans it (422 with the problems), takes the village's next
 * sequence number as its code, stores version 1 as planned (clipped and cut back).
 */
export async function createGrid(db: Database, scope: Scope, input: NewGridInput): Promise<WriteResult> {
  const geometry = shapeOrThrow(input.geometry);
  const code = await db.transaction(async (tx) => {
    const { at } = await lockVillage(tx, scope, input.parentCode);
    const plan = await planChange(tx, input.parentCode, [{ key: 'new', geometry }], [], true);
    if (plan.errors.length > 0) refuse(plan.errors);
    const [newCode] = await nextCodes(tx, input.parentCode, 1);
    await insertVersion(tx, {
      code: newCode!,
      name: input.name,
      parentCode: input.parentCode,
      version: 1,
      households: input.households ?? null,
      population: null,
      geometry: plan.stored.get('new'),
      change: 'created',
      at,
      by: scope.name,
    });
    if (input.workerIds) await setWorkers(tx, scope, newCode!, input.workerIds);
    await recordAudit(tx, scope, {
      action: 'grid.create',
      targetType: 'area',
      targetId: newCode,
      after: {
        name: input.name,
        version: 1,
        households: input.households ?? null,
        workerIds: input.workerIds,
      },
    });
    return newCode!;
  });
  return finish(db, scope, input.parentCode, [code]);
}

/** Input of updateGrid: the version the editor started from, and what changes. */
export interface GridPatch {
  version: number;
  name?: string;
  geometry?: unknown;
  households?: number | null;
  workerIds?: number[];
}

/**
 * Reshapes, renames or changes the attributes of a grid: closes the current version and
 * opens the next in one transaction (the code stays). 409 when `version` is not the current
 * one (someone else saved first); 422 with the problems when the new outline fails a check.
 * A change of grid workers only moves the users' home areas and opens no version.
 */
export async function updateGrid(
  db: Database,
  scope: Scope,
  code: string,
  patch: GridPatch,
): Promise<WriteResult> {
  const geometry = patch.geometry === undefined ? undefined : shapeOrThrow(patch.geometry);
  const village = code.slice(0, 12);
  if (!scopeCovers(scope, code)) throw missingGrid(code);
  await db.transaction(async (tx) => {
    const { at } = await lockVillage(tx, scope, village);
    const cur = await currentForWrite(tx, scope, code, patch.version);
    let outline: StoredOutline | undefined;
    if (geometry) {
      const plan = await planChange(tx, village, [{ key: code, geometry }], [code], true);
      if (plan.errors.length > 0) refuse(plan.errors);
      outline = plan.stored.get(code);
    }
    const name = patch.name ?? cur.name;
    const households = patch.households === undefined ? cur.households : patch.households;
    const versioned = geometry !== undefined || name !== cur.name || households !== cur.households;
    if (versioned) {
      await closeVersion(tx, code, at, 'replaced');
      await insertVersion(tx, {
        code,
        name,
        parentCode: cur.parent_code,
        version: cur.version + 1,
        households,
        population: cur.population,
        geometry: geometry ? outline : 'keep',
        change: geometry ? 'reshaped' : name !== cur.name ? 'renamed' : 'attributes',
        at,
        by: scope.name,
      });
    }
    const workers = patch.workerIds ? await setWorkers(tx, scope, code, patch.workerIds) : undefined;
    await recordAudit(tx, scope, {
      action: 'grid.update',
      targetType: 'area',
      targetId: code,
      before: {
        version: cur.version,
        name: cur.name,
        households: cur.households,
        workerIds: workers?.before,
      },
      after: {
        version: versioned ? cur.version + 1 : cur.version,
        name,
        households,
        reshaped: geometry !== undefined,
        workerIds: workers?.after,
      },
    });
  });
  return finish(db, scope, village, [code]);
}

/**
 * Deletes a grid: closes its current version (the code is never issued again). Its grid
 * workers move up to the village; its incidents keep it (listed for reassignment).
 */
export async function deleteGrid(
  db: Database,
  scope: Scope,
  code: string,
  version: number,
): Promise<WriteResult> {
  const village = code.slice(0, 12);
  if (!scopeCovers(scope, code)) throw missingGrid(code);
  await db.transaction(async (tx) => {
    const { at } = await lockVillage(tx, scope, village);
    const cur = await currentForWrite(tx, scope, code, version);
    await closeVersion(tx, code, at, 'deleted');
    await setWorkers(tx, scope, code, []);
    await recordAudit(tx, scope, {
      action: 'grid.delete',
      targetType: 'area',
      targetId: code,
      before: { version: cur.version, name: cur.name },
    });
  });
  return finish(db, scope, village, []);
}

/** One face of a grid cut by a split line. */
interface Face {
  geometry: PolygonGeometry;
  area_m2: number;
  lon: number;
  lat: number;
  height: number;
  /** The line cut it off: it shares an edge with another face of the grid. */
  cut: boolean;
  /** Wider than twice the tolerance somewhere (else a sliver). */
  wide: boolean;
}

/**
 * The faces a line cuts a grid (every part of it) into: the grid's edges and the line noded
 * on the precision grid and polygonised, the faces inside the grid kept.
 */
async function splitFaces(tx: Queryable, code: string, line: LineGeometry): Promise<Face[]> {
  const r = await tx.query<Face & { kind: string }>(
    `WITH g AS (SELECT geom FROM areas WHERE code = $1 AND valid_to IS NULL),
          l AS (SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) AS line),
          f AS (SELECT d.geom FROM g, l,
                  LATERAL ST_Dump(ST_Polygonize(ARRAY[ST_UnaryUnion(ST_Collect(ST_Boundary(g.geom), l.line), $4)])) d),
          inside AS (SELECT f.geom, row_number() OVER () AS i FROM f, g WHERE ST_Intersects(g.geom, ST_PointOnSurface(f.geom))),
          cut AS (SELECT a.i, bool_or(ST_Relate(a.geom, b.geom, '****1****')) AS cut
                  FROM inside a JOIN inside b ON a.i <> b.i AND a.geom && b.geom GROUP BY a.i)
     SELECT 'face' AS kind, ST_AsGeoJSON(i.geom, 9)::json AS geometry, ST_Area(i.geom::geography) AS area_m2,
            ST_X(ST_PointOnSurface(i.geom)) AS lon, ST_Y(ST_PointOnSurface(i.geom)) AS lat,
            ST_YMax(i.geom) - ST_YMin(i.geom) AS height, coalesce(c.cut, false) AS cut,
            -- wider than the tolerance, decided as in grid-topology.sql
            CASE WHEN m.r > $3 THEN true
                 WHEN m.r + m.slack <= $3 THEN false
                 ELSE NOT ST_IsEmpty(ST_Buffer(ST_ReducePrecision(t.m, 0.01), -$3::float8)) END AS wide
     FROM inside i LEFT JOIN cut c ON c.i = i.i,
          LATERAL (SELECT ST_Transform(i.geom, 4547) AS m) t,
          LATERAL (SELECT (ST_MaximumInscribedCircle(t.m)).radius AS r,
                          greatest(ST_XMax(t.m) - ST_XMin(t.m), ST_YMax(t.m) - ST_YMin(t.m)) / 500 AS slack) m
     UNION ALL
     SELECT 'end', NULL, 0, 0, 0, 0, false, false
     ORDER BY area_m2 DESC`,
    [code, JSON.stringify(line), TOLERANCE_M, GRID_SIZE_DEG],
  );
  if (!r.rows.some((f) => f.kind === 'end')) throw new GeometryEngineError(`splitting grid ${code}`);
  return r.rows.filter((f) => f.kind === 'face');
}

/**
 * Splits a grid along a line that crosses it: the largest piece keeps the code (a new
 * version, with any part of the grid the line does not touch), the others get new codes
 * numbered west→east, north→south. 422 when the line does not cut the grid in two or more
 * pieces wider than the tolerance.
 */
export async function splitGrid(
  db: Database,
  scope: Scope,
  code: string,
  input: { version: number; line: unknown; names?: string[] },
): Promise<WriteResult> {
  const lineProblems = lineShapeProblems(input.line);
  if (lineProblems.length > 0) {
    throw new GridCheckError('grid_split_line_invalid', lineProblems[0]!.message, {}, lineProblems);
  }
  const line = input.line as LineGeometry;
  const village = code.slice(0, 12);
  if (!scopeCovers(scope, code)) throw missingGrid(code);
  const codes = await db.transaction(async (tx) => {
    const { at, villageName } = await lockVillage(tx, scope, village);
    const cur = await currentForWrite(tx, scope, code, input.version);
    const faces = await splitFaces(tx, code, line);
    const pieces = faces.filter((f) => f.cut && f.wide);
    if (pieces.length < 2) {
      throw new GridCheckError(
        'grid_split_line_misses',
        `the line does not cut grid ${code} in two: draw it across the grid, from outside one edge to outside another`,
        { code },
        [
          {
            kind: 'split_line',
            code: 'line_misses',
            params: {},
            message: 'the line does not cross the grid',
            geometry: line,
          },
        ],
      );
    }
    const [keep, ...rest] = pieces;
    // the parts the line does not touch stay with the grid that keeps the code
    const untouched = faces.filter((f) => !f.cut);
    const keepGeometry: Candidate['geometry'] =
      untouched.length === 0
        ? keep!.geometry
        : {
            type: 'MultiPolygon',
            coordinates: [keep!.geometry, ...untouched.map((f) => f.geometry)].map((g) => g.coordinates),
          };
    const order = numberingOrder(rest);
    const keys = rest.map((_, i) => `piece${String(i).padStart(3, '0')}`);
    const plan = await planChange(
      tx,
      village,
      [
        { key: code, geometry: keepGeometry },
        ...rest.map((f, i) => ({ key: keys[i]!, geometry: f.geometry })),
      ],
      [code],
      false,
    );
    if (plan.errors.length > 0) refuse(plan.errors);
    const newCodes = await nextCodes(tx, village, rest.length);
    await closeVersion(tx, code, at, 'split');
    await insertVersion(tx, {
      code,
      name: cur.name,
      parentCode: village,
      version: cur.version + 1,
      households: null,
      population: null,
      geometry: plan.stored.get(code),
      change: 'split',
      at,
      by: scope.name,
    });
    for (const [i, idx] of order.entries()) {
      const newCode = newCodes[i]!;
      await insertVersion(tx, {
        code: newCode,
        name: input.names?.[i] ?? defaultName(villageName, newCode),
        parentCode: village,
        version: 1,
        households: null,
        population: null,
        geometry: plan.stored.get(keys[idx]!),
        change: 'split',
        at,
        by: scope.name,
      });
    }
    await recordAudit(tx, scope, {
      action: 'grid.split',
      targetType: 'area',
      targetId: code,
      before: { version: cur.version },
      after: { version: cur.version + 1, newCodes },
    });
    return [code, ...newCodes];
  });
  return finish(db, scope, village, codes);
}

/**
 * Merges neighbouring grids of one village into the one with the lowest code (a new
 * version; the others close, `closed_into` naming it). Their grid workers move to it and
 * households add up. 422 when the grids do not form one piece together.
 */
export async function mergeGrids(
  db: Database,
  scope: Scope,
  input: { grids: Array<{ code: string; version: number }>; name?: string },
): Promise<WriteResult> {
  const codes = [...new Set(input.grids.map((g) => g.code))].sort();
  if (codes.length < 2) {
    throw new DomainError(422, 'grid_merge_too_few', 'grids: name at least two different grids to merge');
  }
  const village = codes[0]!.slice(0, 12);
  const stranger = codes.find((c) => c.slice(0, 12) !== village);
  if (stranger) {
    throw new DomainError(
      422,
      'grid_merge_villages',
      `grids: ${stranger} is in another village than ${codes[0]}`,
      { code: stranger, other: codes[0]! },
    );
  }
  const keep = codes[0]!;
  await db.transaction(async (tx) => {
    const { at } = await lockVillage(tx, scope, village);
    const rows: CurrentRow[] = [];
    for (const g of input.grids) rows.push(await currentForWrite(tx, scope, g.code, g.version));
    const u = await tx.query<{ geometry: { type: string; coordinates: unknown[] } | null; parts: number }>(
      // parts smaller than MIN_PART_M2 are rounding crumbs along shared edges, not pieces
      `WITH u AS (SELECT ST_UnaryUnion(ST_Collect(geom), $3) AS g FROM areas WHERE code = ANY ($1::text[]) AND valid_to IS NULL),
            p AS (SELECT d.geom FROM u, LATERAL ST_Dump(ST_CollectionExtract(u.g, 3)) d WHERE ST_Area(d.geom::geography) >= $2)
       SELECT ST_AsGeoJSON(ST_Collect(geom), 9)::json AS geometry, count(*)::int AS parts FROM p`,
      [codes, MIN_PART_M2, GRID_SIZE_DEG],
    );
    const merged = u.rows[0];
    if (!merged) throw new GeometryEngineError(`merging grids ${codes.join(', ')}`);
    if (merged.parts !== 1 || !merged.geometry) {
      throw new GridCheckError(
        'grid_merge_not_neighbours',
        `grids ${codes.join(', ')} do not share edges: together they make ${merged.parts} pieces`,
        { codes: codes.join(', '), parts: merged.parts },
        [
          {
            kind: 'not_neighbours',
            code: 'merge_not_neighbours',
            params: { parts: merged.parts },
            message: 'only neighbouring grids can be merged',
            geometry: merged.geometry,
          },
        ],
      );
    }
    const plan = await planChange(
      tx,
      village,
      [{ key: keep, geometry: merged.geometry as Candidate['geometry'] }],
      codes,
      false,
    );
    if (plan.errors.length > 0) refuse(plan.errors);
    const first = rows.find((r) => r.code === keep)!;
    const households = rows.every((r) => r.households === null)
      ? null
      : rows.reduce((s, r) => s + (r.households ?? 0), 0);
    for (const c of codes)
      await closeVersion(tx, c, at, c === keep ? 'replaced' : 'merged', c === keep ? null : keep);
    await insertVersion(tx, {
      code: keep,
      name: input.name ?? first.name,
      parentCode: village,
      version: first.version + 1,
      households,
      population: null,
      geometry: plan.stored.get(keep),
      change: 'merged',
      at,
      by: scope.name,
    });
    await tx.query(
      `UPDATE users SET home_area_code = $1 WHERE role = 'grid_worker' AND home_area_code = ANY ($2::text[])`,
      [keep, codes],
    );
    await recordAudit(tx, scope, {
      action: 'grid.merge',
      targetType: 'area',
      targetId: keep,
      before: { grids: rows.map((r) => ({ code: r.code, version: r.version })) },
      after: { code: keep, version: first.version + 1 },
    });
  });
  return finish(db, scope, village, [keep]);
}

/** One feature of an import: a Polygon with a name, optionally an existing code and households. */
export interface ImportFeature {
  geometry: unknown;
  /** name (required), code (an existing grid to keep), households. */
  properties?: unknown;
}

/** The report of an import (or of its dry run). */
export interface ImportReport {
  ok: boolean;
  errors: GridProblem[];
  warnings: GridProblem[];
  /** Codes kept (reshaped), created and closed; empty on a dry run that failed. */
  kept: string[];
  created: string[];
  closed: string[];
}

/**
 * Replaces the grids of a village with those of a GeoJSON FeatureCollection, all or
 * nothing. A feature whose `code` is a current grid of the village keeps that code (new
 * version); features without one get new codes (west→east, north→south); current grids not
 * in the file close. Every problem of every feature is reported; nothing is saved unless
 * there is none. `dryRun` reports without saving.
 */
export async function importGrids(
  db: Database,
  scope: Scope,
  villageCode: string,
  features: ImportFeature[],
  dryRun: boolean,
): Promise<ImportReport> {
  return db.transaction(async (tx) => {
    const { at, villageName } = await lockVillage(tx, scope, villageCode);
    const current = (
      await tx.query<CurrentRow>(
        `SELECT code, name, parent_code, version, households, population FROM areas
         WHERE parent_code = $1 AND level = 'grid' AND valid_to IS NULL ORDER BY code`,
        [villageCode],
      )
    ).rows;
    const errors: GridProblem[] = [];
    const candidates: Candidate[] = [];
    const seenCodes = new Set<string>();
    const meta: Array<{ name: string; code: string | null; households: number | null }> = [];
    if (features.length === 0) {
      errors.push({
        kind: 'geometry_type',
        code: 'no_features',
        params: {},
        message: 'the file has no features',
      });
    }
    for (const [i, f] of features.entries()) {
      const props = (f.properties ?? {}) as { name?: unknown; code?: unknown; households?: unknown };
      const name = typeof props.name === 'string' ? props.name.trim() : '';
      if (name.length < 1 || name.length > 200) {
        errors.push({
          kind: 'name',
          code: 'name_required',
          params: { max: 200 },
          message: 'properties.name: 1 to 200 characters required',
          feature: i,
        });
      }
      let code: string | null = null;
      if (props.code !== undefined && props.code !== null && props.code !== '') {
        code = String(props.code);
        if (!current.some((c) => c.code === code)) {
          errors.push({
            kind: 'code',
            code: 'code_unknown',
            params: { code, village: villageCode },
            message: `properties.code ${code} is not a current grid of village ${villageCode} (leave it out for a new grid)`,
            feature: i,
          });
          code = null;
        } else if (seenCodes.has(code)) {
          errors.push({
            kind: 'code',
            code: 'code_twice',
            params: { code },
            message: `properties.code ${code} appears twice`,
            feature: i,
          });
        }
        if (code) seenCodes.add(code);
      }
      const hh = props.households;
      const households = typeof hh === 'number' && Number.isInteger(hh) && hh >= 0 ? hh : null;
      if (hh !== undefined && hh !== null && households === null) {
        errors.push({
          kind: 'name',
          code: 'households_invalid',
          params: {},
          message: 'properties.households: a whole number ≥ 0',
          feature: i,
        });
      }
      meta.push({ name, code, households });
      const shape = polygonShapeProblems(f.geometry).map((p) => ({ ...p, feature: i }));
      if (shape.length > 0) errors.push(...shape);
      else
        candidates.push({
          key: `f${String(i).padStart(5, '0')}`,
          geometry: f.geometry as PolygonGeometry,
          feature: i,
        });
    }
    let warnings: GridProblem[] = [];
    let stored = new Map<string, StoredOutline>();
    if (candidates.length > 0) {
      const plan = await planChange(
        tx,
        villageCode,
        candidates,
        current.map((c) => c.code),
        true,
      );
      errors.push(...plan.errors);
      warnings = plan.warnings;
      stored = plan.stored;
    }
    errors.sort((a, b) => (a.feature ?? -1) - (b.feature ?? -1));
    const closed = current.filter((c) => !seenCodes.has(c.code)).map((c) => c.code);
    const kept = current.filter((c) => seenCodes.has(c.code)).map((c) => c.code);
    if (errors.length > 0 || dryRun) {
      return { ok: errors.length === 0, errors, warnings, kept, created: [], closed };
    }
    for (const c of current)
      await closeVersion(tx, c.code, at, seenCodes.has(c.code) ? 'replaced' : 'imported');
    const fresh = candidates.filter((c) => meta[c.feature!]!.code === null);
    const positions = await tx.query<{ lon: number; lat: number; height: number }>(
      `SELECT ST_X(ST_PointOnSurface(g)) AS lon, ST_Y(ST_PointOnSurface(g)) AS lat, ST_YMax(g) - ST_YMin(g) AS height
       FROM json_array_elements($1::json) WITH ORDINALITY e(geom, n),
            LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(e.geom::text), 4326) AS g) x
       ORDER BY n`,
      [JSON.stringify(fresh.map((c) => c.geometry))],
    );
    const order = numberingOrder(positions.rows);
    const newCodes = await nextCodes(tx, villageCode, fresh.length);
    const codeOf = new Map<number, string>();
    for (const [i, idx] of order.entries()) codeOf.set(fresh[idx]!.feature!, newCodes[i]!);
    for (const c of candidates) {
      const m = meta[c.feature!]!;
      const code = m.code ?? codeOf.get(c.feature!)!;
      const prev = current.find((x) => x.code === code);
      await insertVersion(tx, {
        code,
        name: m.name || defaultName(villageName, code),
        parentCode: villageCode,
        version: prev ? prev.version + 1 : 1,
        households: m.households ?? prev?.households ?? null,
        population: prev?.population ?? null,
        geometry: stored.get(c.key),
        change: 'imported',
        at,
        by: scope.name,
      });
    }
    for (const code of closed) {
      await tx.query(
        `UPDATE users SET home_area_code = $2 WHERE role = 'grid_worker' AND home_area_code = $1`,
        [code, villageCode],
      );
    }
    await recordAudit(tx, scope, {
      action: 'grid.import',
      targetType: 'area',
      targetId: villageCode,
      before: { grids: current.map((c) => ({ code: c.code, version: c.version })) },
      after: { kept, created: newCodes, closed },
    });
    return { ok: true, errors: [], warnings, kept, created: newCodes, closed };
  });
}

// ---------------------------------------------------------------------------------------------
// Incidents after a change of grids

/** An open incident whose point now lies in another grid than the one it was reported in. */
export interface ReassignmentRow {
  id: number;
  category: string;
  status: string;
  description: string;
  reported_at: Date;
  grid_code: string | null;
  new_grid_code: string | null;
  village_code: string | null;
  town_code: string | null;
  lon: number;
  lat: number;
}

const PENDING_SQL = `
  SELECT i.id, i.category, i.status, i.description, i.reported_at, i.grid_code, g.code AS new_grid_code,
         i.village_code, i.town_code, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat
  FROM incidents i
  LEFT JOIN LATERAL (
    -- the same rule as intake: of the grids holding the point, the lowest code
    SELECT a.code FROM areas a
    WHERE a.level = 'grid' AND a.valid_to IS NULL AND a.geom && i.geom AND ST_Intersects(a.geom, i.geom)
    ORDER BY a.code LIMIT 1
  ) g ON true
  WHERE i.status NOT IN ('closed', 'rejected', 'merged')
    AND i.grid_code IS DISTINCT FROM g.code`;

/**
 * Open incidents of a village or town (inside the scope) whose point now lies in another
 * current grid than theirs, or in none. They keep their grid until reassigned.
 */
export async function pendingReassignments(
  db: Queryable,
  scope: Scope,
  parentCode: string,
): Promise<ReassignmentRow[]> {
  checkReadScope(scope, parentCode);
  const params: unknown[] = [parentCode];
  const r = await db.query<ReassignmentRow>(
    `${PENDING_SQL}
       AND coalesce(i.grid_code, i.village_code) LIKE $1 || '%'
       AND ${scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params)}
     ORDER BY i.id LIMIT 1000`,
    params,
  );
  return r.rows;
}

/**
 * Moves open incidents to the grid their point now lies in (confirmed by the coordinator),
 * each with a timeline entry and an audit record. Ids that no longer need it are skipped
 * and returned in `skipped`, as are ids outside the scope. OutOfScopeError when an incident of the
 * scope would move into a grid outside it.
 */
export async function reassignIncidents(
  db: Database,
  scope: Scope,
  ids: number[],
): Promise<{ reassigned: Array<{ id: number; from: string | null; to: string | null }>; skipped: number[] }> {
  return db.transaction(async (tx) => {
    const rows = (
      await tx.query<ReassignmentRow>(
        `${PENDING_SQL} AND i.id = ANY ($1::bigint[]) ORDER BY i.id FOR UPDATE OF i`,
        [ids],
      )
    ).rows;
    const reassigned: Array<{ id: number; from: string | null; to: string | null }> = [];
    for (const row of rows) {
      const owner = row.grid_code ?? row.village_code ?? row.town_code;
      // someone else's incident is skipped like an id that needs nothing: it reveals nothing
      if (!scopeCovers(scope, owner)) continue;
      if (row.new_grid_code && !scopeCovers(scope, row.new_grid_code)) {
        throw new OutOfScopeError(`the grid ${row.new_grid_code} of incident ${row.id}`);
      }
      const to = row.new_grid_code;
      await tx.query(
        `UPDATE incidents SET grid_code = $2, village_code = coalesce(left($2, 12), village_code),
                town_code = coalesce(left($2, 9), town_code), updated_at = now()
         WHERE id = $1`,
        [row.id, to],
      );
      await tx.query(
        `INSERT INTO incident_events (incident_id, actor, action, note) VALUES ($1, $2, 'reassign_grid', $3)`,
        [row.id, scope.name, `grid ${row.grid_code ?? 'none'} → ${to ?? 'none (in no grid of the village)'}`],
      );
      await recordAudit(tx, scope, {
        action: 'incident.reassign_grid',
        targetType: 'incident',
        targetId: String(row.id),
        before: { gridCode: row.grid_code },
        after: { gridCode: to },
      });
      reassigned.push({ id: row.id, from: row.grid_code, to });
    }
    const done = new Set(rows.map((r) => r.id));
    return { reassigned, skipped: ids.filter((id) => !done.has(id)) };
  });
}
