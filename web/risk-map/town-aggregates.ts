import type { AreaFeature, AreaStat } from '../api/client.ts';
import { riskIndexBreaks, type TownAggregate, type TownAggregateState } from '../map/layers/index.ts';

/** Widens a box [w, s, e, n] by the positions of any GeoJSON coordinate nesting. */
function extend(box: [number, number, number, number], coords: unknown): void {
  if (!Array.isArray(coords)) return;
  if (typeof coords[0] === 'number' && typeof coords[1] === 'number') {
    box[0] = Math.min(box[0], coords[0]);
    box[1] = Math.min(box[1], coords[1]);
    box[2] = Math.max(box[2], coords[0]);
    box[3] = Math.max(box[3], coords[1]);
    return;
  }
  for (const c of coords) extend(box, c);
}

/**
 * The city overview's towns: each town with a label point and an outline, with its open
 * incidents and risk index (0 when the statistics do not list it); null until both are loaded.
 */
export function townAggregateState(
  towns: readonly AreaFeature[],
  stats: ReadonlyMap<string, AreaStat> | undefined,
): TownAggregateState | null {
  if (!stats || towns.length === 0) return null;
  const out: TownAggregate[] = [];
  for (const town of towns) {
    const p = town.properties;
    const g = town.geometry;
    if (!p.labelPoint || !g || !('coordinates' in g)) continue;
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    extend(bbox, g.coordinates);
    if (!(bbox[0] <= bbox[2])) continue;
    const s = stats.get(p.code);
    out.push({
      code: p.code,
      name: p.name,
      position: [p.labelPoint[0], p.labelPoint[1]],
      bbox,
      openIncidents: s?.openIncidents ?? 0,
      riskIndex: s?.riskIndex ?? 0,
    });
  }
  return {
    towns: out,
    maxOpen: out.reduce((m, t) => Math.max(m, t.openIncidents), 0),
    breaks: riskIndexBreaks(out.map((t) => t.riskIndex)),
  };
}
