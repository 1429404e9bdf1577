/**
 * Synthetic road network: a jittered lattice clipped to the city outline (EPSG:4326), with
 * expressways / arterials / secondary roads on every k-th lattice line and local streets between.
 * Some local edges are one-way; each one-way edge lies on a lattice square whose other three
 * edges stay two-way, so the directed graph stays strongly connected. Only the largest connected
 * component is kept; strong connectivity is verified.
 */
import { datasetColumns } from '../../api/db/dataset-loader.ts';
import { join } from 'node:path';
import { CsvWriter } from './csv-writer.ts';
import { geomLine, geomPoint, round7 } from './format.ts';
import type { MultiPolygon } from './geometry.ts';
import { BoundaryIndex, bboxOf, lineLengthMeters, pointInMultiPolygon } from './geometry.ts';
import type { Rng } from './prng.ts';

/** Road classes and their speeds in km/h. */
export const ROAD_SPEEDS = { expressway: 80, arterial: 50, secondary: 40, local: 30 } as const;
/** A road class. */
export type RoadClass = keyof typeof ROAD_SPEEDS;

/** Lattice parameters. */
export interface RoadOptions {
  /** Lattice spacing in metres. */
  spacingM: number;
  /** Every n-th lattice line is an expressway. */
  expresswayEvery: number;
  /** Every n-th lattice line is an arterial. */
  arterialEvery: number;
  /** Every n-th lattice line is a secondary road (0 = none). */
  secondaryEvery: number;
  /** Probability that a lattice square gets a one-way local edge. */
  onewayShare: number;
}

/** A directed-or-not edge of the network (node indices are 0-based here). */
export interface RoadEdge {
  source: number;
  target: number;
  cls: RoadClass;
  oneway: boolean;
}

/** Result of buildRoads: node coordinates ([lon, lat], 7 decimals) and edges over them. */
export interface RoadNetwork {
  nodes: [number, number][];
  edges: RoadEdge[];
}

/**
 * true when every node can reach every other node following edge directions
 * (one-way edges only source → target): forward and backward BFS from node 0 both reach all.
 */
export function isStronglyConnected(nodeCount: number, edges: readonly RoadEdge[]): boolean {
  if (nodeCount === 0) return true;
  const fwd: number[][] = Array.from({ length: nodeCount }, () => []);
  const bwd: number[][] = Array.from({ length: nodeCount }, () => []);
  for (const e of edges) {
    fwd[e.source]?.push(e.target);
    bwd[e.target]?.push(e.source);
    if (!e.oneway) {
      fwd[e.target]?.push(e.source);
      bwd[e.source]?.push(e.target);
    }
  }
  const reach = (adj: number[][]): number => {
    const seen = new Uint8Array(nodeCount);
    const stack = [0];
    seen[0] = 1;
    let count = 1;
    while (stack.length) {
      const u = stack.pop() as number;
      for (const v of adj[u] ?? []) {
        if (!seen[v]) {
          seen[v] = 1;
          count++;
          stack.push(v);
        }
      }
    }
    return count;
  };
  return reach(fwd) === nodeCount && reach(bwd) === nodeCount;
}

