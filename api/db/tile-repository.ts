import { isCityWide, scopePrefixes, scopeSql, scopeSqlWithAncestors, type Scope } from '../auth/scope.ts';
import { encodeTile, type TileFeature, type TileLayer, type TileValue } from '../lib/mvt-encoder.ts';
import {
  BUFFER,
  EXTENT,
  POINT_RAW_ZOOM,
  tileBBox4326,
  tileEnvelope,
  type TileAddress,
} from '../lib/tiles.ts';
import type { LayerId } from '../schemas/layers.ts';
import type { Database, Queryable } from './database.ts';
import { LAYERS } from './feature-repository.ts';

/** Layers served as vector tiles: the point layers and the area outlines. */
export type TileLayerId = LayerId | 'areas';

export interface TileFilter {
  kind?: string;
  level?: number;
  status?: string;
  town?: string;
}

interface PointTileDef {
  /** From this zoom on, tiles carry every point; below, counts per cell (tile_cells). */
  rawMinZoom: number;
  /** Properties of raw points: name → SQL over `t`. Kept short: details come from the feature API. */
  props: Record<string, string>;
  /** What the `level` column of tile_cells means for the layer, shown on clusters. */
  clusterLevel?: 'level' | 'priority';
  /** Most points one raw tile may carry (a guard; raw zooms are chosen so it is not reached). */
  cap: number;
}

/** Tile settings per point layer; the raw zooms are api/lib/tiles.ts's POINT_RAW_ZOOM. */
export const POINT_TILES: Record<LayerId, PointTileDef> = {
  sites: { rawMinZoom: POINT_RAW_ZOOM.sites, props: { kind: 't.kind' }, cap: 20000 },
  components: {
    rawMinZoom: POINT_RAW_ZOOM.components,
    props: { kind: 't.kind', status: 't.status' },
    cap: 20000,
  },
  risk_sources: {
    rawMinZoom: POINT_RAW_ZOOM.risk_sources,
    props: { kind: 't.kind', level: 't.level', radius: 'round(t.impact_radius_m)::int' },
    clusterLevel: 'level',
    cap: 20000,
  },
  cameras: { rawMinZoom: POINT_RAW_ZOOM.cameras, props: {}, cap: 20000 },
  teams: {
    rawMinZoom: POINT_RAW_ZOOM.teams,
    // fix_at: epoch seconds of the last fix, so the map can mark stale positions
    props: {
      kind: 't.kind',
      status: 't.status',
      on_duty: 't.on_duty',
      fix_at: 'extract(epoch from t.position_at)::bigint',
    },
    cap: 20000,
  },
  incidents: {
    rawMinZoom: POINT_RAW_ZOOM.incidents,
    props: { category: 't.category', status: 't.status', priority: 't.priority' },
    clusterLevel: 'priority',
    cap: 20000,
  },
};

/** Area levels in the areas tile, from which zoom each appears. */
export const AREA_TILE_LEVELS = [
  { level: 'town', minZoom: 0 },
  { level: 'village', minZoom: 10 },
  { level: 'grid', minZoom: 12 },
] as const;

const CELL_ZOOM_MIN = 10;
const CELL_ZOOM_MAX = 18;
/** Cells per tile side: 16 × 16 cells of 256 tile units. */
const CELL_SHIFT = 4;

type Row = Record<string, unknown> & { px: number; py: number };

/** Turns rows with tile coordinates into an MVT layer (embedded engine). */
function pointLayer(name: string, rows: Row[], idKey: string | null, propKeys: string[]): TileLayer {
  const features: TileFeature[] = rows.map((r) => {
    const properties: Record<string, TileValue> = {};
    for (const k of propKeys) properties[k] = r[k] as TileValue;
    return {
      id: idKey ? (r[idKey] as number) : undefined,
      geometry: { type: 'Point', coordinates: [r.px, r.py] },
      properties,
    };
  });
  return { name, features, extent: EXTENT };
}

