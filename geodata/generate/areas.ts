/**
 * The area hierarchy city → towns → villages → grids (EPSG:4326 MultiPolygons).
 * City and towns are real (outline, NBS codes, names, 2020 census population); village
 * geometry, village/grid population and grids are synthetic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import polygonClipping from 'polygon-clipping';
import type { BBox, MultiPolygon } from './geometry.ts';
import { bboxOf, multiPolygonArea, multiPolygonCentroid, roundMultiPolygon } from './geometry.ts';
import { gridCode, numberingOrder, villageShortName } from './grid-numbering.ts';
import { partitionPolygon } from './partition.ts';
import { apportion, type Rng } from './prng.ts';

/** One area as written to areas.geojson. */
export interface Area {
  code: string;
  level: 'city' | 'town' | 'village' | 'grid';
  name: string;
  parentCode: string | null;
  population: number | null;
  households: number | null;
  synthetic: boolean;
  /** EPSG:4326, rounded to 7 decimals; null when no outline is published. */
  geom: MultiPolygon | null;
  bbox: BBox | null;
}

/** The whole hierarchy, parents before children within each list (sorted by code). */
export interface AreaModel {
  city: Area;
  towns: Area[];
  villages: Area[];
  grids: Area[];
  byCode: Map<string, Area>;
}

/** City code, name and 2020 census population. */
export const CITY = { code: '441900', name: '东莞市', population: 10466625 } as const;
/** Persons per household used for synthetic household counts. */
export const PERSONS_PER_HOUSEHOLD = 2.6;

interface VillageRow {
  code: string;
  name: string;
  townCode: string;
  townName: string;
}

/** Parse villages.csv (code,name,town_code,town_name; CRLF or LF; no quoted fields expected). */
export function parseVillagesCsv(text: string): VillageRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines.shift();
  if (header !== 'code,name,town_code,town_name')
    throw new Error(`villages.csv: unexpected header ${header}`);
  return lines.map((l) => {
    const [code, name, townCode, townName] = l.split(',');
    if (!code || !name || !townCode || !townName || l.includes('"'))
      throw new Error(`villages.csv: bad line ${l}`);
    return { code, name, townCode, townName };
  });
}

type GeoJsonGeometry =
  | { type: 'Polygon'; coordinates: MultiPolygon[number] }
  | { type: 'MultiPolygon'; coordinates: MultiPolygon };

