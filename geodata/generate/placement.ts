/**
 * Placing synthetic points "by population density": a grid is drawn with probability
 * ∝ its synthetic population (equivalent to town ∝ population, then village ∝ population,
 * then grid ∝ population, because populations nest exactly), then a uniform point inside
 * that grid polygon by rejection sampling in its bbox. Coordinates EPSG:4326, 7 decimals.
 */
import type { Area, AreaModel } from './areas.ts';
import { IndexedPolygon, multiPolygonCentroid } from './geometry.ts';
import { round7 } from './format.ts';
import { Rng, WeightedPicker } from './prng.ts';

/** A placed point and the areas that contain it. */
export interface Placed {
  lon: number;
  lat: number;
  town: Area;
  village: Area;
  grid: Area;
}

/** Draws grids by population and points inside them. */
export class Placer {
  /** Grids that have geometry, in code order. */
  readonly grids: Area[];
  private readonly picker: WeightedPicker;
  private readonly byTown = new Map<string, { grids: Area[]; picker: WeightedPicker }>();
  private readonly indexed = new Map<string, IndexedPolygon>();
  /** Point-in-polygon index of an area (built on first use). */
  private index(a: Area): IndexedPolygon {
    let ix = this.indexed.get(a.code);
    if (!ix) {
      if (!a.geom) throw new Error(`area ${a.code} has no geometry`);
      ix = new IndexedPolygon(a.geom);
      this.indexed.set(a.code, ix);
    }
    return ix;
  }
  constructor(readonly model: AreaModel) {
    this.grids = model.grids.filter((g) => g.geom);
    this.picker = new WeightedPicker(this.grids.map((g) => Math.max(1, g.population ?? 0)));
    for (const g of this.grids) {
      const town = this.townOf(g);
      let e = this.byTown.get(town.code);
      if (!e) {
        e = { grids: [], picker: new WeightedPicker([1]) };
        this.byTown.set(town.code, e);
      }
      e.grids.push(g);
    }
    for (const e of this.byTown.values())
      e.picker = new WeightedPicker(e.grids.map((g) => Math.max(1, g.population ?? 0)));
  }
  /** Village of a grid. */
  villageOf(grid: Area): Area {
    const v = grid.parentCode ? this.model.byCode.get(grid.parentCode) : undefined;
    if (!v) throw new Error(`no village for ${grid.code}`);
    return v;
  }
  /** Town of a grid. */
  townOf(grid: Area): Area {
    const v = this.villageOf(grid);
    const t = v.parentCode ? this.model.byCode.get(v.parentCode) : undefined;
    if (!t) throw new Error(`no town for ${v.code}`);
    return t;
  }
  /** True when a point lies inside the grid and its village and town polygons (as placed points do). */
  inGrid(grid: Area, x: number, y: number): boolean {
    return (
      this.index(grid).contains(x, y) &&
      this.index(this.villageOf(grid)).contains(x, y) &&
      this.index(this.townOf(grid)).contains(x, y)
    );
  }
  /**
   * A uniform point inside `grid` (rounded to 7 decimals) that also lies inside the grid's village
   * and town polygons (rejects the rare point in a rounding sliver along a boundary).
   */
  pointInGrid(grid: Area, rng: Rng): Placed {
    const geom = grid.geom;
    if (!geom) throw new Error(`grid ${grid.code} has no geometry`);
    const village = this.villageOf(grid);
    const town = this.townOf(grid);
    const gi = this.index(grid);
    const vi = this.index(village);
    const ti = this.index(town);
    const ok = (x: number, y: number): boolean => gi.contains(x, y) && vi.contains(x, y) && ti.contains(x, y);
    const [minX, minY, maxX, maxY] = gi.bbox;
    for (let t = 0; t < 100000; t++) {
      const x = round7(minX + (maxX - minX) * rng.next());
      const y = round7(minY + (maxY - minY) * rng.next());
      if (ok(x, y)) return { lon: x, lat: y, grid, village, town };
    }
    const c = multiPolygonCentroid(geom);
    const cx = round7(c[0]);
    const cy = round7(c[1]);
    if (!ok(cx, cy)) throw new Error(`cannot place a point in ${grid.code}`);
    return { lon: cx, lat: cy, grid, village, town };
  }

  /** A point anywhere in the city, by population density. */
  place(rng: Rng): Placed {
    const g = this.grids[this.picker.pick(rng)];
    if (!g) throw new Error('placer: empty');
    return this.pointInGrid(g, rng);
  }
  /** A point inside the given town, by population density. */
  placeInTown(townCode: string, rng: Rng): Placed {
    const e = this.byTown.get(townCode);
    if (!e) throw new Error(`placer: no grids in town ${townCode}`);
    const g = e.grids[e.picker.pick(rng)];
    if (!g) throw new Error('placer: empty town');
    return this.pointInGrid(g, rng);
  }
  /** Towns that have grids, in code order. */
  townCodes(): string[] {
    return [...this.byTown.keys()].sort();
  }
}