/**
 * Runs `selectSql` (rows with px, py in tile units and the given columns) and encodes
 * it as the one layer of a tile: with ST_AsMVT on PostgreSQL, in JS on the embedded engine.
 */
async function encodePoints(
  db: Database,
  layer: string,
  selectSql: string,
  params: unknown[],
  idKey: string | null,
  propKeys: string[],
): Promise<Uint8Array> {
  if (db.backend === 'postgres') {
    const cols = [...(idKey ? [idKey] : []), ...propKeys].map((c) => `q.${c}`).join(', ');
    const r = await db.query<{ mvt: Buffer | null }>(
      `SELECT ST_AsMVT(m, $${params.length + 1}, ${EXTENT}, 'geom'${idKey ? `, '${idKey}'` : ''}) AS mvt
       FROM (SELECT ${cols}${cols ? ', ' : ''}ST_MakePoint(q.px, q.py) AS geom FROM (${selectSql}) q) m`,
      [...params, layer],
    );
    return new Uint8Array(r.rows[0]?.mvt ?? new Uint8Array());
  }
  const r = await db.query<Row>(selectSql, params);
  return encodeTile([pointLayer(layer, r.rows, idKey, propKeys)]);
}

function filterSql(
  f: TileFilter,
  params: unknown[],
  cols: { kind: string; level: string; status: string; town: string },
) {
  const where: string[] = [];
  if (f.kind !== undefined) {
    params.push(f.kind);
    // a 2-digit 大类 code selects all its 4-digit 小类
    where.push(`left(${cols.kind}, length($${params.length})) = $${params.length}`);
  }
  if (f.level !== undefined) {
    params.push(f.level);
    where.push(`${cols.level} = $${params.length}::smallint`);
  }
  if (f.status !== undefined) {
    params.push(f.status);
    where.push(`${cols.status} = $${params.length}`);
  }
  if (f.town !== undefined) {
    params.push(f.town);
    where.push(`${cols.town} = $${params.length}`);
  }
  return where;
}

/** True when the scope can be expressed as town codes, which tile_cells carries. */
function townScoped(scope: Scope): boolean {
  return isCityWide(scope) || scopePrefixes(scope).every((p) => p.length === 9);
}

/**
 * One vector tile of a point layer, inside the scope and filtered. Below the layer's
 * raw zoom it holds one point per cell with `count`, read from tile_cells, when the
 * scope is the city or whole towns; from the raw zoom on, and for scopes smaller than
 * a town (a village or grid holds few points), it holds the points themselves. The bbox test `geom && envelope` is in the column's SRID (4326), so the
 * GiST index picks the candidates.
 */
