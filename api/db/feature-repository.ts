import type { LayerId } from '../schemas/layers.ts';
import { scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

/** The filters a layer may accept as query parameters. */
export type FilterName = 'kind' | 'level' | 'status' | 'town' | 'from' | 'to';

interface LayerDef {
  table: string;
  nameZh: string;
  nameEn: string;
  geometry: 'point' | 'mixed';
  /** Column joined to categories for the kind name, and the category kind; null for layers without categories. */
  kindColumn: string | null;
  categoryKind?: string;
  /** camelCase property → SQL expression over `t` (the layer) and `c` (its category). */
  properties: Record<string, string>;
  /** The area code that places a feature in a scope (its smallest known area). */
  areaExpr: string;
  /** Filter → SQL condition with `$?` standing for the parameter. */
  filters: Partial<Record<FilterName, string>>;
}

const AREA_PROPS = { townCode: 't.town_code', villageCode: 't.village_code', gridCode: 't.grid_code' };
const TOWN_FILTER = 't.town_code = $?';
const AREA_EXPR = 'coalesce(t.grid_code, t.village_code, t.town_code)';

/**
 * The allow-list every layer query is built from: table names, columns and filter
 * conditions come only from here, never from the request.
 */
export const LAYERS: Record<LayerId, LayerDef> = {
  sites: {
    table: 'sites',
    nameZh: '重点场所',
    nameEn: 'Key sites',
    geometry: 'point',
    kindColumn: 'kind',
    categoryKind: 'site',
    properties: {
      name: 't.name',
      kind: 't.kind',
      kindName: 'c.name_zh',
      kindNameEn: 'c.name_en',
      address: 't.address',
      ...AREA_PROPS,
    },
    areaExpr: AREA_EXPR,
    filters: { kind: 't.kind = $?', town: TOWN_FILTER },
  },
  components: {
    table: 'components',
    nameZh: '城市部件',
    nameEn: 'City components',
    geometry: 'point',
    kindColumn: 'kind',
    categoryKind: 'component',
    properties: {
      code: 't.code',
      kind: 't.kind',
      kindName: 'c.name_zh',
      kindNameEn: 'c.name_en',
      status: 't.status',
      ...AREA_PROPS,
    },
    areaExpr: AREA_EXPR,
    filters: { kind: '(t.kind = $? OR c.parent_code = $?)', status: 't.status = $?', town: TOWN_FILTER },
  },
  risk_sources: {
    table: 'risk_sources',
    nameZh: '风险源',
    nameEn: 'Risk sources',
    geometry: 'mixed',
    kindColumn: 'kind',
    categoryKind: 'risk_source',
    properties: {
      name: 't.name',
      kind: 't.kind',
      kindName: 'c.name_zh',
      kindNameEn: 'c.name_en',
      level: 't.level',
      impactRadiusM: 't.impact_radius_m',
      ...AREA_PROPS,
    },
    areaExpr: AREA_EXPR,
    filters: { kind: 't.kind = $?', level: 't.level = $?::smallint', town: TOWN_FILTER },
  },
  cameras: {
    table: 'cameras',
    nameZh: '视频监控',
    nameEn: 'Cameras',
    geometry: 'point',
    kindColumn: null,
    properties: { code: 't.code', name: 't.name', ...AREA_PROPS },
    areaExpr: AREA_EXPR,
    filters: { town: TOWN_FILTER },
  },
  teams: {
    table: 'teams',
    nameZh: '治理力量',
    nameEn: 'Response teams',
    geometry: 'point',
    kindColumn: null,
    properties: {
      name: 't.name',
      kind: 't.kind',
      status: 't.status',
      onDuty: 't.on_duty',
      capabilities: 't.capabilities',
      positionAt: 't.position_at',
      homeAreaCode: 't.home_area_code',
    },
    areaExpr: 't.home_area_code',
    filters: { kind: 't.kind = $?', status: 't.status = $?', town: 'left(t.home_area_code, 9) = $?' },
  },
  incidents: {
    table: 'incidents',
    nameZh: '事件',
    nameEn: 'Incidents',
    geometry: 'point',
    kindColumn: 'category',
    categoryKind: 'incident',
    properties: {
      category: 't.category',
      categoryName: 'c.name_zh',
      categoryNameEn: 'c.name_en',
      channel: 't.channel',
      status: 't.status',
      priority: 't.priority',
      description: 't.description',
      reportedAt: 't.reported_at',
      deadlineAt: 't.deadline_at',
      closedAt: 't.closed_at',
      ...AREA_PROPS,
    },
    areaExpr: AREA_EXPR,
    filters: {
      kind: '(t.category = $? OR c.parent_code = $?)',
      status: 't.status = $?',
      level: 't.priority = $?::smallint',
      town: TOWN_FILTER,
      from: 't.reported_at >= $?::timestamptz',
      to: 't.reported_at < $?::timestamptz',
    },
  },
};

/** Filters a layer accepts, for the layer list and for rejecting the others. */
export function layerFilters(layer: LayerId): FilterName[] {
  return Object.keys(LAYERS[layer].filters) as FilterName[];
}

export interface FeatureRow {
  id: number;
  /** The smallest area the feature lies in (scope checks); null outside all areas. */
  area_code: string | null;
  geometry: { type: string; coordinates: unknown[] };
  properties: Record<string, unknown>;
}

export interface FeatureFilter {
  /** [minLon, minLat, maxLon, maxLat] in EPSG:4326. */
  bbox?: [number, number, number, number];
  kind?: string;
  level?: number;
  status?: string;
  town?: string;
  /** Incidents reported at or after this time (ISO 8601). */
  from?: string;
  /** Incidents reported before this time (ISO 8601). */
  to?: string;
}

/** The conditions of a filtered layer query, with their parameters appended to `params`. */
function whereClause(def: LayerDef, scope: Scope, filter: FeatureFilter, params: unknown[]): string[] {
  const where: string[] = ['t.geom IS NOT NULL', scopeSql(scope, def.areaExpr, params)];
  if (filter.bbox) {
    params.push(...filter.bbox);
    const n = params.length;
    where.push(`t.geom && ST_MakeEnvelope($${n - 3}, $${n - 2}, $${n - 1}, $${n}, 4326)`);
  }
  for (const name of ['kind', 'level', 'status', 'town', 'from', 'to'] as const) {
    const value = filter[name];
    const cond = def.filters[name];
    if (value === undefined || !cond) continue;
    params.push(value);
    where.push(cond.replaceAll('$?', `$${params.length}`));
  }
  return where;
}

/**
 * One page of a layer's features in id order (a stable order, for paging clients such as
 * OGC API Features), with the number of all matching features. Same filters and scope
 * as listFeatures.
 */
export async function pageFeatures(
  db: Queryable,
  scope: Scope,
  layer: LayerId,
  filter: FeatureFilter,
  limit: number,
  offset: number,
): Promise<{ features: FeatureRow[]; numberMatched: number }> {
  const def = LAYERS[layer];
  const params: unknown[] = [];
  const where = whereClause(def, scope, filter, params).join(' AND ');
  const count = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${def.table} t WHERE ${where}`,
    params,
  );
  params.push(limit, offset);
  const r = await db.query<FeatureRow>(
    `${selectClause(def)} WHERE ${where} ORDER BY t.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { features: r.rows, numberMatched: count.rows[0]!.n };
}

/** The extent of a layer inside the scope: [minLon, minLat, maxLon, maxLat], null when empty. */
export async function layerExtent(
  db: Queryable,
  scope: Scope,
  layer: LayerId,
): Promise<[number, number, number, number] | null> {
  const def = LAYERS[layer];
  const params: unknown[] = [];
  const where = whereClause(def, scope, {}, params).join(' AND ');
  const r = await db.query<{ x0: number | null; y0: number; x1: number; y1: number }>(
    `SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
     FROM (SELECT ST_Extent(t.geom) AS e FROM ${def.table} t WHERE ${where}) s`,
    params,
  );
  const e = r.rows[0];
  return e && e.x0 !== null ? [e.x0, e.y0, e.x1, e.y1] : null;
}

/** The earliest report time of the incidents inside the scope (OGC temporal extent); null when none. */
export async function incidentsSince(db: Queryable, scope: Scope): Promise<Date | null> {
  const def = LAYERS.incidents;
  const params: unknown[] = [];
  const where = whereClause(def, scope, {}, params).join(' AND ');
  const r = await db.query<{ first: Date | null }>(
    `SELECT min(t.reported_at) AS first FROM ${def.table} t WHERE ${where}`,
    params,
  );
  return r.rows[0]?.first ?? null;
}

function selectClause(def: LayerDef): string {
  const props = Object.entries(def.properties)
    .map(([k, expr]) => `'${k}', ${expr}`)
    .join(', ');
  return `SELECT t.id, ST_AsGeoJSON(t.geom, 7)::json AS geometry, json_build_object(${props}) AS properties,
                 ${def.areaExpr} AS area_code
          FROM ${def.table} t${def.kindColumn ? ` LEFT JOIN categories c ON c.kind = '${def.categoryKind}' AND c.code = t.${def.kindColumn}` : ''}`;
}

/**
 * Features of a layer inside the scope, optionally inside a bbox and filtered; at most
 * `limit`, and `truncated` when more matched. The bbox test `geom && envelope` is in
 * the column's SRID (4326), so the GiST index answers it.
 */
export async function listFeatures(
  db: Queryable,
  scope: Scope,
  layer: LayerId,
  filter: FeatureFilter,
  limit: number,
): Promise<{ features: FeatureRow[]; truncated: boolean }> {
  const def = LAYERS[layer];
  const params: unknown[] = [];
  const where = whereClause(def, scope, filter, params);
  params.push(limit + 1);
  const r = await db.query<FeatureRow>(
    `${selectClause(def)} WHERE ${where.join(' AND ')} LIMIT $${params.length}`,
    params,
  );
  const truncated = r.rows.length > limit;
  return { features: truncated ? r.rows.slice(0, limit) : r.rows, truncated };
}

/** One feature of a layer by id; null when there is none or it lies outside the scope (the two answer alike). */
export async function getFeature(
  db: Queryable,
  scope: Scope,
  layer: LayerId,
  id: number,
): Promise<FeatureRow | null> {
  const r = await db.query<FeatureRow>(`${selectClause(LAYERS[layer])} WHERE t.id = $1`, [id]);
  const row = r.rows[0];
  if (!row || !scopeCovers(scope, row.area_code)) return null;
  return row;
}

/** Number of features of each layer inside the scope (exact counts). */
export async function countLayers(db: Queryable, scope: Scope): Promise<Record<LayerId, number>> {
  const ids = Object.keys(LAYERS) as LayerId[];
  const params: unknown[] = [];
  const r = await db.query<Record<LayerId, number>>(
    `SELECT ${ids
      .map(
        (id) =>
          `(SELECT count(*)::int FROM ${LAYERS[id].table} t WHERE t.geom IS NOT NULL AND ${scopeSql(scope, LAYERS[id].areaExpr, params)}) AS ${id}`,
      )
      .join(', ')}`,
    params,
  );
  const row = r.rows[0];
  if (!row) throw new Error('layer count query returned no row');
  return row;
}

export interface LinkedIncidentRow {
  id: number;
  category: string;
  category_name: string | null;
  status: string;
  priority: number;
  reported_at: Date;
  description: string;
  distance_m: number;
}

/**
 * Incidents linked to a feature: reported for it (a site's venue code) or within
 * `radius` metres of it, newest first, inside the scope. The caller has already read
 * the feature (so it is in scope).
 */
export async function linkedIncidents(
  db: Queryable,
  scope: Scope,
  layer: LayerId,
  id: number,
  radius: number,
  limit: number,
): Promise<LinkedIncidentRow[]> {
  const def = LAYERS[layer];
  const params: unknown[] = [id, radius, limit, layer === 'sites' ? id : null];
  const r = await db.query<LinkedIncidentRow>(
    `WITH f AS (SELECT ST_PointOnSurface(geom) AS pt FROM ${def.table} WHERE id = $1)
     SELECT i.id, i.category, c.name_zh AS category_name, i.status, i.priority, i.reported_at, i.description,
            ST_Distance(i.geom::geography, f.pt::geography) AS distance_m
     FROM f, incidents i LEFT JOIN categories c ON c.kind = 'incident' AND c.code = i.category
     WHERE (i.site_id = $4 OR (i.geom && ST_Expand(f.pt, $2 / 100000.0) AND ST_DWithin(i.geom::geography, f.pt::geography, $2)))
       AND ${scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params)}
       ${layer === 'incidents' ? 'AND i.id <> $1' : ''}
     ORDER BY i.reported_at DESC LIMIT $3`,
    params,
  );
  return r.rows;
}
