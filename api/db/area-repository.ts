import { isAncestorOfScope, scopeCovers, scopeSqlWithAncestors, type Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

export type AreaLevel = 'city' | 'town' | 'village' | 'grid';

/** One current area version as the API shows it. Geometry is GeoJSON in EPSG:4326. */
export interface AreaRow {
  code: string;
  name: string;
  level: AreaLevel;
  parent_code: string | null;
  population: number | null;
  households: number | null;
  synthetic: boolean;
  version: number;
  valid_from: Date;
  label_lon: number | null;
  label_lat: number | null;
  geometry: { type: string; coordinates: unknown[] } | null;
}

export interface AreaPathRow {
  code: string;
  name: string;
  level: AreaLevel;
}

export interface AreaDetailRow extends AreaRow {
  bbox: number[] | null;
  child_count: number;
}

const AREA_COLUMNS = `code, name, level, parent_code, population, households, synthetic, version, valid_from,
  ST_X(label_point) AS label_lon, ST_Y(label_point) AS label_lat`;

export interface ListAreasFilter {
  level?: AreaLevel;
  parent?: string;
  /** Include outlines (default true). */
  geometry?: boolean;
  /** Simplification tolerance in degrees (EPSG:4326); 0 or absent keeps full detail. */
  simplify?: number;
}

/** Current versions of areas inside the scope (and its ancestors), filtered by level and parent, ordered by code. */
export async function listAreas(db: Queryable, scope: Scope, f: ListAreasFilter): Promise<AreaRow[]> {
  const params: unknown[] = [f.level ?? null, f.parent ?? null, f.geometry ?? true, f.simplify ?? 0];
  const inScope = scopeSqlWithAncestors(scope, 'code', params);
  const r = await db.query<AreaRow>(
    `SELECT ${AREA_COLUMNS},
            CASE WHEN $3::boolean AND geom IS NOT NULL THEN
              ST_AsGeoJSON(CASE WHEN $4::float8 > 0 THEN ST_SimplifyPreserveTopology(geom, $4::float8) ELSE geom END, 7)::json
            END AS geometry
     FROM areas
     WHERE valid_to IS NULL
       AND ($1::text IS NULL OR level = $1::text)
       AND ($2::text IS NULL OR parent_code = $2::text)
       AND ${inScope}
     ORDER BY code`,
    params,
  );
  return r.rows;
}

/**
 * The current version of one area with its bbox and number of children; null when no
 * such code is current or it lies outside the scope (ancestors allowed); the two answer alike.
 */
export async function getArea(db: Queryable, scope: Scope, code: string): Promise<AreaDetailRow | null> {
  const r = await db.query<AreaDetailRow>(
    `SELECT ${AREA_COLUMNS},
            ST_AsGeoJSON(geom, 7)::json AS geometry,
            CASE WHEN geom IS NULL THEN NULL
                 ELSE ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] END AS bbox,
            (SELECT count(*)::int FROM areas c WHERE c.valid_to IS NULL AND c.parent_code = a.code) AS child_count
     FROM areas a
     WHERE valid_to IS NULL AND code = $1`,
    [code],
  );
  const row = r.rows[0];
  if (!row || (!scopeCovers(scope, code) && !isAncestorOfScope(scope, code))) return null;
  return row;
}

/** The current ancestors of an area and the area itself, from the city down; empty when not found. */
export async function getAreaPath(db: Queryable, code: string): Promise<AreaPathRow[]> {
  const r = await db.query<AreaPathRow & { depth: number }>(
    `WITH RECURSIVE up AS (
       SELECT code, name, level, parent_code, 0 AS depth FROM areas WHERE valid_to IS NULL AND code = $1
       UNION ALL
       SELECT a.code, a.name, a.level, a.parent_code, up.depth + 1
       FROM areas a JOIN up ON a.code = up.parent_code
       WHERE a.valid_to IS NULL AND up.depth < 5
     )
     SELECT code, name, level, depth FROM up ORDER BY depth DESC`,
    [code],
  );
  return r.rows.map(({ code: c, name, level }) => ({ code: c, name, level }));
}

/**
 * The current areas containing a point (lon/lat, EPSG:4326), from the city down, as
 * far as the scope reaches. The `&&` test against the point in the column's SRID lets
 * the GiST index pick the candidates.
 */
export async function findAreasAtPoint(
  db: Queryable,
  scope: Scope,
  lon: number,
  lat: number,
): Promise<AreaPathRow[]> {
  const params: unknown[] = [lon, lat];
  const inScope = scopeSqlWithAncestors(scope, 'code', params);
  const r = await db.query<AreaPathRow>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS pt)
     SELECT code, name, level FROM areas, p
     WHERE valid_to IS NULL AND geom && p.pt AND ST_Intersects(geom, p.pt) AND ${inScope}
     ORDER BY length(code)`,
    params,
  );
  return r.rows;
}