export async function pointTile(
  db: Database,
  scope: Scope,
  layer: LayerId,
  t: TileAddress,
  f: TileFilter,
): Promise<Uint8Array> {
  const def = POINT_TILES[layer];
  const { minx, maxy, size } = tileEnvelope(t);
  const k = EXTENT / size;
  if (t.z < def.rawMinZoom && t.z + CELL_SHIFT <= CELL_ZOOM_MAX && townScoped(scope)) {
    const cz = Math.max(CELL_ZOOM_MIN, t.z + CELL_SHIFT);
    const shift = cz - (t.z + CELL_SHIFT);
    const span = 2 ** (cz - t.z);
    const params: unknown[] = [layer, cz, t.x * span, (t.x + 1) * span - 1, t.y * span, (t.y + 1) * span - 1];
    const where = filterSql(f, params, { kind: 'kind', level: 'level', status: 'status', town: 'town_code' });
    if (!isCityWide(scope)) {
      params.push(scopePrefixes(scope));
      where.push(`town_code = ANY ($${params.length}::text[])`);
    }
    const levelCol = def.clusterLevel ? `, min(NULLIF(level, 0))::int AS ${def.clusterLevel}` : '';
    params.push(minx, maxy, k);
    const n = params.length;
    const sql = `
      SELECT count::int AS count${def.clusterLevel ? `, ${def.clusterLevel}` : ''},
             round((mx - $${n - 2}) * $${n})::int AS px, round(($${n - 1} - my) * $${n})::int AS py
      FROM (
        SELECT sum(n) AS count, sum(sx) / sum(n) AS mx, sum(sy) / sum(n) AS my${levelCol}
        FROM (
          SELECT cx, cy, kind, status, level, town_code, n, sx, sy
          FROM tile_cells
          WHERE layer = $1 AND cz = $2 AND cx BETWEEN $3 AND $4 AND cy BETWEEN $5 AND $6
          UNION ALL
          -- changes not folded into tile_cells yet (migrations/0017): zoom-18 cells, shifted
          SELECT cx >> ${18 - cz}, cy >> ${18 - cz}, kind, status, level, town_code, n, sx, sy
          FROM tile_cell_deltas
          WHERE layer = $1 AND cx BETWEEN $3::int << ${18 - cz} AND (($4::int + 1) << ${18 - cz}) - 1
            AND cy BETWEEN $5::int << ${18 - cz} AND (($6::int + 1) << ${18 - cz}) - 1
        ) cells
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        GROUP BY cx >> ${shift}, cy >> ${shift}
      ) c
      WHERE count > 0`;
    return encodePoints(db, layer, sql, params, null, [
      'count',
      ...(def.clusterLevel ? [def.clusterLevel] : []),
    ]);
  }

  const ldef = LAYERS[layer];
  const params: unknown[] = [...tileBBox4326(t)];
  const where = [
    't.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)',
    scopeSql(scope, ldef.areaExpr, params),
    ...filterSql(f, params, {
      kind: layer === 'incidents' ? 't.category' : 't.kind',
      level: layer === 'incidents' ? 't.priority' : 't.level',
      status: 't.status',
      town: layer === 'teams' ? 'left(t.home_area_code, 9)' : 't.town_code',
    }),
  ];
  params.push(minx, maxy, k);
  const n = params.length;
  const props = Object.entries(def.props).map(([name, expr]) => `${expr} AS ${name}`);
  const point = layer === 'risk_sources' ? 'ST_PointOnSurface(t.geom)' : 't.geom';
  const sql = `
    SELECT t.id${props.map((p) => `, ${p}`).join('')},
           round((rm_merc_x(ST_X(${point})) - $${n - 2}) * $${n})::int AS px,
           round(($${n - 1} - rm_merc_y(ST_Y(${point}))) * $${n})::int AS py
    FROM ${ldef.table} t
    WHERE ${where.join(' AND ')}
    ORDER BY t.id
    LIMIT ${def.cap}`;
  return encodePoints(db, layer, sql, params, 'id', Object.keys(def.props));
}

/**
 * One vector tile of area outlines (layers town, village, grid by zoom) and their label
 * points (layer label), current versions inside the scope and its ancestors.
 */
