import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scopeSql, type Scope } from '../auth/scope.ts';
import {
  CoverageGrid,
  type CellSelection,
  type GridSpec,
  type MultiPolygonGeometry,
} from '../lib/coverage-grid.ts';
import { ACCESS_SPEED_MS, type RoadGraph, type RoadSearch } from '../lib/road-graph.ts';
import type { Database } from './database.ts';
import { roadGraph } from './road-repository.ts';
import { getTeam } from './team-repository.ts';

/**
 * How far the time left at a node reaches off the road network: on foot or by lane at
 * ACCESS_SPEED_MS, at most this many metres (beyond that a place is not "reached").
 */
const MAX_REACH_M = 400;

const CELL_OUTLINE_SQL = readFileSync(fileURLToPath(new URL('./cell-outline.sql', import.meta.url)), 'utf8');

/** Patches and holes of fewer cells than this are speckles: left out of the outline. */
const SPECK_CELLS = 4;

/** The staircase of cell edges is simplified within this fraction of a cell. */
const SIMPLIFY_CELLS = 0.75;

/**
 * The selected cells of a grid as the map draws them: one polygon per connected patch (holes
 * kept), the cell staircase simplified within SIMPLIFY_CELLS of a cell. Speckles are first
 * removed from the grid itself (see CoverageGrid.despeckle), so the areas reported, which are
 * those of the cells, describe the same shapes (hence the grid's marks change).
 */
export async function cellOutline(
  db: Database,
  grid: CoverageGrid,
  selection: CellSelection = {},
): Promise<MultiPolygonGeometry> {
  grid.despeckle(SPECK_CELLS, selection);
  const cells = grid.toMultiPolygon(selection);
  if (cells.coordinates.length === 0) return cells;
  const tolerance = SIMPLIFY_CELLS * Math.min(grid.cellWidthDeg, grid.cellHeightDeg);
  const r = await db.query<{ geojson: string | null }>(CELL_OUTLINE_SQL, [JSON.stringify(cells), tolerance]);
  const geojson = r.rows[0]?.geojson;
  if (!geojson) return { type: 'MultiPolygon', coordinates: [] };
  return JSON.parse(geojson) as MultiPolygonGeometry;
}

/**
 * Marks the places reached within `limitS`: along every road travelled (sampled about once a
 * cell, so the reach follows the road rather than beading at its nodes) and around every
 * settled node, the time left spent at access speed.
 */
function markReached(
  grid: CoverageGrid,
  graph: RoadGraph,
  search: RoadSearch,
  limitS: number,
  cellM: number,
): void {
  const reach = (timeS: number) => Math.min(MAX_REACH_M, (limitS - timeS) * ACCESS_SPEED_MS);
  for (let v = 0; v < graph.n; v++) {
    const t = search.timeS[v]!;
    if (!(t <= limitS)) continue;
    const lon = graph.lon[v]!;
    const lat = graph.lat[v]!;
    grid.markDisc(lon, lat, reach(t));
    graph.forEachEdgeFrom(v, (to, edgeS, lengthM) => {
      const steps = Math.ceil(lengthM / cellM);
      for (let k = 1; k < steps; k++) {
        const f = k / steps;
        const at = t + f * edgeS;
        if (at > limitS) break;
        grid.markDisc(lon + f * (graph.lon[to]! - lon), lat + f * (graph.lat[to]! - lat), reach(at));
      }
    });
  }
}

export interface Isochrone {
  minutes: number;
  geometry: MultiPolygonGeometry;
  areaKm2: number;
}

/**
 * Where a team can be within each of `minutes` (ascending) by road from its last fix:
 * one search from the team outward, settled to the largest limit, then the places
 * within each limit (cells of `cellM` metres) as polygons. Null when the team does not
 * exist; an empty list when it has no position.
 */
export async function teamIsochrones(
  db: Database,
  scope: Scope,
  teamId: number,
  minutes: number[],
  cellM = 100,
): Promise<{ lon: number; lat: number; isochrones: Isochrone[] } | null> {
  const team = await getTeam(db, scope, teamId);
  if (!team) return null;
  if (team.lon === null || team.lat === null) return { lon: NaN, lat: NaN, isochrones: [] };
  const graph = await roadGraph(db);
  const snap = graph.nearestNode(team.lon, team.lat);
  if (!snap) return { lon: team.lon, lat: team.lat, isochrones: [] };
  const limits = [...minutes].sort((a, b) => a - b);
  const maxS = limits[limits.length - 1]! * 60;
  const search = graph.searchFrom([{ node: snap.node, timeS: snap.distanceM / ACCESS_SPEED_MS }]);
  search.settleWithin(maxS);
  // the box of everything reached, plus the reach around it
  let [w, s, e, n] = [team.lon, team.lat, team.lon, team.lat];
  for (let v = 0; v < graph.n; v++) {
    if (search.timeS[v]! <= maxS) {
      w = Math.min(w, graph.lon[v]!);
      e = Math.max(e, graph.lon[v]!);
      s = Math.min(s, graph.lat[v]!);
      n = Math.max(n, graph.lat[v]!);
    }
  }
  const pad = MAX_REACH_M / 100_000 + 0.001;
  const grid = new CoverageGrid({ west: w - pad, south: s - pad, east: e + pad, north: n + pad, cellM });
  const isochrones: Isochrone[] = [];
  for (const m of limits) {
    grid.clear();
    const limitS = m * 60;
    grid.markDisc(team.lon, team.lat, Math.min(MAX_REACH_M, limitS * ACCESS_SPEED_MS));
    markReached(grid, graph, search, limitS, cellM);
    const geometry = await cellOutline(db, grid);
    isochrones.push({ minutes: m, geometry, areaKm2: grid.areaM2() / 1e6 });
  }
  return { lon: team.lon, lat: team.lat, isochrones };
}

