/**
 * Checks a generated output directory:
 *   npx tsx geodata/generate/verify.ts [DIR]   (default geodata/sample)
 * - areas: MultiPolygon or null, closed rings with ≥ 4 points, no self-intersections (turf.kinks),
 *   geodesic area of each village = sum of its grids and of each town = sum of its villages
 *   (relative difference < 1e-4), no overlaps / gaps beyond rounding slivers (polygon-clipping union);
 * - CSV layers: exact headers, ids 1..n, area codes exist and the point lies in its grid;
 * - roads: source ≠ target, length > 0, strongly connected.
 * Exits with code 1 when a check fails.
 */
import { DATASET_TABLES } from '../../api/db/dataset-loader.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as turf from '@turf/turf';
import polygonClipping from 'polygon-clipping';
import { splitCsvLine } from './categories.ts';
import type { MultiPolygon } from './geometry.ts';
import { multiPolygonArea, pointInMultiPolygon } from './geometry.ts';
import { isStronglyConnected, type RoadEdge } from './roads.ts';

/** Expected CSV headers, in column order. */
export const HEADERS: Record<string, string> = Object.fromEntries(
  DATASET_TABLES.map((t) => [`${t.table}.csv`, t.columns.join(',')]),
);

interface AreaFeature {
  properties: {
    code: string;
    level: string;
    name: string;
    parent_code: string | null;
    population: number | null;
    households: number | null;
    synthetic: boolean;
  };
  geometry: { type: 'MultiPolygon'; coordinates: MultiPolygon } | null;
}

/** Total ring length of a MultiPolygon in degrees (planar). */
function perimeterDeg(mp: MultiPolygon): number {
  let s = 0;
  for (const poly of mp)
    for (const ring of poly)
      for (let i = 1; i < ring.length; i++) {
        const a = ring[i - 1];
        const b = ring[i];
        if (a && b) s += Math.hypot(b[0] - a[0], b[1] - a[1]);
      }
  return s;
}

