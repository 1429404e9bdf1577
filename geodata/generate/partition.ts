/**
 * Partition a polygon into n cells: Voronoi diagram of seeded points, relaxed with a few
 * Lloyd iterations (Monte-Carlo centroids), each cell clipped to the parent. Coordinates are
 * EPSG:4326 degrees; the Voronoi diagram is built in a local equirectangular frame
 * (x scaled by cos(latitude)) so cells are isotropic on the ground.
 */
import { Delaunay } from 'd3-delaunay';
import polygonClipping from 'polygon-clipping';
import type { MultiPolygon, Position } from './geometry.ts';
import { bboxOf, pointInMultiPolygon, randomPointIn, roundMultiPolygon } from './geometry.ts';
import type { Rng } from './prng.ts';

/** Options for partitionPolygon. */
export interface PartitionOptions {
  /** Lloyd relaxation rounds (default 4). */
  lloydIterations?: number;
  /** Monte-Carlo sample points per cell used for the relaxation (default 80). */
  samplesPerCell?: number;
}

/**
 * Split `parent` (already rounded to 7 decimals) into `n` non-empty cells whose union is the parent
 * and which do not overlap (up to 1e-7° rounding slivers). Cell rings are rounded to 7 decimals.
 * Throws when it cannot produce n non-empty cells after several attempts.
 * @returns n MultiPolygons, in seed order (unsorted)
 */
export function partitionPolygon(
  parent: MultiPolygon,
  n: number,
  rng: Rng,
  opts: PartitionOptions = {},
): MultiPolygon[] {
  if (n < 1) throw new Error('partitionPolygon: n must be >= 1');
  if (n === 1) return [parent];
  let lastErr: unknown = null;
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const cells = tryPartition(parent, n, rng, opts);
      if (cells) return cells;
    } catch (e) {
      lastErr = e;
    }
  }
  throw new Error(`partitionPolygon: failed to split into ${n} cells (${String(lastErr)})`);
}

function tryPartition(
  parent: MultiPolygon,
  n: number,
  rng: Rng,
  opts: PartitionOptions,
): MultiPolygon[] | null {
  const iterations = opts.lloydIterations ?? 4;
  const perCell = opts.samplesPerCell ?? 80;
  const bbox = bboxOf(parent);
  const lat0 = (bbox[1] + bbox[3]) / 2;
  const kx = Math.cos((lat0 * Math.PI) / 180);
  const rand = (): number => rng.next();

  // Monte-Carlo samples inside the parent (projected x = lon * kx, y = lat)
  const m = Math.max(200, n * perCell);
  const sx = new Float64Array(m);
  const sy = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const p = randomPointIn(parent, bbox, rand, 100000);
    if (!p) throw new Error('could not sample inside parent');
    sx[i] = p[0] * kx;
    sy[i] = p[1];
  }
  // seeds: the first n samples
  const seeds: number[] = [];
  for (let i = 0; i < n; i++) seeds.push(sx[i] ?? 0, sy[i] ?? 0);

  for (let it = 0; it < iterations; it++) {
    const del = new Delaunay(Float64Array.from(seeds));
    const accX = new Float64Array(n);
    const accY = new Float64Array(n);
    const cnt = new Uint32Array(n);
    const owner = new Int32Array(m);
    let hint = 0;
    for (let i = 0; i < m; i++) {
      const x = sx[i] ?? 0;
      const y = sy[i] ?? 0;
      const k = del.find(x, y, hint);
      hint = k;
      owner[i] = k;
      accX[k] = (accX[k] ?? 0) + x;
      accY[k] = (accY[k] ?? 0) + y;
      cnt[k] = (cnt[k] ?? 0) + 1;
    }
    for (let k = 0; k < n; k++) {
      const c = cnt[k] ?? 0;
      if (c === 0) continue;
      const cx = (accX[k] ?? 0) / c;
      const cy = (accY[k] ?? 0) / c;
      if (pointInMultiPolygon(cx / kx, cy, parent)) {
        seeds[2 * k] = cx;
        seeds[2 * k + 1] = cy;
      } else {
        // non-convex parent: take the owned sample nearest to the mean
        let best = -1;
        let bestD = Infinity;
        for (let i = 0; i < m; i++) {
          if (owner[i] !== k) continue;
          const d = ((sx[i] ?? 0) - cx) ** 2 + ((sy[i] ?? 0) - cy) ** 2;
          if (d < bestD) {
            bestD = d;
            best = i;
          }
        }
        if (best >= 0) {
          seeds[2 * k] = sx[best] ?? 0;
          seeds[2 * k + 1] = sy[best] ?? 0;
        }
      }
    }
  }

  const del = new Delaunay(Float64Array.from(seeds));
  const padX = (bbox[2] - bbox[0]) * kx * 0.05 + 1e-4;
  const padY = (bbox[3] - bbox[1]) * 0.05 + 1e-4;
  const vor = del.voronoi([bbox[0] * kx - padX, bbox[1] - padY, bbox[2] * kx + padX, bbox[3] + padY]);
  const cells: MultiPolygon[] = [];
  for (let k = 0; k < n; k++) {
    const poly = vor.cellPolygon(k);
    if (!poly) return null; // duplicate seeds: retry
    const ring: Position[] = poly.map((p) => [(p[0] ?? 0) / kx, p[1] ?? 0]);
    const clipped = polygonClipping.intersection(parent, [ring]) as MultiPolygon;
    const rounded = roundMultiPolygon(clipped);
    if (rounded.length === 0) return null;
    cells.push(rounded);
  }
  return cells;
}