export async function areaTile(db: Database, scope: Scope, t: TileAddress): Promise<Uint8Array> {
  const { minx, maxy, size } = tileEnvelope(t);
  const k = EXTENT / size;
  const levels = AREA_TILE_LEVELS.filter((l) => t.z >= l.minZoom).map((l) => l.level);
  const params: unknown[] = [...tileBBox4326(t), levels];
  const inScope = scopeSqlWithAncestors(scope, 'a.code', params);
  const base = `FROM areas a WHERE a.valid_to IS NULL AND a.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
                AND a.level = ANY ($5::text[]) AND ${inScope}`;
  // Simplify to a quarter of a tile unit before clipping: invisible, and far less work.
  const tol = size / EXTENT / 4;

  if (db.backend === 'postgres') {
    params.push(t.z, t.x, t.y);
    const n = params.length;
    const layerSql = (level: string) => `
      (SELECT ST_AsMVT(m, '${level}', ${EXTENT}, 'geom') FROM (
        SELECT a.code, a.name, ST_AsMVTGeom(ST_Simplify(ST_Transform(a.geom, 3857), ${tol}),
               ST_TileEnvelope($${n - 2}, $${n - 1}, $${n}), ${EXTENT}, ${BUFFER}, true) AS geom
        ${base} AND a.level = '${level}') m WHERE m.geom IS NOT NULL)`;
    const labelSql = `
      (SELECT ST_AsMVT(m, 'label', ${EXTENT}, 'geom') FROM (
        SELECT a.code, a.name, a.level, ST_AsMVTGeom(ST_Transform(a.label_point, 3857),
               ST_TileEnvelope($${n - 2}, $${n - 1}, $${n}), ${EXTENT}, 0, true) AS geom
        ${base}) m WHERE m.geom IS NOT NULL)`;
    const parts = [...levels.map(layerSql), labelSql];
    const r = await db.query<{ mvt: Buffer | null }>(
      `SELECT ${parts.map((p) => `coalesce(${p}, ''::bytea)`).join(' || ')} AS mvt`,
      params,
    );
    return new Uint8Array(r.rows[0]?.mvt ?? new Uint8Array());
  }

  params.push(minx, maxy, k, size);
  const n = params.length;
  const r = await db.query<{
    code: string;
    name: string;
    level: string;
    g: { type: string; coordinates: unknown } | null;
    lx: number | null;
    ly: number | null;
  }>(
    `WITH p AS (SELECT $${n - 3}::float8 AS minx, $${n - 2}::float8 AS maxy, $${n - 1}::float8 AS k, $${n}::float8 AS size)
     SELECT a.code, a.name, a.level,
            ST_AsGeoJSON(ST_SnapToGrid(ST_Affine(
              ST_ClipByBox2D(ST_Simplify(ST_Transform(a.geom, 3857), ${tol}),
                ST_MakeEnvelope(p.minx - p.size * ${BUFFER / EXTENT}, p.maxy - p.size * ${1 + BUFFER / EXTENT},
                                p.minx + p.size * ${1 + BUFFER / EXTENT}, p.maxy + p.size * ${BUFFER / EXTENT}, 3857)),
              p.k, 0, 0, -p.k, -p.minx * p.k, p.maxy * p.k), 1))::json AS g,
            round((rm_merc_x(ST_X(a.label_point)) - p.minx) * p.k)::int AS lx,
            round((p.maxy - rm_merc_y(ST_Y(a.label_point))) * p.k)::int AS ly
     FROM p, areas a WHERE a.valid_to IS NULL AND a.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
       AND a.level = ANY ($5::text[]) AND ${inScope}
     ORDER BY a.code`,
    params,
  );
  const byLevel = new Map<string, TileFeature[]>(levels.map((l) => [l, []]));
  const labels: TileFeature[] = [];
  for (const row of r.rows) {
    if (row.g && (row.g.type === 'Polygon' || row.g.type === 'MultiPolygon')) {
      byLevel.get(row.level)?.push({
        geometry: row.g as TileFeature['geometry'],
        properties: { code: row.code, name: row.name },
      });
    }
    if (
      row.lx !== null &&
      row.ly !== null &&
      row.lx >= 0 &&
      row.lx <= EXTENT &&
      row.ly >= 0 &&
      row.ly <= EXTENT
    ) {
      labels.push({
        geometry: { type: 'Point', coordinates: [row.lx, row.ly] },
        properties: { code: row.code, name: row.name, level: row.level },
      });
    }
  }
  return encodeTile([
    ...levels.map((l) => ({ name: l, features: byLevel.get(l) ?? [] })),
    { name: 'label', features: labels },
  ]);
}