interface CityMask {
  spec: GridSpec;
  mask: Uint8Array;
}
const masks = new WeakMap<Database, Map<number, Promise<CityMask>>>();

/**
 * The cells of the city (inside a town outline, speckles removed), for one cell size; read once
 * per database.
 */
function cityMask(db: Database, cellM: number): Promise<CityMask> {
  let byCell = masks.get(db);
  if (!byCell) masks.set(db, (byCell = new Map()));
  let m = byCell.get(cellM);
  if (!m) {
    m = (async () => {
      const r = await db.query<{ geojson: string }>(
        `SELECT ST_AsGeoJSON(geom) AS geojson FROM areas WHERE level = 'town' AND valid_to IS NULL AND geom IS NOT NULL`,
      );
      const polygons = r.rows.flatMap((row) => {
        const g = JSON.parse(row.geojson) as { type: string; coordinates: number[][][][] | number[][][] };
        return g.type === 'Polygon' ? [g.coordinates as number[][][]] : (g.coordinates as number[][][][]);
      });
      let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const p of polygons) {
        for (const [x, y] of p[0]!) {
          w = Math.min(w, x!);
          e = Math.max(e, x!);
          s = Math.min(s, y!);
          n = Math.max(n, y!);
        }
      }
      const spec = { west: w, south: s, east: e, north: n, cellM };
      const grid = new CoverageGrid(spec);
      grid.markPolygons(polygons);
      // the city without speckles, as its uncovered part is drawn
      grid.despeckle(SPECK_CELLS);
      return { spec, mask: grid.snapshot() };
    })();
    m.catch(() => byCell.delete(cellM));
    byCell.set(cellM, m);
  }
  return m;
}

export interface Coverage {
  minutes: number;
  teams: number;
  /** Parts of the city no matching team reaches within `minutes` (响应盲区). */
  uncovered: MultiPolygonGeometry;
  uncoveredKm2: number;
  cityKm2: number;
}

/**
 * The places of the city (or of one area) that no available, on-duty team with a fresh
 * position (and, if given, the capability) reaches by road within `minutes`: one search
 * outward from all those teams at once, cells of `cellM` metres.
 */
export async function coverage(
  db: Database,
  scope: Scope,
  o: { minutes: number; capability?: string; fixMaxAgeS: number; cellM?: number; now?: Date },
): Promise<Coverage> {
  const cellM = o.cellM ?? 250;
  const { spec, mask } = await cityMask(db, cellM);
  const params: unknown[] = [new Date((o.now ?? new Date()).getTime() - o.fixMaxAgeS * 1000)];
  const where = [
    `status = 'available'`,
    'on_duty',
    'position_at >= $1',
    scopeSql(scope, `coalesce(home_area_code, '')`, params),
  ];
  if (o.capability) {
    params.push(o.capability);
    where.push(`$${params.length} = ANY (capabilities)`);
  }
  const teams = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM teams WHERE ${where.join(' AND ')}`,
    params,
  );
  const graph = await roadGraph(db);
  const limitS = o.minutes * 60;
  // the same spec as the mask's, hence the same cells
  const local = new CoverageGrid(spec);
  const origins = teams.rows.flatMap((t) => {
    local.markDisc(t.lon, t.lat, Math.min(MAX_REACH_M, limitS * ACCESS_SPEED_MS));
    const snap = graph.nearestNode(t.lon, t.lat);
    return snap ? [{ node: snap.node, timeS: snap.distanceM / ACCESS_SPEED_MS }] : [];
  });
  const search = graph.searchFrom(origins);
  search.settleWithin(limitS);
  markReached(local, graph, search, limitS, cellM);
  const uncovered = await cellOutline(db, local, { invert: true, mask });
  return {
    minutes: o.minutes,
    teams: teams.rows.length,
    uncovered,
    uncoveredKm2: local.areaM2({ invert: true, mask }) / 1e6,
    cityKm2: (local.areaM2({ mask, invert: true }) + local.areaM2({ mask })) / 1e6,
  };
}