function toMulti(g: GeoJsonGeometry): MultiPolygon {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/**
 * The source town outlines overlap their neighbours slightly (digitising artefacts, ~0.03 % of
 * the area). So that every point has one town, a town loses the parts it shares with towns of a
 * lower code (mutates `towns`, which must be sorted by code).
 */
export function removeTownOverlaps(towns: Area[]): void {
  const overlaps = (a: BBox, b: BBox): boolean =>
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
  towns.forEach((t, i) => {
    if (!t.geom || !t.bbox) return;
    const earlier = towns.slice(0, i).filter((o) => o.geom && o.bbox && overlaps(o.bbox, t.bbox as BBox));
    if (earlier.length === 0) return;
    const others = earlier.map((o) => o.geom as MultiPolygon);
    const inter = polygonClipping.intersection(
      t.geom,
      polygonClipping.union(others[0] ?? [], ...others.slice(1)),
    );
    if (inter.length === 0) return;
    const g = roundMultiPolygon(polygonClipping.difference(t.geom, ...others) as MultiPolygon);
    t.geom = g;
    t.bbox = bboxOf(g);
  });
}

/** Households from population (synthetic ratio PERSONS_PER_HOUSEHOLD). */
function households(pop: number): number {
  return Math.round(pop / PERSONS_PER_HOUSEHOLD);
}

/**
 * Build all areas from the real sources in `sourceDir` (towns.geojson, city-outline.geojson,
 * villages.csv) and the seeded stream `rng`.
 * @param targetGrids total number of grids to create across villages with geometry (≈ 2,930)
 */
export function buildAreas(sourceDir: string, rng: Rng, targetGrids = 2930): AreaModel {
  const outline = JSON.parse(readFileSync(join(sourceDir, 'city-outline.geojson'), 'utf8')) as {
    features: { geometry: GeoJsonGeometry }[];
  };
  const outlineGeom = outline.features[0]?.geometry;
  if (!outlineGeom) throw new Error('city-outline.geojson: no feature');
  const cityGeom = roundMultiPolygon(toMulti(outlineGeom));
  const city: Area = {
    code: CITY.code,
    level: 'city',
    name: CITY.name,
    parentCode: null,
    population: CITY.population,
    households: null,
    synthetic: false,
    geom: cityGeom,
    bbox: bboxOf(cityGeom),
  };

  const townsFc = JSON.parse(readFileSync(join(sourceDir, 'towns.geojson'), 'utf8')) as {
    features: {
      properties: { name: string; nbs_code: string; population_2020: number };
      geometry: GeoJsonGeometry;
    }[];
  };
  const villagesRows = parseVillagesCsv(readFileSync(join(sourceDir, 'villages.csv'), 'utf8'));

  const towns = new Map<string, Area>();
  for (const f of townsFc.features) {
    const g = roundMultiPolygon(toMulti(f.geometry));
    towns.set(f.properties.nbs_code, {
      code: f.properties.nbs_code,
      level: 'town',
      name: f.properties.name,
      parentCode: CITY.code,
      population: f.properties.population_2020,
      households: null,
      synthetic: false,
      geom: g,
      bbox: bboxOf(g),
    });
  }
  for (const v of villagesRows) {
    if (!towns.has(v.townCode)) {
      towns.set(v.townCode, {
        code: v.townCode,
        level: 'town',
        name: v.townName,
        parentCode: CITY.code,
        population: null,
        households: null,
        synthetic: false,
        geom: null,
        bbox: null,
      });
    }
  }
  const townList = [...towns.values()].sort((a, b) => a.code.localeCompare(b.code));
  removeTownOverlaps(townList);

  // villages: partition each town polygon, one cell per NBS village
  const villages: Area[] = [];
  const villageRng = rng.fork('villages');
  for (const town of townList) {
    const rows = villagesRows
      .filter((v) => v.townCode === town.code)
      .sort((a, b) => a.code.localeCompare(b.code));
    if (rows.length === 0) continue;
    if (!town.geom || !town.bbox) {
      for (const r of rows)
        villages.push({
          code: r.code,
          level: 'village',
          name: r.name,
          parentCode: town.code,
          population: null,
          households: null,
          synthetic: true,
          geom: null,
          bbox: null,
        });
      continue;
    }
    const cells = partitionPolygon(town.geom, rows.length, villageRng.fork(town.code), {
      lloydIterations: 5,
    });
    const order = numberingOrder(cells.map(multiPolygonCentroid), town.bbox[1], town.bbox[3]);
    const ordered = order.map((i) => cells[i] as MultiPolygon);
    const pops = apportion(town.population ?? 0, ordered.map(multiPolygonArea));
    rows.forEach((r, i) => {
      const g = ordered[i] as MultiPolygon;
      const pop = pops[i] ?? 0;
      villages.push({
        code: r.code,
        level: 'village',
        name: r.name,
        parentCode: town.code,
        population: pop,
        households: households(pop),
        synthetic: true,
        geom: g,
        bbox: bboxOf(g),
      });
    });
  }
  villages.sort((a, b) => a.code.localeCompare(b.code));

  // grids: number per village ∝ population (min 1), then partition each village
  const withGeom = villages.filter((v) => v.geom);
  const counts = apportion(
    targetGrids,
    withGeom.map((v) => v.population ?? 0),
    1,
  );
  const grids: Area[] = [];
  const gridRng = rng.fork('grids');
  withGeom.forEach((v, vi) => {
    const n = counts[vi] ?? 1;
    const vg = v.geom as MultiPolygon;
    const vb = v.bbox as BBox;
    const cells = partitionPolygon(vg, n, gridRng.fork(v.code), { lloydIterations: 4 });
    const order = numberingOrder(cells.map(multiPolygonCentroid), vb[1], vb[3]);
    const ordered = order.map((i) => cells[i] as MultiPolygon);
    const pops = apportion(v.population ?? 0, ordered.map(multiPolygonArea));
    const short = villageShortName(v.name);
    ordered.forEach((g, i) => {
      const pop = pops[i] ?? 0;
      grids.push({
        code: gridCode(v.code, i + 1),
        level: 'grid',
        name: `${short}第${i + 1}网格`,
        parentCode: v.code,
        population: pop,
        households: households(pop),
        synthetic: true,
        geom: g,
        bbox: bboxOf(g),
      });
    });
  });

  const byCode = new Map<string, Area>();
  for (const a of [city, ...townList, ...villages, ...grids]) byCode.set(a.code, a);
  return { city, towns: townList, villages, grids, byCode };
}

/**
 * areas.geojson text: a FeatureCollection, one feature per line, parents before children.
 * Properties: code, level, name, parent_code, population, households, synthetic.
 */
export function areasGeoJson(model: AreaModel): string {
  const feats = [model.city, ...model.towns, ...model.villages, ...model.grids].map((a) =>
    JSON.stringify({
      type: 'Feature',
      properties: {
        code: a.code,
        level: a.level,
        name: a.name,
        parent_code: a.parentCode,
        population: a.population,
        households: a.households,
        synthetic: a.synthetic,
      },
      geometry: a.geom ? { type: 'MultiPolygon', coordinates: a.geom } : null,
    }),
  );
  return `{"type":"FeatureCollection","features":[\n${feats.join(',\n')}\n]}\n`;
}
