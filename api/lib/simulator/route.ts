/**
 * Following roads: a route is a polyline with the distance run at each vertex; a team on it
 * at speed v after t seconds is at distance v·t along it. Routes come from the in-process
 * road graph (api/lib/road-graph.ts), the same fastest paths dispatch shows.
 */
import { metres } from '../geo.ts';
import type { RoadGraph } from '../road-graph.ts';

export type LonLat = readonly [number, number];

export interface Route {
  points: readonly LonLat[];
  /** Metres from the start to each point. */
  cum: readonly number[];
  lengthM: number;
}

/** A route through `points` (consecutive repeats dropped). */
export function makeRoute(points: readonly LonLat[]): Route {
  const pts: LonLat[] = [];
  for (const p of points) {
    const last = pts[pts.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
  }
  const cum = [0];
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    cum.push(cum[i - 1]! + metres(a[0], a[1], b[0], b[1]));
  }
  return { points: pts, cum, lengthM: cum[cum.length - 1] ?? 0 };
}

/** The point `distanceM` along a route (its ends beyond them). */
export function pointAt(route: Route, distanceM: number): LonLat {
  const { points, cum } = route;
  if (points.length === 0) throw new Error('empty route');
  if (distanceM <= 0) return points[0]!;
  if (distanceM >= route.lengthM) return points[points.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! <= distanceM) lo = mid;
    else hi = mid;
  }
  const a = points[lo]!;
  const b = points[hi]!;
  const f = (distanceM - cum[lo]!) / (cum[hi]! - cum[lo]! || 1);
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/**
 * The fastest road route between two points: straight to the nearest node, along the
 * network, straight to the end (as dispatch's candidate routes). A straight line when the
 * graph is empty or does not connect them.
 */
export function roadRoute(graph: RoadGraph, from: LonLat, to: LonLat): Route {
  const a = graph.nearestNode(from[0], from[1]);
  const b = graph.nearestNode(to[0], to[1]);
  if (!a || !b) return makeRoute([from, to]);
  const search = graph.searchToward([{ node: b.node, timeS: 0 }]);
  if (search.timeTo(a.node) === Infinity) return makeRoute([from, to]);
  return makeRoute([from, ...search.pathFrom(a.node).map((v) => graph.coordinates(v)), to]);
}

/**
 * A patrol leg from `from` to a road node within `radiusM` of the team's base `anchor`
 * (a few draws of a point near the base, each snapped to its nearest node); null when no
 * other node lies that near (the team then stays where it is).
 */
export function patrolLeg(
  graph: RoadGraph,
  from: LonLat,
  anchor: LonLat,
  radiusM: number,
  random: () => number,
): Route | null {
  const here = graph.nearestNode(from[0], from[1]);
  if (!here || radiusM <= 0) return null;
  const k = Math.cos((anchor[1] * Math.PI) / 180);
  for (let attempt = 0; attempt < 8; attempt++) {
    const r = radiusM * Math.sqrt(random());
    const angle = 2 * Math.PI * random();
    const lon = anchor[0] + (r * Math.cos(angle)) / (111_320 * k);
    const lat = anchor[1] + (r * Math.sin(angle)) / 110_574;
    const stop = graph.nearestNode(lon, lat);
    if (!stop || stop.node === here.node) continue;
    const [x, y] = graph.coordinates(stop.node);
    if (metres(x, y, anchor[0], anchor[1]) > radiusM + 500) continue;
    return roadRoute(graph, from, [x, y]);
  }
  return null;
}
