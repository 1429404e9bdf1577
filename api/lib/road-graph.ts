/**
 * The road network in memory, for routing in-process on both database backends
 * (DESIGN.md §6): nodes and directed edges in compressed adjacency arrays, a forward
 * and a reverse copy, searched with Dijkstra over travel time (length / speed). A
 * two-way road is two directed edges; a one-way road (road_edges.oneway) only
 * source → target, as pgRouting reads the same table with reverse_cost = -1.
 *
 * Points off the network (a team, an incident) join it at their nearest node, covering
 * the gap in a straight line at ACCESS_SPEED_MS.
 */

import { M_PER_DEG_LON, metres } from './geo.ts';

export { metres };

/** Speed on the straight gap between a point and its nearest node, m/s (15 km/h: a lane, a yard). */
export const ACCESS_SPEED_MS = 15 / 3.6;

export interface RoadNodeInput {
  id: number;
  lon: number;
  lat: number;
}

export interface RoadEdgeInput {
  source: number;
  target: number;
  lengthM: number;
  speedKmh: number;
  oneway: boolean;
}

interface Adjacency {
  offset: Int32Array;
  to: Int32Array;
  timeS: Float64Array;
  lengthM: Float64Array;
}

function adjacency(
  n: number,
  from: Int32Array,
  to: Int32Array,
  time: Float64Array,
  len: Float64Array,
): Adjacency {
  const offset = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) offset[from[e]! + 1]!++;
  for (let v = 0; v < n; v++) offset[v + 1]! += offset[v]!;
  const fill = offset.slice(0, n);
  const t = new Int32Array(from.length);
  const ts = new Float64Array(from.length);
  const ls = new Float64Array(from.length);
  for (let e = 0; e < from.length; e++) {
    const k = fill[from[e]!]!++;
    t[k] = to[e]!;
    ts[k] = time[e]!;
    ls[k] = len[e]!;
  }
  return { offset, to: t, timeS: ts, lengthM: ls };
}

/** A binary min-heap of (key, node) on typed arrays; stale entries are skipped by the caller. */
class MinHeap {
  private keys: Float64Array;
  private nodes: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.nodes = new Int32Array(Math.max(16, capacity));
  }
  push(key: number, node: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      const n = new Int32Array(this.size * 2);
      n.set(this.nodes);
      this.keys = k;
      this.nodes = n;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= key) break;
      this.keys[i] = this.keys[p]!;
      this.nodes[i] = this.nodes[p]!;
      i = p;
    }
    this.keys[i] = key;
    this.nodes[i] = node;
  }
  peekKey(): number {
    return this.keys[0]!;
  }
  /** Removes the smallest entry and returns its node. */
  pop(): number {
    const top = this.nodes[0]!;
    const key = this.keys[--this.size]!;
    const node = this.nodes[this.size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.keys[c + 1]! < this.keys[c]!) c++;
      if (this.keys[c]! >= key) break;
      this.keys[i] = this.keys[c]!;
      this.nodes[i] = this.nodes[c]!;
      i = c;
    }
    this.keys[i] = key;
    this.nodes[i] = node;
    return top;
  }
}

/**
 * One Dijkstra search from (or, `toward`, to) a set of origin nodes, expanded lazily:
 * callers ask for a node's time and the search settles just as far as needed, so a
 * question about nearby nodes costs a small part of the graph.
 */
export class RoadSearch {
  /** Seconds from the origin (forward) or to it (toward); Infinity until reached. */
  readonly timeS: Float64Array;
  /** Metres along the fastest path found. */
  readonly lengthM: Float64Array;
  /** Previous node on the fastest path: toward the origin. -1 for an origin or unreached node. */
  readonly via: Int32Array;
  private readonly settled: Uint8Array;
  private readonly heap: MinHeap;
  /** Largest time settled so far (all nodes with a smaller time are settled). */
  frontierS = 0;
  /** Nodes settled (work done), for benchmarks. */
  settledCount = 0;