/** Build the lattice network inside `outline`. */
export function buildRoads(outline: MultiPolygon, opts: RoadOptions, rng: Rng): RoadNetwork {
  const [minX, minY, maxX, maxY] = bboxOf(outline);
  const lat0 = (minY + maxY) / 2;
  const dLat = opts.spacingM / 111320;
  const dLon = opts.spacingM / (111320 * Math.cos((lat0 * Math.PI) / 180));
  const nx = Math.ceil((maxX - minX) / dLon) + 1;
  const ny = Math.ceil((maxY - minY) / dLat) + 1;
  const idx = (i: number, j: number): number => j * nx + i;
  const px = new Float64Array(nx * ny);
  const py = new Float64Array(nx * ny);
  const inside = new Uint8Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = idx(i, j);
      const x = round7(minX + i * dLon + rng.range(-0.3, 0.3) * dLon);
      const y = round7(minY + j * dLat + rng.range(-0.3, 0.3) * dLat);
      px[k] = x;
      py[k] = y;
      inside[k] = pointInMultiPolygon(x, y, outline) ? 1 : 0;
    }
  }
  const cls = (line: number): RoadClass => {
    const l = line + 3;
    if (l % opts.expresswayEvery === 0) return 'expressway';
    if (l % opts.arterialEvery === 0) return 'arterial';
    if (opts.secondaryEvery > 0 && l % opts.secondaryEvery === 0) return 'secondary';
    return 'local';
  };
  // both ends are inside; the segment stays inside when it touches no boundary segment
  const boundary = new BoundaryIndex(outline);
  const segInside = (a: number, b: number): boolean =>
    !boundary.crosses(px[a] ?? 0, py[a] ?? 0, px[b] ?? 0, py[b] ?? 0);
  // horizontal edge (i,j)-(i+1,j) has id h(i,j); vertical (i,j)-(i,j+1) has id v(i,j); -1 = none
  const hEdge = new Int32Array(nx * ny).fill(-1);
  const vEdge = new Int32Array(nx * ny).fill(-1);
  const edges: RoadEdge[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const a = idx(i, j);
      if (!inside[a]) continue;
      if (i + 1 < nx) {
        const b = idx(i + 1, j);
        if (inside[b] && segInside(a, b)) {
          hEdge[a] = edges.length;
          edges.push({ source: a, target: b, cls: cls(j), oneway: false });
        }
      }
      if (j + 1 < ny) {
        const b = idx(i, j + 1);
        if (inside[b] && segInside(a, b)) {
          vEdge[a] = edges.length;
          edges.push({ source: a, target: b, cls: cls(i), oneway: false });
        }
      }
    }
  }
  // one-way local edges, each protected by a two-way detour around its lattice square
  const locked = new Uint8Array(edges.length);
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      if (!rng.chance(opts.onewayShare)) continue;
      const sq = [hEdge[idx(i, j)], hEdge[idx(i, j + 1)], vEdge[idx(i, j)], vEdge[idx(i + 1, j)]] as number[];
      if (sq.some((e) => e === undefined || e < 0)) continue;
      const pickAt = rng.int(0, 3);
      const chosen = sq[pickAt] as number;
      const ce = edges[chosen];
      if (!ce || ce.cls !== 'local' || ce.oneway || locked[chosen]) continue;
      if (sq.some((e, k) => k !== pickAt && edges[e]?.oneway)) continue;
      ce.oneway = true;
      if (rng.chance(0.5)) [ce.source, ce.target] = [ce.target, ce.source];
      sq.forEach((e, k) => {
        if (k !== pickAt) locked[e] = 1;
      });
    }
  }
  // largest connected component (undirected)
  const parent = new Int32Array(nx * ny).map((_, k) => k);
  const find = (k: number): number => {
    while (parent[k] !== k) {
      const pk = parent[k] as number;
      parent[k] = parent[pk] as number;
      k = pk;
    }
    return k;
  };
  for (const e of edges) {
    const a = find(e.source);
    const b = find(e.target);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const size = new Map<number, number>();
  for (const e of edges) {
    for (const v of [e.source, e.target]) {
      const r = find(v);
      size.set(r, (size.get(r) ?? 0) + 1);
    }
  }
  let bestRoot = -1;
  let bestSize = -1;
  for (const [r, s] of [...size.entries()].sort((a, b) => a[0] - b[0])) {
    if (s > bestSize) {
      bestSize = s;
      bestRoot = r;
    }
  }
  const newId = new Int32Array(nx * ny).fill(-1);
  const nodes: [number, number][] = [];
  const used = new Uint8Array(nx * ny);
  for (const e of edges) if (find(e.source) === bestRoot) used[e.source] = used[e.target] = 1;
  for (let k = 0; k < nx * ny; k++) {
    if (used[k]) {
      newId[k] = nodes.length;
      nodes.push([px[k] ?? 0, py[k] ?? 0]);
    }
  }
  const kept: RoadEdge[] = edges
    .filter((e) => find(e.source) === bestRoot)
    .map((e) => ({ ...e, source: newId[e.source] as number, target: newId[e.target] as number }));
  if (!isStronglyConnected(nodes.length, kept)) throw new Error('road network is not strongly connected');
  return { nodes, edges: kept };
}

/** Write road_nodes.csv (id,geom) and road_edges.csv; ids start at 1. @returns [nodes, edges] counts */
export function writeRoads(outDir: string, net: RoadNetwork): [number, number] {
  const wn = new CsvWriter(join(outDir, 'road_nodes.csv'), datasetColumns('road_nodes'));
  net.nodes.forEach(([x, y], k) => wn.write([k + 1, geomPoint(x, y)]));
  wn.close();
  const we = new CsvWriter(join(outDir, 'road_edges.csv'), datasetColumns('road_edges'));
  net.edges.forEach((e, k) => {
    const a = net.nodes[e.source];
    const b = net.nodes[e.target];
    if (!a || !b) throw new Error('edge with a missing node');
    const len = Math.round(lineLengthMeters([a, b]) * 100) / 100;
    if (!(len > 0) || e.source === e.target) throw new Error('degenerate edge');
    we.write([
      k + 1,
      e.source + 1,
      e.target + 1,
      len.toFixed(2),
      ROAD_SPEEDS[e.cls],
      e.oneway,
      e.cls,
      true,
      geomLine([a, b]),
    ]);
  });
  we.close();
  return [wn.rows, we.rows];
}
