import { RoadGraph } from '../lib/road-graph.ts';
import type { Database } from './database.ts';

const graphs = new WeakMap<Database, Promise<RoadGraph>>();

/**
 * The road network of a database as an in-process graph (api/lib/road-graph.ts), read
 * once and kept; `reloadRoadGraph` forgets it after road_edges or road_nodes change.
 * Coordinates are WGS84 (EPSG:4326), as stored.
 */
export function roadGraph(db: Database): Promise<RoadGraph> {
  let g = graphs.get(db);
  if (!g) {
    g = (async () => {
      const nodes = await db.query<{ id: number; lon: number; lat: number }>(
        'SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM road_nodes ORDER BY id',
      );
      const edges = await db.query<{
        source: number;
        target: number;
        lengthM: number;
        speedKmh: number;
        oneway: boolean;
      }>(
        `SELECT source, target, length_m AS "lengthM", speed_kmh AS "speedKmh", oneway FROM road_edges ORDER BY id`,
      );
      return new RoadGraph(nodes.rows, edges.rows);
    })();
    // a failed read is not kept: the next call tries again
    g.catch(() => graphs.delete(db));
    graphs.set(db, g);
  }
  return g;
}

/** Forgets the loaded graph (after the road network changed). */
export function reloadRoadGraph(db: Database): void {
  graphs.delete(db);
}