/**
 * Moves up to `maxRows` pending tile-count changes (tile_cell_deltas, written by the triggers
 * of every point layer; migrations/0017) into tile_cells, every zoom at once; all of them when
 * `maxRows` is null. Answers how many were moved: 0 when none were pending. Tiles are right
 * before and after (they add the pending changes); folding keeps the pending ones few. Safe to
 * run from several processes, and inside a writing transaction (a bulk write folds its own).
 */
export async function foldTileCells(db: Queryable, maxRows: number | null = 20_000): Promise<number> {
  const r = await db.query<{ moved: number }>('SELECT tile_cells_fold($1) AS moved', [maxRows]);
  return r.rows[0]?.moved ?? 0;
}

/** Road classes in the basemap tile, from which zoom each is drawn (main roads first). */
export const ROAD_TILE_CLASSES = [
  { roadClass: 'expressway', minZoom: 11 },
  { roadClass: 'arterial', minZoom: 11 },
  { roadClass: 'secondary', minZoom: 12 },
  { roadClass: 'local', minZoom: 13 },
] as const;

/**
 * Place names in the basemap tile, from which zoom each level is carried, and its rank: the
 * label priority (1 is placed first when labels collide).
 */
export const PLACE_TILE_LEVELS = [
  { level: 'town', minZoom: 8, rank: 1 },
  { level: 'village', minZoom: 12, rank: 2 },
  { level: 'grid', minZoom: 14, rank: 3 },
] as const;

/** Lines and points decoded from tile-unit GeoJSON (embedded engine). */
function lineGeometry(g: { type: string; coordinates: unknown } | null): TileFeature['geometry'] | null {
  if (!g) return null;
  if (g.type === 'LineString') {
    const c = g.coordinates as [number, number][];
    return c.length >= 2 ? { type: 'LineString', coordinates: c } : null;
  }
  if (g.type === 'MultiLineString') {
    const c = (g.coordinates as [number, number][][]).filter((l) => l.length >= 2);
    return c.length > 0 ? { type: 'MultiLineString', coordinates: c } : null;
  }
  return null;
}

/**
 * One tile of the basemap's context: the road network (layer `road`, with `class` and its
 * `rank`, the main roads from zoom 11, every road from 13) and the place names (layer `place`:
 * the label points of the current towns, villages and grids with `name`, `level` and `rank`, by
 * zoom as PLACE_TILE_LEVELS says). The whole city, whoever asks: it is geography, drawn under
 * every map, the citizen's location picker included.
 */
