import { scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

export interface AroundRiskSourceRow {
  id: number;
  name: string;
  kind: string;
  kind_name: string | null;
  level: number;
  impact_radius_m: number;
  distance_m: number;
  lon: number;
  lat: number;
}
export interface AroundSiteRow {
  id: number;
  name: string;
  kind: string;
  kind_name: string | null;
  distance_m: number;
  lon: number;
  lat: number;
}
export interface AroundTeamRow {
  id: number;
  name: string;
  kind: string;
  status: string;
  on_duty: boolean;
  distance_m: number;
  lon: number;
  lat: number;
}

/**
 * A bbox in EPSG:4326 degrees that surely contains the circle of `radius` metres
 * around lon/lat, so `geom && box` lets the GiST index pick candidates before the
 * exact geodesic distance test.
 */
export function circleBBox(lon: number, lat: number, radius: number): [number, number, number, number] {
  const dLat = (radius / 110_574) * 1.01;
  const dLon = (radius / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)))) * 1.01;
  return [lon - dLon, lat - dLat, lon + dLon, lat + dLat];
}

const near = (alias: string) =>
  `${alias}.geom && ST_MakeEnvelope($3, $4, $5, $6, 4326)
   AND ST_DWithin(${alias}.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $7)`;
const dist = (alias: string) =>
  `ST_Distance(${alias}.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)`;

/**
 * Everything within `radius` metres of a point (EPSG:4326), inside the scope: risk
 * sources (nearest first within level), key sites and teams, each with its geodesic
 * distance in metres. At most `limit` of each.
 */
export async function around(
  db: Queryable,
  scope: Scope,
  lon: number,
  lat: number,
  radius: number,
  limit: number,
): Promise<{ riskSources: AroundRiskSourceRow[]; sites: AroundSiteRow[]; teams: AroundTeamRow[] }> {
  const base = [lon, lat, ...circleBBox(lon, lat, radius), radius, limit];
  const p1 = [...base];
  const p2 = [...base];
  const p3 = [...base];
  // Three independent reads: on a server they run side by side on separate connections.
  const [rs, sites, teams] = await Promise.all([
    db.query<AroundRiskSourceRow>(
      `SELECT r.id, r.name, r.kind, c.name_zh AS kind_name, r.level, r.impact_radius_m, ${dist('r')} AS distance_m,
            ST_X(ST_PointOnSurface(r.geom)) AS lon, ST_Y(ST_PointOnSurface(r.geom)) AS lat
     FROM risk_sources r LEFT JOIN categories c ON c.kind = 'risk_source' AND c.code = r.kind
     WHERE ${near('r')} AND ${scopeSql(scope, 'coalesce(r.grid_code, r.village_code, r.town_code)', p1)}
     ORDER BY r.level, distance_m LIMIT $8`,
      p1,
    ),
    db.query<AroundSiteRow>(
      `SELECT s.id, s.name, s.kind, c.name_zh AS kind_name, ${dist('s')} AS distance_m, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
     FROM sites s LEFT JOIN categories c ON c.kind = 'site' AND c.code = s.kind
     WHERE ${near('s')} AND ${scopeSql(scope, 'coalesce(s.grid_code, s.village_code, s.town_code)', p2)}
     ORDER BY distance_m LIMIT $8`,
      p2,
    ),
    db.query<AroundTeamRow>(
      `SELECT t.id, t.name, t.kind, t.status, t.on_duty, ${dist('t')} AS distance_m, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat
     FROM teams t
     WHERE ${near('t')} AND ${scopeSql(scope, 't.home_area_code', p3)}
     ORDER BY distance_m LIMIT $8`,
      p3,
    ),
  ]);
  return { riskSources: rs.rows, sites: sites.rows, teams: teams.rows };
}

export interface ExposureRow {
  source: { id: number; name: string; level: number; impact_radius_m: number; lon: number; lat: number };
  sites: AroundSiteRow[];
}

/**
 * The key sites inside a risk source's impact radius (schools near a hazardous-chemicals
 * site); null when there is no such risk source or it lies outside the scope.
 */
export async function exposedSites(
  db: Queryable,
  scope: Scope,
  id: number,
  limit: number,
): Promise<ExposureRow | null> {
  const src = await db.query<ExposureRow['source'] & { area_code: string | null }>(
    `SELECT id, name, level, impact_radius_m, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat,
            coalesce(grid_code, village_code, town_code) AS area_code
     FROM risk_sources WHERE id = $1`,
    [id],
  );
  const s = src.rows[0];
  // outside the caller's area answers as missing: an id reveals nothing
  if (!s || !scopeCovers(scope, s.area_code)) return null;
  const { sites } = await around(db, scope, s.lon, s.lat, s.impact_radius_m, limit);
  const { area_code: _a, ...source } = s;
  return { source, sites };
}
