import { scopeSqlWithAncestors, scopeSql, type Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

/** Weight of a risk source by level for the risk index: 重大 8, 较大 4, 一般 2, 低 1. */
export const RISK_LEVEL_WEIGHTS = [8, 4, 2, 1] as const;

export interface AreaStatsRow {
  code: string;
  name: string;
  population: number | null;
  open_incidents: number;
  risk_sources: number;
  risk_index: number;
}

/**
 * Per town or village (current versions inside the scope): open incidents, risk
 * sources and the level-weighted risk index. Points are attributed by their area
 * codes, so the sums need no spatial join.
 */
export async function areaStats(
  db: Queryable,
  scope: Scope,
  level: 'town' | 'village',
): Promise<AreaStatsRow[]> {
  const len = level === 'town' ? 9 : 12;
  const col = level === 'town' ? 'town_code' : 'village_code';
  const params: unknown[] = [level];
  const inScope = scopeSqlWithAncestors(scope, 'a.code', params);
  const incScope = scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params);
  const rsScope = scopeSql(scope, 'coalesce(r.grid_code, r.village_code, r.town_code)', params);
  const r = await db.query<AreaStatsRow>(
    `WITH inc AS (
       SELECT left(i.${col}, ${len}) AS code, count(*)::int AS n FROM incidents i
       WHERE i.status NOT IN ('closed', 'rejected', 'merged') AND i.${col} IS NOT NULL AND ${incScope} GROUP BY 1
     ), rs AS (
       SELECT r.${col} AS code, count(*)::int AS n,
              sum(CASE r.level WHEN 1 THEN ${RISK_LEVEL_WEIGHTS[0]} WHEN 2 THEN ${RISK_LEVEL_WEIGHTS[1]}
                               WHEN 3 THEN ${RISK_LEVEL_WEIGHTS[2]} ELSE ${RISK_LEVEL_WEIGHTS[3]} END)::int AS w
       FROM risk_sources r WHERE r.${col} IS NOT NULL AND ${rsScope} GROUP BY 1
     )
     SELECT a.code, a.name, a.population, coalesce(inc.n, 0) AS open_incidents,
            coalesce(rs.n, 0) AS risk_sources, coalesce(rs.w, 0) AS risk_index
     FROM areas a LEFT JOIN inc ON inc.code = a.code LEFT JOIN rs ON rs.code = a.code
     WHERE a.valid_to IS NULL AND a.level = $1 AND a.geom IS NOT NULL AND ${inScope}
     ORDER BY a.code`,
    params,
  );
  return r.rows;
}