export async function basemapTile(db: Database, t: TileAddress): Promise<Uint8Array> {
  const { minx, maxy, size } = tileEnvelope(t);
  const k = EXTENT / size;
  const classes = ROAD_TILE_CLASSES.filter((c) => t.z >= c.minZoom).map((c) => c.roadClass);
  const levels = PLACE_TILE_LEVELS.filter((l) => t.z >= l.minZoom);
  if (classes.length === 0 && levels.length === 0) return new Uint8Array();
  const roadRank = `array_position(ARRAY[${ROAD_TILE_CLASSES.map((c) => `'${c.roadClass}'`).join(', ')}]::text[], e.class)`;
  const placeRank = `CASE a.level ${PLACE_TILE_LEVELS.map((l) => `WHEN '${l.level}' THEN ${l.rank}`).join(' ')} END`;
  const params: unknown[] = [...tileBBox4326(t), classes, levels.map((l) => l.level)];
  const roadsFrom = `FROM road_edges e WHERE e.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND e.class = ANY ($5::text[])`;
  const placesFrom = `FROM areas a WHERE a.valid_to IS NULL AND a.label_point && ST_MakeEnvelope($1, $2, $3, $4, 4326)
                      AND a.level = ANY ($6::text[])`;
  // Roads are short straight edges: clipped, not simplified.
  if (db.backend === 'postgres') {
    params.push(t.z, t.x, t.y);
    const n = params.length;
    const env = `ST_TileEnvelope($${n - 2}, $${n - 1}, $${n})`;
    const r = await db.query<{ mvt: Buffer | null }>(
      `SELECT coalesce((SELECT ST_AsMVT(m, 'road', ${EXTENT}, 'geom') FROM (
                SELECT e.class, ${roadRank} AS rank,
                       ST_AsMVTGeom(ST_Transform(e.geom, 3857), ${env}, ${EXTENT}, ${BUFFER}, true) AS geom
                ${roadsFrom} ORDER BY e.id) m WHERE m.geom IS NOT NULL), ''::bytea)
           || coalesce((SELECT ST_AsMVT(m, 'place', ${EXTENT}, 'geom') FROM (
                SELECT a.name, a.level, ${placeRank} AS rank,
                       ST_AsMVTGeom(ST_Transform(a.label_point, 3857), ${env}, ${EXTENT}, 0, true) AS geom
                ${placesFrom} ORDER BY a.code) m WHERE m.geom IS NOT NULL), ''::bytea) AS mvt`,
      params,
    );
    return new Uint8Array(r.rows[0]?.mvt ?? new Uint8Array());
  }

  const bbox = tileBBox4326(t);
  const tileUnits = '(SELECT $6::float8 AS minx, $7::float8 AS maxy, $8::float8 AS k, $9::float8 AS size) p';
  const roads =
    classes.length === 0
      ? { rows: [] }
      : await db.query<{ class: string; rank: number; g: { type: string; coordinates: unknown } | null }>(
          `SELECT e.class, ${roadRank} AS rank,
                  ST_AsGeoJSON(ST_RemoveRepeatedPoints(ST_SnapToGrid(ST_Affine(
                    ST_ClipByBox2D(ST_Transform(e.geom, 3857),
                      ST_MakeEnvelope(p.minx - p.size * ${BUFFER / EXTENT}, p.maxy - p.size * ${1 + BUFFER / EXTENT},
                                      p.minx + p.size * ${1 + BUFFER / EXTENT}, p.maxy + p.size * ${BUFFER / EXTENT}, 3857)),
                    p.k, 0, 0, -p.k, -p.minx * p.k, p.maxy * p.k), 1)))::json AS g
           FROM ${tileUnits}, road_edges e
           WHERE e.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND e.class = ANY ($5::text[])
           ORDER BY e.id`,
          [...bbox, classes, minx, maxy, k, size],
        );
  const places =
    levels.length === 0
      ? { rows: [] }
      : await db.query<{ name: string; level: string; rank: number; lx: number; ly: number }>(
          `SELECT a.name, a.level, ${placeRank} AS rank,
                  round((rm_merc_x(ST_X(a.label_point)) - p.minx) * p.k)::int AS lx,
                  round((p.maxy - rm_merc_y(ST_Y(a.label_point))) * p.k)::int AS ly
           FROM ${tileUnits}, areas a
           WHERE a.valid_to IS NULL AND a.label_point && ST_MakeEnvelope($1, $2, $3, $4, 4326)
             AND a.level = ANY ($5::text[])
           ORDER BY a.code`,
          [...bbox, levels.map((l) => l.level), minx, maxy, k, size],
        );
  const roadFeatures: TileFeature[] = [];
  for (const row of roads.rows) {
    const geometry = lineGeometry(row.g);
    if (geometry) roadFeatures.push({ geometry, properties: { class: row.class, rank: row.rank } });
  }
  const placeFeatures: TileFeature[] = places.rows
    .filter((row) => row.lx >= 0 && row.lx <= EXTENT && row.ly >= 0 && row.ly <= EXTENT)
    .map((row) => ({
      geometry: { type: 'Point', coordinates: [row.lx, row.ly] },
      properties: { name: row.name, level: row.level, rank: row.rank },
    }));
  return encodeTile([
    ...(classes.length > 0 ? [{ name: 'road', features: roadFeatures }] : []),
    ...(levels.length > 0 ? [{ name: 'place', features: placeFeatures }] : []),
  ]);
}