function main(): void {
  const dir = process.argv[2] ?? 'geodata/sample';
  let failures = 0;
  const fail = (msg: string): void => {
    failures++;
    if (failures <= 30) console.error('FAIL', msg);
  };
  const fc = JSON.parse(readFileSync(join(dir, 'areas.geojson'), 'utf8')) as { features: AreaFeature[] };
  const areas = new Map<string, AreaFeature>();
  const children = new Map<string, AreaFeature[]>();
  let kinkCount = 0;
  let ringIssues = 0;
  const geodesic = new Map<string, number>();
  for (const f of fc.features) {
    const p = f.properties;
    if (areas.has(p.code)) fail(`duplicate area ${p.code}`);
    if (p.parent_code && !areas.has(p.parent_code))
      fail(`parent after child or missing: ${p.code} → ${p.parent_code}`);
    areas.set(p.code, f);
    if (p.parent_code) {
      const list = children.get(p.parent_code) ?? [];
      list.push(f);
      children.set(p.parent_code, list);
    }
    if (!f.geometry) continue;
    if (f.geometry.type !== 'MultiPolygon') fail(`${p.code}: not a MultiPolygon`);
    for (const poly of f.geometry.coordinates) {
      for (const ring of poly) {
        const a = ring[0];
        const b = ring[ring.length - 1];
        if (ring.length < 4 || !a || !b || a[0] !== b[0] || a[1] !== b[1]) ringIssues++;
        for (const [x, y] of ring)
          if (Math.round(x * 1e7) / 1e7 !== x || Math.round(y * 1e7) / 1e7 !== y) ringIssues++;
      }
      const k = turf.kinks(turf.polygon(poly));
      if (k.features.length > 0) {
        kinkCount++;
        if (p.level === 'town' || p.level === 'city')
          console.log(
            `note: source polygon ${p.code} ${p.name} has ${k.features.length} self-intersection point(s)`,
          );
        else
          fail(
            `${p.code} (${p.level}) self-intersects at ${JSON.stringify(k.features[0]?.geometry.coordinates)}`,
          );
      }
    }
    geodesic.set(p.code, turf.area(turf.multiPolygon(f.geometry.coordinates)));
  }
  if (ringIssues) fail(`${ringIssues} ring problems (unclosed, < 4 points or not 7-decimal)`);
  console.log(
    `areas: ${fc.features.length} features; polygons with kinks: ${kinkCount} (towns/city are source data)`,
  );

  // nesting: area sums, overlaps and gaps
  let worstSum = 0;
  let worstSumCode = '';
  let worstOverlap = 0;
  let worstGap = 0;
  let worstOverlapCode = '';
  let worstGapCode = '';
  for (const [code, kids] of children) {
    const parent = areas.get(code);
    if (!parent?.geometry || parent.properties.level === 'city') continue;
    const geomKids = kids.filter((k) => k.geometry);
    if (geomKids.length !== kids.length) fail(`${code}: some children lack geometry`);
    const sum = geomKids.reduce((s, k) => s + (geodesic.get(k.properties.code) ?? 0), 0);
    const rel = Math.abs(sum / (geodesic.get(code) ?? 1) - 1);
    if (rel > worstSum) {
      worstSum = rel;
      worstSumCode = code;
    }
    if (rel > 1e-4) fail(`${code}: children area sum differs by ${rel.toExponential(2)}`);
    const kidGeoms = geomKids.map((k) => (k.geometry as { coordinates: MultiPolygon }).coordinates);
    const union = polygonClipping.union(kidGeoms[0] ?? [], ...kidGeoms.slice(1)) as MultiPolygon;
    const ua = multiPolygonArea(union);
    const sa = kidGeoms.reduce((s, g) => s + multiPolygonArea(g), 0);
    // mean width (degrees) of overlaps and of gaps/excess along the parent's boundary + inner edges
    const perim =
      perimeterDeg(parent.geometry.coordinates) + kidGeoms.reduce((s, g) => s + perimeterDeg(g), 0) / 2;
    const overlap = Math.max(0, sa - ua) / perim;
    const diff = polygonClipping.xor(parent.geometry.coordinates, union) as MultiPolygon;
    const gap = multiPolygonArea(diff) / perim;
    if (overlap > worstOverlap) {
      worstOverlap = overlap;
      worstOverlapCode = code;
    }
    if (gap > worstGap) {
      worstGap = gap;
      worstGapCode = code;
    }
    if (overlap > 1e-6) fail(`${code}: children overlap, mean width ${overlap.toExponential(2)}°`);
    if (gap > 1e-6)
      fail(`${code}: union of children differs from parent, mean width ${gap.toExponential(2)}°`);
  }
  console.log(
    `nesting: worst area-sum rel diff ${worstSum.toExponential(2)} (${worstSumCode}); worst overlap mean width ${worstOverlap.toExponential(2)}° (${worstOverlapCode}); worst gap/xor mean width ${worstGap.toExponential(2)}° (${worstGapCode})`,
  );

  // CSV layers
  const pointRe = /^SRID=4326;POINT\((-?\d+\.\d{7}) (-?\d+\.\d{7})\)$/;
  for (const [file, header] of Object.entries(HEADERS)) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    if (lines.pop() !== '') fail(`${file}: no trailing LF`);
    if (lines.shift() !== header) fail(`${file}: header mismatch`);
    const cols = header.split(',');
    let outside = 0;
    lines.forEach((line, i) => {
      const v = splitCsvLine(line);
      if (v.length !== cols.length) return fail(`${file}:${i + 2}: ${v.length} fields`);
      const row = Object.fromEntries(cols.map((c, k) => [c, v[k] ?? '']));
      if (row.id !== String(i + 1)) fail(`${file}:${i + 2}: id ${row.id}`);
      if (file === 'road_edges.csv') return;
      const m = pointRe.exec(row.geom ?? '');
      const hex = /^0101000020e6100000[0-9a-f]{32}$/.test(row.geom ?? '')
        ? Buffer.from(row.geom!, 'hex')
        : null;
      if (!m && !hex) return fail(`${file}:${i + 2}: geom ${row.geom}`);
      if (file === 'road_nodes.csv') return;
      const x = m ? Number(m[1]) : hex!.readDoubleLE(9);
      const y = m ? Number(m[2]) : hex!.readDoubleLE(17);
      const gridCode =
        file === 'teams.csv' ? (row.home_area_code?.length === 15 ? row.home_area_code : '') : row.grid_code;
      if (file === 'teams.csv') {
        const home = areas.get(row.home_area_code ?? '');
        if (!home?.geometry || !pointInMultiPolygon(x, y, home.geometry.coordinates)) outside++;
        return;
      }
      const g = areas.get(gridCode ?? '');
      const vil = areas.get(row.village_code ?? '');
      const town = areas.get(row.town_code ?? '');
      if (
        !g ||
        !vil ||
        !town ||
        g.properties.parent_code !== vil.properties.code ||
        vil.properties.parent_code !== town.properties.code
      ) {
        return fail(`${file}:${i + 2}: bad area codes`);
      }
      for (const a of [g, vil, town])
        if (!a.geometry || !pointInMultiPolygon(x, y, a.geometry.coordinates)) outside++;
    });
    if (outside) fail(`${file}: ${outside} point/area containment misses`);
    console.log(`${file}: ${lines.length} rows checked`);
  }

  // roads
  const nodes = readFileSync(join(dir, 'road_nodes.csv'), 'utf8').trimEnd().split('\n').length - 1;
  const edges: RoadEdge[] = [];
  for (const line of readFileSync(join(dir, 'road_edges.csv'), 'utf8').trimEnd().split('\n').slice(1)) {
    const v = splitCsvLine(line);
    const s = Number(v[1]) - 1;
    const t = Number(v[2]) - 1;
    if (s === t || !(Number(v[3]) > 0)) fail(`road edge ${v[0]} degenerate`);
    edges.push({ source: s, target: t, oneway: v[5] === 't', cls: (v[6] ?? 'local') as RoadEdge['cls'] });
  }
  const sc = isStronglyConnected(nodes, edges);
  if (!sc) fail('road network not strongly connected');
  console.log(
    `roads: ${nodes} nodes, ${edges.length} edges, ${edges.filter((e) => e.oneway).length} one-way, strongly connected: ${sc}`,
  );

  if (failures) {
    console.error(`${failures} check(s) failed`);
    process.exit(1);
  }
  console.log('all checks passed');
}

main();
