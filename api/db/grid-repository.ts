import { readFileSync } from 'node:fs';
import { OutOfScopeError, scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import {
  lineShapeProblems,
  numberingOrder,
  polygonShapeProblems,
  type GridProblem,
  type LineGeometry,
  type PolygonGeometry,
} from '../lib/grid-geometry.ts';
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

const TOPOLOGY_SQL = readFileSync(new URL('./grid-topology.sql', import.meta.url), 'utf8');

/** A refusal with its reasons (4xx): `problems` carry the offending parts as GeoJSON. */
export class GridError extends Error {
  constructor(
    readonly statusCode: 400 | 403 | 404 | 409 | 422,
    message: string,
    readonly problems: GridProblem[] = [],
  ) {
    super(message);
    this.name = 'GridError';
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
  const gaps = await db.query<GapRow>(
    `SELECT v.code AS village_code, ST_AsGeoJSON(d.geom, 7)::json AS geometry, ST_Area(d.geom::geography) AS area_m2
     FROM areas v
     CROSS JOIN LATERAL (
       SELECT coalesce(ST_Union(g.geom), 'SRID=4326;POLYGON EMPTY'::geometry) AS u FROM areas g
       WHERE g.parent_code = v.code AND g.level = 'grid' AND ${validAt('g', 2)}) c
     CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Difference(v.geom, c.u), 3)) d
     WHERE v.level = 'village' AND v.code LIKE $1 || '%' AND v.geom IS NOT NULL AND ${validAt('v', 2)}
       AND NOT ST_IsEmpty(ST_Buffer(ST_Transform(d.geom, 4547), -$3::float8))
     ORDER BY v.code, area_m2 DESC`,
    [parentCode, at, TOLERANCE_M],
  );
  return { parent: p, villages, grids: await attachWorkers(db, grids.rows), gaps: gaps.rows };
}

/** The current version of one grid; null when none; OutOfScopeError outside the scope. */
export async function getGrid(db: Queryable, scope: Scope, code: string): Promise<GridRow | null> {
  const r = await db.query<Omit<GridRow, 'workers'>>(
    `SELECT ${GRID_COLUMNS} FROM areas a WHERE a.code = $1 AND a.level = 'grid' AND a.valid_to IS NULL`,
    [code],
  );
  const row = r.rows[0];
  if (!row) return null;
  checkReadScope(scope, code);
  return (await attachWorkers(db, [row]))[0]!;
}

/** Every version of a grid, oldest first; empty when the code was never a grid. */
export async function gridHistory(db: Queryable, scope: Scope, code: string): Promise<GridRow[]> {
  const r = await db.query<Omit<GridRow, 'workers'>>(
    `SELECT ${GRID_COLUMNS} FROM areas a WHERE a.code = $1 AND a.level = 'grid' ORDER BY a.version`,
    [code],
  );
  if (r.rows.length > 0) checkReadScope(scope, code);
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
// Checks

/** Problems found in a candidate set: `errors` refuse a save, `warnings` (gaps) do not. */
export interface CheckResult {
  errors: GridProblem[];
  warnings: GridProblem[];
}

/** A candidate outline under a key (a grid code, `new`, or a feature index). */
interface Candidate {
  key: string;
  geometry: PolygonGeometry;
  /** Position in an import, for the report. */
  feature?: number;
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
  const out: GridProblem[] = [];
  for (const row of r.rows) {
    const c = candidates.find((x) => x.key === row.key);
    if (!row.valid) {
      out.push({
        kind: 'invalid',
        message: `the outline is not a valid polygon: ${row.reason ?? 'unknown reason'}`,
        geometry: row.location,
        feature: c?.feature,
      });
    } else if ((row.area_m2 ?? 0) < MIN_PART_M2) {
      out.push({ kind: 'invalid', message: 'the outline encloses no area', feature: c?.feature });
    }
  }
  return out;
}

/**
 * All checks of candidate outlines within a village: shape, validity, inside the village,
 * no overlap with each other or with the village's other current grids (except `replaces`),
 * and the gaps left (warnings). `candidates` must already have passed polygonShapeProblems.
 */
async function checkCandidates(
  db: Queryable,
  villageCode: string,
  candidates: Candidate[],
  replaces: string[],
): Promise<CheckResult> {
  const invalid = await validityProblems(db, candidates);
  if (invalid.length > 0) return { errors: invalid, warnings: [] };
  const r = await db.query<{
    kind: 'outside_parent' | 'overlap' | 'gap';
    key: string | null;
    other: string | null;
    geometry: { type: string; coordinates: unknown[] };
    area_m2: number;
  }>(TOPOLOGY_SQL, [
    JSON.stringify(candidates.map((c) => ({ key: c.key, geometry: c.geometry }))),
    villageCode,
    replaces,
    TOLERANCE_M,
    true,
  ]);
  const errors: GridProblem[] = [];
  const warnings: GridProblem[] = [];
  const byKey = new Map(candidates.map((c) => [c.key, c]));
  const name = (key: string | null) => {
    const c = key === null ? undefined : byKey.get(key);
    return c?.feature !== undefined ? `feature ${c.feature}` : (key ?? '');
  };
  for (const row of r.rows) {
    const area = Math.round(row.area_m2 * 10) / 10;
    const feature = row.key === null ? undefined : byKey.get(row.key)?.feature;
    if (row.kind === 'outside_parent') {
      errors.push({
        kind: 'outside_parent',
        message: `${area} m² lie outside the village ${villageCode} (more than ${TOLERANCE_M} m beyond its boundary)`,
        geometry: row.geometry,
        areaM2: area,
        feature,
      });
    } else if (row.kind === 'overlap') {
      const other = row.other ?? '';
      const otherName = byKey.has(other) ? name(other) : `grid ${other}`;
      errors.push({
        kind: 'overlap',
        message: `overlaps ${otherName} by ${area} m²`,
        geometry: row.geometry,
        otherCode: byKey.has(other) ? undefined : other,
        areaM2: area,
        feature,
      });
    } else {
      warnings.push({
        kind: 'gap',
        message: `${area} m² of the village are in no grid`,
        geometry: row.geometry,
        areaM2: area,
      });
    }
  }
  return { errors, warnings };
}

function shapeOrThrow(geometry: unknown, feature?: number): PolygonGeometry {
  const problems = polygonShapeProblems(geometry).map((p) => ({ ...p, feature }));
  if (problems.length > 0) throw new GridError(422, problems.map((p) => p.message).join('; '), problems);
  return geometry as PolygonGeometry;
}

function refuse(errors: GridProblem[]): never {
  const head = errors
    .slice(0, 3)
    .map((e) => (e.feature !== undefined ? `feature ${e.feature}: ${e.message}` : e.message))
    .join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  throw new GridError(422, `the grid cannot be saved: ${head}${more}`, errors);
}

/** The current village (12-digit code) a grid belongs to, checked against the scope for writing. */
async function writableVillage(db: Queryable, scope: Scope, villageCode: string): Promise<{ name: string }> {
  if (!/^[0-9]{12}$/.test(villageCode)) {
    throw new GridError(422, `parentCode: grids belong to a village (12 digits), not ${villageCode}`);
  }
  const r = await db.query<{ name: string }>(
    `SELECT name FROM areas WHERE code = $1 AND level = 'village' AND valid_to IS NULL AND geom IS NOT NULL`,
    [villageCode],
  );
  const v = r.rows[0];
  if (!v) throw new GridError(422, `parentCode: no current village ${villageCode} with an outline`);
  if (!scopeCovers(scope, villageCode)) throw new OutOfScopeError(`village ${villageCode}`);
  return v;
}

/** Checks a grid outline without saving: for the editor, on every change. */
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
        { kind: 'code', message: `grid ${input.code} does not belong to village ${input.parentCode}` },
      ],
      warnings: [],
    };
  }
  return checkCandidates(
    db,
    input.parentCode,
    [{ key: input.code ?? 'new', geometry: input.geometry as PolygonGeometry }],
    input.code ? [input.code] : [],
  );
}