  constructor(
    private readonly adj: Adjacency,
    n: number,
    origins: ReadonlyArray<{ node: number; timeS: number; lengthM?: number }>,
  ) {
    this.timeS = new Float64Array(n).fill(Infinity);
    this.lengthM = new Float64Array(n).fill(Infinity);
    this.via = new Int32Array(n).fill(-1);
    this.settled = new Uint8Array(n);
    this.heap = new MinHeap(1024);
    for (const o of origins) {
      if (o.timeS < this.timeS[o.node]!) {
        this.timeS[o.node] = o.timeS;
        this.lengthM[o.node] = o.lengthM ?? 0;
        this.heap.push(o.timeS, o.node);
      }
    }
  }

  /** Settles the next node; false when nothing is left to reach. */
  private step(): boolean {
    const h = this.heap;
    while (h.size > 0) {
      const key = h.peekKey();
      const v = h.pop();
      if (this.settled[v] || key > this.timeS[v]!) continue;
      this.settled[v] = 1;
      this.settledCount++;
      this.frontierS = key;
      const { offset, to, timeS, lengthM } = this.adj;
      for (let k = offset[v]!; k < offset[v + 1]!; k++) {
        const w = to[k]!;
        const t = key + timeS[k]!;
        if (t < this.timeS[w]!) {
          this.timeS[w] = t;
          this.lengthM[w] = this.lengthM[v]! + lengthM[k]!;
          this.via[w] = v;
          h.push(t, w);
        }
      }
      return true;
    }
    this.frontierS = Infinity;
    return false;
  }

  /**
   * Seconds between the origin and `node` (Infinity when unreachable or, with `limitS`,
   * farther than that: the search then stops at the limit and can be asked again).
   */
  timeTo(node: number, limitS = Infinity): number {
    while (!this.settled[node]) {
      if (this.heap.size === 0 || this.heap.peekKey() > limitS) return Infinity;
      this.step();
    }
    return this.timeS[node]!;
  }

  /** Settles every node within `limitS` seconds. */
  settleWithin(limitS: number): void {
    while (this.heap.size > 0 && this.heap.peekKey() <= limitS) this.step();
  }

  /** True when `node` is settled (its time is final). */
  isSettled(node: number): boolean {
    return this.settled[node] === 1;
  }

  /** The nodes from `node` back to the origin along the fastest path (node first). */
  pathFrom(node: number): number[] {
    const out: number[] = [];
    for (let v = node; v !== -1 && out.length <= this.timeS.length; v = this.via[v]!) out.push(v);
    return out;
  }
}

/** The road network, ready to route on. Node indexes are dense (0..n-1); `nodeId` maps back to road_nodes.id. */
export class RoadGraph {
  readonly n: number;
  readonly nodeId: Float64Array;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly edgeCount: number;
  /** Fastest speed on any edge, m/s: straight distance / this bounds any travel time from below. */
  readonly maxSpeedMs: number;
  private readonly index = new Map<number, number>();
  private readonly forward: Adjacency;
  private readonly reverse: Adjacency;
  // nearest-node lookup: nodes bucketed in a grid of CELL_DEG cells
  private readonly cellDeg = 0.01;
  private readonly cells = new Map<number, number[]>();
  private readonly west: number;
  private readonly south: number;

