import { scopeSql, scopeSqlWithAncestors, type Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

export type SearchKind = 'area' | 'site' | 'risk_source' | 'team' | 'incident';

/** One search hit; lon/lat of its point (or label point), bbox for areas (EPSG:4326). */
export interface SearchRow {
  kind: SearchKind;
  id: string;
  label: string;
  detail: string | null;
  lon: number | null;
  lat: number | null;
  bbox: number[] | null;
  rank: number;
}

/** Escapes LIKE wildcards so user text matches literally. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Searches areas (name, code), key sites (name, address), risk sources, teams (name)
 * and incidents (number, description) inside the scope. Exact codes and numbers come
 * first, then names that start with the text, then the rest by trigram similarity.
 * Trigram GIN indexes answer the `ILIKE '%…%'` tests.
 */
export async function search(db: Queryable, scope: Scope, q: string, limit: number): Promise<SearchRow[]> {
  const params: unknown[] = [q, likePattern(q), limit];
  const areaScope = scopeSqlWithAncestors(scope, 'a.code', params);
  const siteScope = scopeSql(scope, 'coalesce(s.grid_code, s.village_code, s.town_code)', params);
  const rsScope = scopeSql(scope, 'coalesce(r.grid_code, r.village_code, r.town_code)', params);
  const teamScope = scopeSql(scope, 't.home_area_code', params);
  const incScope = scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params);
  const rank = (exact: string, text: string) =>
    `CASE WHEN ${exact} THEN 0 WHEN ${text} ILIKE $1 || '%' THEN 1 ELSE 2 - similarity(${text}, $1) END`;
  const r = await db.query<SearchRow>(
    `(SELECT 'area' AS kind, a.code AS id, a.name AS label, a.level || ' ' || a.code AS detail,
             ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat,
             ARRAY[ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)] AS bbox,
             ${rank('a.code = $1', 'a.name')} AS rank
      FROM areas a WHERE a.valid_to IS NULL AND a.geom IS NOT NULL AND (a.name ILIKE $2 OR a.code = $1) AND ${areaScope}
      ORDER BY rank, a.code LIMIT $3)
     UNION ALL
     (SELECT 'site', s.id::text, s.name, s.address, ST_X(s.geom), ST_Y(s.geom), NULL, ${rank('s.id::text = $1', 's.name')}
      FROM sites s WHERE (s.name ILIKE $2 OR s.address ILIKE $2) AND ${siteScope}
      ORDER BY 8, s.id LIMIT $3)
     UNION ALL
     (SELECT 'risk_source', r.id::text, r.name, 'level ' || r.level, ST_X(ST_PointOnSurface(r.geom)), ST_Y(ST_PointOnSurface(r.geom)), NULL,
             ${rank('r.id::text = $1', 'r.name')}
      FROM risk_sources r WHERE r.name ILIKE $2 AND ${rsScope}
      ORDER BY 8, r.id LIMIT $3)
     UNION ALL
     (SELECT 'team', t.id::text, t.name, t.kind || ' · ' || t.status, ST_X(t.geom), ST_Y(t.geom), NULL, ${rank('t.id::text = $1', 't.name')}
      FROM teams t WHERE t.name ILIKE $2 AND ${teamScope}
      ORDER BY 8, t.id LIMIT $3)
     UNION ALL
     (SELECT 'incident', i.id::text, left(i.description, 60), i.category || ' · ' || i.status, ST_X(i.geom), ST_Y(i.geom), NULL,
             ${rank('i.id::text = $1', 'i.description')}
      FROM incidents i WHERE (i.id::text = $1 OR i.description ILIKE $2) AND ${incScope}
      ORDER BY 8, i.id DESC LIMIT $3)
     ORDER BY rank, kind, id
     LIMIT $3`,
    params,
  );
  return r.rows;
}