// ---------------------------------------------------------------------------------------------
// Writes. Every write locks the village row first, so the edits of one village happen one
// after another and each is checked against what the previous one left; the checks run
// inside the same transaction as the write.

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
  if (!row) throw new GridError(404, `no current grid ${code}`);
  if (!scopeCovers(scope, code)) throw new OutOfScopeError(`grid ${code}`);
  if (version !== undefined && row.version !== version) {
    throw new GridError(
      409,
      `grid ${code} was changed by someone else: it is at version ${row.version}, your edit started from version ${version}; reload it and edit again`,
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
  /** GeoJSON to trim and store, or `keep` the geometry of the version just closed (rename). */
  geometry: PolygonGeometry | { type: 'MultiPolygon'; coordinates: unknown[] } | 'keep';
  /** Codes left out of the trimming against neighbours (the grids this one replaces). */
  replaces: string[];
  change: GridChange;
  at: Date;
  by: string;
}

/** Inserts a version; trims the outline to the village and the neighbours (see rm_grid_trim). */
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
  const r = await tx.query<{ parts: number | null }>(
    `WITH t AS (SELECT rm_grid_trim(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($9), 4326)), $4, $10::text[], $11) AS g)
     INSERT INTO areas (code, level, name, parent_code, population, households, synthetic, geom, version, valid_from, change, changed_by)
     SELECT $1, 'grid', $2, $4, $3, $5, false, t.g, $6, $7, $8, $12 FROM t
     RETURNING ST_NumGeometries(geom) AS parts`,
    [
      v.code,
      v.name,
      v.population,
      v.parentCode,
      v.households,
      v.version,
      v.at,
      v.change,
      JSON.stringify(v.geometry),
      v.replaces,
      MIN_PART_M2,
      v.by,
    ],
  );
  const parts = r.rows[0]?.parts ?? 0;
  if (parts !== 1) {
    throw new GridError(
      422,
      parts === 0
        ? `grid ${v.code}: nothing is left once the outline is clipped to the village and its neighbours`
        : `grid ${v.code}: clipped to the village and its neighbours the outline falls into ${parts} pieces; a grid is one piece`,
      [{ kind: 'invalid', message: 'the outline does not form one piece inside the village' }],
    );
  }
}

