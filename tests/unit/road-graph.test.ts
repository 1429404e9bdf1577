import { describe, expect, it } from 'vitest';
import { RoadGraph, metres, type RoadEdgeInput, type RoadNodeInput } from '../../api/lib/road-graph.ts';
import { mulberry32 } from '../../geodata/generate/prng.ts';

/** All-pairs fastest times by Floyd–Warshall, the slow and obvious way. */
function floyd(nodes: RoadNodeInput[], edges: RoadEdgeInput[]): number[][] {
  const n = nodes.length;
  const at = new Map(nodes.map((p, i) => [p.id, i]));
  const d = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)),
  );
  for (const e of edges) {
    const [s, t] = [at.get(e.source)!, at.get(e.target)!];
    const secs = e.lengthM / (e.speedKmh / 3.6);
    d[s]![t] = Math.min(d[s]![t]!, secs);
    if (!e.oneway) d[t]![s] = Math.min(d[t]![s]!, secs);
  }
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (d[i]![k]! + d[k]![j]! < d[i]![j]!) d[i]![j] = d[i]![k]! + d[k]![j]!;
  return d;
}

function randomNetwork(seed: number, n: number, m: number) {
  const rand = mulberry32(seed);
  const nodes: RoadNodeInput[] = Array.from({ length: n }, (_, i) => ({
    id: 1000 + i * 7,
    lon: 113.7 + rand() * 0.1,
    lat: 22.9 + rand() * 0.1,
  }));
  const edges: RoadEdgeInput[] = [];
  for (let k = 0; k < m; k++) {
    const s = Math.floor(rand() * n);
    let t = Math.floor(rand() * n);
    if (t === s) t = (s + 1) % n;
    const a = nodes[s]!;
    const b = nodes[t]!;
    edges.push({
      source: a.id,
      target: b.id,
      lengthM: Math.max(1, metres(a.lon, a.lat, b.lon, b.lat)),
      speedKmh: [20, 40, 60, 80][Math.floor(rand() * 4)]!,
      oneway: rand() < 0.3,
    });
  }
  return { nodes, edges };
}

describe('road graph', () => {
  it('finds the same fastest times as Floyd–Warshall, one-way streets included, both directions', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { nodes, edges } = randomNetwork(seed, 25, 60);
      const g = new RoadGraph(nodes, edges);
      const d = floyd(nodes, edges);
      for (let o = 0; o < nodes.length; o += 3) {
        const from = g.searchFrom([{ node: o, timeS: 0 }]);
        const toward = g.searchToward([{ node: o, timeS: 0 }]);
        for (let v = 0; v < nodes.length; v++) {
          const fwd = from.timeTo(v);
          const back = toward.timeTo(v);
          if (d[o]![v] === Infinity) expect(fwd).toBe(Infinity);
          else expect(fwd).toBeCloseTo(d[o]![v]!, 6);
          if (d[v]![o] === Infinity) expect(back).toBe(Infinity);
          else expect(back).toBeCloseTo(d[v]![o]!, 6);
        }
      }
    }
  });

  it('honours a one-way street and routes around it', () => {
    const nodes = [
      { id: 1, lon: 113.75, lat: 23.0 },
      { id: 2, lon: 113.76, lat: 23.0 },
      { id: 3, lon: 113.755, lat: 23.01 },
    ];
    const edges = [
      { source: 1, target: 2, lengthM: 1000, speedKmh: 36, oneway: true }, // 100 s, 1 → 2 only
      { source: 2, target: 3, lengthM: 1000, speedKmh: 36, oneway: false },
      { source: 3, target: 1, lengthM: 1000, speedKmh: 36, oneway: false },
    ];
    const g = new RoadGraph(nodes, edges);
    const a = g.indexOf(1)!;
    const b = g.indexOf(2)!;
    expect(g.searchFrom([{ node: a, timeS: 0 }]).timeTo(b)).toBeCloseTo(100);
    const back = g.searchFrom([{ node: b, timeS: 0 }]);
    expect(back.timeTo(a)).toBeCloseTo(200); // 2 → 3 → 1
    expect(back.lengthM[a]).toBeCloseTo(2000);
    expect(back.pathFrom(a).map((v) => g.nodeId[v])).toEqual([1, 3, 2]);
  });

  it('stops at a time limit and can be asked again', () => {
    const { nodes, edges } = randomNetwork(99, 40, 120);
    const g = new RoadGraph(nodes, edges);
    const s = g.searchFrom([{ node: 0, timeS: 0 }]);
    const full = g.searchFrom([{ node: 0, timeS: 0 }]);
    full.settleWithin(Infinity);
    const far = [...full.timeS.keys()]
      .filter((v) => full.timeS[v]! < Infinity)
      .sort((x, y) => full.timeS[y]! - full.timeS[x]!)[0]!;
    expect(s.timeTo(far, full.timeS[far]! / 2)).toBe(Infinity);
    expect(s.timeTo(far)).toBeCloseTo(full.timeS[far]!);
  });

  it('finds the nearest node like a scan of all nodes does', () => {
    const { nodes, edges } = randomNetwork(5, 300, 600);
    const g = new RoadGraph(nodes, edges);
    const rand = mulberry32(11);
    for (let k = 0; k < 200; k++) {
      const lon = 113.65 + rand() * 0.2;
      const lat = 22.85 + rand() * 0.2;
      const brute = Math.min(...nodes.map((p) => metres(lon, lat, p.lon, p.lat)));
      expect(g.nearestNode(lon, lat)!.distanceM).toBeCloseTo(brute, 6);
    }
  });
});