  constructor(nodes: readonly RoadNodeInput[], edges: readonly RoadEdgeInput[]) {
    this.n = nodes.length;
    this.nodeId = new Float64Array(this.n);
    this.lon = new Float64Array(this.n);
    this.lat = new Float64Array(this.n);
    let west = Infinity;
    let south = Infinity;
    nodes.forEach((p, i) => {
      this.nodeId[i] = p.id;
      this.lon[i] = p.lon;
      this.lat[i] = p.lat;
      this.index.set(p.id, i);
      west = Math.min(west, p.lon);
      south = Math.min(south, p.lat);
    });
    this.west = west;
    this.south = south;
    for (let i = 0; i < this.n; i++) {
      const key = this.cellKey(this.cellX(this.lon[i]!), this.cellY(this.lat[i]!));
      const list = this.cells.get(key);
      if (list) list.push(i);
      else this.cells.set(key, [i]);
    }
    const m = edges.reduce((k, e) => k + (e.oneway ? 1 : 2), 0);
    const from = new Int32Array(m);
    const to = new Int32Array(m);
    const time = new Float64Array(m);
    const len = new Float64Array(m);
    let k = 0;
    let maxSpeed = 0;
    for (const e of edges) {
      const s = this.index.get(e.source);
      const t = this.index.get(e.target);
      if (s === undefined || t === undefined)
        throw new Error(`road edge ${e.source} → ${e.target}: unknown node`);
      const speed = e.speedKmh / 3.6;
      maxSpeed = Math.max(maxSpeed, speed);
      const secs = e.lengthM / speed;
      from[k] = s;
      to[k] = t;
      time[k] = secs;
      len[k++] = e.lengthM;
      if (!e.oneway) {
        from[k] = t;
        to[k] = s;
        time[k] = secs;
        len[k++] = e.lengthM;
      }
    }
    this.edgeCount = m;
    this.maxSpeedMs = Math.max(maxSpeed, ACCESS_SPEED_MS);
    this.forward = adjacency(this.n, from, to, time, len);
    this.reverse = adjacency(this.n, to, from, time, len);
  }

  private cellX(lon: number): number {
    return Math.floor((lon - this.west) / this.cellDeg);
  }
  private cellY(lat: number): number {
    return Math.floor((lat - this.south) / this.cellDeg);
  }
  private cellKey(x: number, y: number): number {
    return (y + 10_000) * 100_000 + (x + 10_000);
  }

  /** Calls `visit` with the head, travel time and length of every edge leaving a node. */
  forEachEdgeFrom(node: number, visit: (to: number, timeS: number, lengthM: number) => void): void {
    const a = this.forward;
    for (let k = a.offset[node]!, end = a.offset[node + 1]!; k < end; k++)
      visit(a.to[k]!, a.timeS[k]!, a.lengthM[k]!);
  }

  /** Dense index of a road_nodes.id; undefined when the graph has no such node. */
  indexOf(id: number): number | undefined {
    return this.index.get(id);
  }

  /** The nearest node to a point and the straight distance to it in metres; null for an empty graph. */
  nearestNode(lon: number, lat: number): { node: number; distanceM: number } | null {
    if (this.n === 0) return null;
    const cx = this.cellX(lon);
    const cy = this.cellY(lat);
    const cellM = this.cellDeg * M_PER_DEG_LON * Math.cos((lat * Math.PI) / 180);
    let best = -1;
    let bestD = Infinity;
    // rings of cells outward until the ring is farther than the best found
    for (let r = 0; r < 2000; r++) {
      for (let y = cy - r; y <= cy + r; y++) {
        for (let x = cx - r; x <= cx + r; x++) {
          if (Math.max(Math.abs(x - cx), Math.abs(y - cy)) !== r) continue;
          for (const i of this.cells.get(this.cellKey(x, y)) ?? []) {
            const d = metres(lon, lat, this.lon[i]!, this.lat[i]!);
            if (d < bestD) {
              bestD = d;
              best = i;
            }
          }
        }
      }
      // every node in a ring r+1 or beyond is at least r cells away
      if (best >= 0 && bestD <= r * cellM) break;
    }
    return { node: best, distanceM: bestD };
  }

  /** A search of times FROM the origins (a team going out: isochrones, coverage). */
  searchFrom(origins: ReadonlyArray<{ node: number; timeS: number; lengthM?: number }>): RoadSearch {
    return new RoadSearch(this.forward, this.n, origins);
  }

  /** A search of times TO the origins, over the edges reversed (teams coming to an incident). */
  searchToward(origins: ReadonlyArray<{ node: number; timeS: number; lengthM?: number }>): RoadSearch {
    return new RoadSearch(this.reverse, this.n, origins);
  }

  /** [lon, lat] of a node. */
  coordinates(node: number): [number, number] {
    return [this.lon[node]!, this.lat[node]!];
  }
}