/** The next `n` unused grid codes of a village (sequence numbers never reused, even after deletes). */
async function nextCodes(tx: Queryable, villageCode: string, n: number): Promise<string[]> {
  const r = await tx.query<{ max: number | null }>(
    `SELECT max(substr(code, 13, 3)::int) AS max FROM area_codes WHERE level = 'grid' AND left(code, 12) = $1`,
    [villageCode],
  );
  const start = (r.rows[0]?.max ?? 0) + 1;
  if (start + n - 1 > 999) {
    throw new GridError(422, `village ${villageCode} has used all 999 grid numbers`);
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
    if (!u) throw new GridError(422, `workerIds: no user ${id}`);
    if (u.role !== 'grid_worker')
      throw new GridError(422, `workerIds: ${u.username} is a ${u.role}, not a grid worker`);
    if (!scopeCovers(scope, u.home_area_code) || !u.home_area_code.startsWith(village.slice(0, 9))) {
      throw new GridError(422, `workerIds: ${u.username} works outside this town or your area`);
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
  const gaps = await db.query<{ geometry: { type: string; coordinates: unknown[] }; area_m2: number }>(
    TOPOLOGY_SQL,
    ['[]', villageCode, [], TOLERANCE_M, true],
  );
  const warnings = gaps.rows.map((g) => ({
    kind: 'gap' as const,
    message: `${Math.round(g.area_m2 * 10) / 10} m² of the village are in no grid`,
    geometry: g.geometry,
    areaM2: Math.round(g.area_m2 * 10) / 10,
  }));
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
 * Creates a grid in a village: checks (422 with the problems), takes the village's next
 * sequence number as its code, stores version 1 trimmed to the village and its neighbours.
 */
export async function createGrid(db: Database, scope: Scope, input: NewGridInput): Promise<WriteResult> {
  const geometry = shapeOrThrow(input.geometry);
  const code = await db.transaction(async (tx) => {
    const { at } = await lockVillage(tx, scope, input.parentCode);
    const check = await checkCandidates(tx, input.parentCode, [{ key: 'new', geometry }], []);
    if (check.errors.length > 0) refuse(check.errors);
    const [newCode] = await nextCodes(tx, input.parentCode, 1);
    await insertVersion(tx, {
      code: newCode!,
      name: input.name,
      parentCode: input.parentCode,
      version: 1,
      households: input.households ?? null,
      population: null,
      geometry,
      replaces: [],
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
  await db.transaction(async (tx) => {
    const { at } = await lockVillage(tx, scope, village);
    const cur = await currentForWrite(tx, scope, code, patch.version);
    if (geometry) {
      const check = await checkCandidates(tx, village, [{ key: code, geometry }], [code]);
      if (check.errors.length > 0) refuse(check.errors);
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
        geometry: geometry ?? 'keep',
        replaces: [code],
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

/**
 * Splits a grid along a line that crosses it: the largest piece keeps the code (a new
 * version), the others get new codes numbered west→east, north→south. 422 when the line
 * does not cut the grid in two or more pieces wider than the tolerance.
 */
export async function splitGrid(
  db: Database,
  scope: Scope,
  code: string,
  input: { version: number; line: unknown; names?: string[] },
): Promise<WriteResult> {
  const lineProblems = lineShapeProblems(input.line);
  if (lineProblems.length > 0) throw new GridError(422, lineProblems[0]!.message, lineProblems);
  const line = input.line as LineGeometry;
  const village = code.slice(0, 12);
  const codes = await db.transaction(async (tx) => {
    const { at, villageName } = await lockVillage(tx, scope, village);
    const cur = await currentForWrite(tx, scope, code, input.version);
    const pieces = await tx.query<{
      geometry: PolygonGeometry;
      area_m2: number;
      lon: number;
      lat: number;
      height: number;
    }>(
      `WITH g AS (SELECT geom FROM areas WHERE code = $1 AND valid_to IS NULL),
            l AS (SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) AS line)
       SELECT ST_AsGeoJSON(d.geom, 9)::json AS geometry, ST_Area(d.geom::geography) AS area_m2,
              ST_X(ST_PointOnSurface(d.geom)) AS lon, ST_Y(ST_PointOnSurface(d.geom)) AS lat,
              ST_YMax(d.geom) - ST_YMin(d.geom) AS height
       FROM g, l, LATERAL ST_Dump(ST_CollectionExtract(ST_Split(ST_GeometryN(g.geom, 1), l.line), 3)) d
       WHERE NOT ST_IsEmpty(ST_Buffer(ST_Transform(d.geom, 4547), -$3::float8))
       ORDER BY area_m2 DESC`,
      [code, JSON.stringify(line), TOLERANCE_M],
    );
    if (pieces.rows.length < 2) {
      throw new GridError(
        422,
        `the line does not cut grid ${code} in two: draw it across the grid, from outside one edge to outside another`,
        [{ kind: 'split_line', message: 'the line does not cross the grid', geometry: line }],
      );
    }
    const [keep, ...rest] = pieces.rows;
    const order = numberingOrder(rest);
    const newCodes = await nextCodes(tx, village, rest.length);
    await closeVersion(tx, code, at, 'split');
    await insertVersion(tx, {
      code,
      name: cur.name,
      parentCode: village,
      version: cur.version + 1,
      households: null,
      population: null,
      geometry: keep!.geometry,
      replaces: [code],
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
        geometry: rest[idx]!.geometry,
        replaces: [],
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
  if (codes.length < 2) throw new GridError(422, 'grids: name at least two different grids to merge');
  const village = codes[0]!.slice(0, 12);
  const stranger = codes.find((c) => c.slice(0, 12) !== village);
  if (stranger) throw new GridError(422, `grids: ${stranger} is in another village than ${codes[0]}`);
  const keep = codes[0]!;
  await db.transaction(async (tx) => {
    const { at } = await lockVillage(tx, scope, village);
    const rows: CurrentRow[] = [];
    for (const g of input.grids) rows.push(await currentForWrite(tx, scope, g.code, g.version));
    const u = await tx.query<{ geometry: { type: string; coordinates: unknown[] }; parts: number }>(
      // parts smaller than MIN_PART_M2 are rounding crumbs along shared edges, not pieces
      `WITH u AS (SELECT ST_UnaryUnion(ST_Collect(geom)) AS g FROM areas WHERE code = ANY ($1::text[]) AND valid_to IS NULL),
            p AS (SELECT d.geom FROM u, LATERAL ST_Dump(u.g) d WHERE ST_Area(d.geom::geography) >= $2)
       SELECT ST_AsGeoJSON(ST_Collect(geom), 9)::json AS geometry, count(*)::int AS parts FROM p`,
      [codes, MIN_PART_M2],
    );
    const merged = u.rows[0]!;
    if (merged.parts !== 1) {
      throw new GridError(
        422,
        `grids ${codes.join(', ')} do not share edges: together they make ${merged.parts} pieces`,
        [
          {
            kind: 'not_neighbours',
            message: 'only neighbouring grids can be merged',
            geometry: merged.geometry,
          },
        ],
      );
    }
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
      geometry:
        merged.geometry.type === 'MultiPolygon'
          ? { type: 'Polygon', coordinates: (merged.geometry.coordinates as number[][][][])[0]! }
          : (merged.geometry as PolygonGeometry),
      replaces: codes,
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
    if (features.length === 0) errors.push({ kind: 'geometry_type', message: 'the file has no features' });
    for (const [i, f] of features.entries()) {
      const props = (f.properties ?? {}) as { name?: unknown; code?: unknown; households?: unknown };
      const name = typeof props.name === 'string' ? props.name.trim() : '';
      if (name.length < 1 || name.length > 200) {
        errors.push({ kind: 'name', message: 'properties.name: 1 to 200 characters required', feature: i });
      }
      let code: string | null = null;
      if (props.code !== undefined && props.code !== null && props.code !== '') {
        code = String(props.code);
        if (!current.some((c) => c.code === code)) {
          errors.push({
            kind: 'code',
            message: `properties.code ${code} is not a current grid of village ${villageCode} (leave it out for a new grid)`,
            feature: i,
          });
          code = null;
        } else if (seenCodes.has(code)) {
          errors.push({ kind: 'code', message: `properties.code ${code} appears twice`, feature: i });
        }
        if (code) seenCodes.add(code);
      }
      const hh = props.households;
      const households = typeof hh === 'number' && Number.isInteger(hh) && hh >= 0 ? hh : null;
      if (hh !== undefined && hh !== null && households === null) {
        errors.push({ kind: 'name', message: 'properties.households: a whole number ≥ 0', feature: i });
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
    if (candidates.length > 0) {
      const check = await checkCandidates(
        tx,
        villageCode,
        candidates,
        current.map((c) => c.code),
      );
      errors.push(...check.errors);
      warnings = check.warnings;
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
        geometry: c.geometry,
        replaces: current.map((x) => x.code),
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
 * and returned in `skipped`. OutOfScopeError when one lies outside the scope.
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
      if (!scopeCovers(scope, owner) || (row.new_grid_code && !scopeCovers(scope, row.new_grid_code))) {
        throw new OutOfScopeError(`incident ${row.id}`);
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
