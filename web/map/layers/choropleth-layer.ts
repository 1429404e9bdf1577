import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import type { AreaFeature, AreaStat } from '../../api/client.ts';
import type { Rgba } from '../colors.ts';
import type { ChoroplethMetric, ChoroplethState, MapLayerState } from './types.ts';

/** Layer id of the choropleth fill. */
export const CHOROPLETH_LAYER_ID = 'choropleth';

/** Five sequential classes, light to dark (ColorBrewer PuRd: apart from the risk colours). */
export const CHOROPLETH_COLORS_HEX = ['#f1eef6', '#d7b5d8', '#df65b0', '#dd1c77', '#980043'] as const;

function hexRgba(hex: string, alpha: number): Rgba {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

const COLORS: Rgba[] = CHOROPLETH_COLORS_HEX.map((h) => hexRgba(h, 170));
const NO_DATA: Rgba = [200, 200, 200, 60];

/** The value of a metric for an area, or null when unknown (no population). */
export function metricValue(stat: AreaStat | undefined, metric: ChoroplethMetric): number | null {
  if (!stat) return null;
  const v = stat[metric];
  return typeof v === 'number' ? v : null;
}

/** Class breaks by quantiles: up to four ascending distinct upper bounds. */
export function quantileBreaks(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const out: number[] = [];
  for (let k = 1; k < 5; k++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / 5))] ?? 0;
    // A break at the minimum would make an empty first class.
    if (v > (sorted[0] ?? 0) && (out.length === 0 || v > (out[out.length - 1] ?? -Infinity))) out.push(v);
  }
  return out;
}

/** The class (0…4) of a value: the first break it does not exceed; spread over the palette. */
export function classOf(value: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && value >= (breaks[i] ?? Infinity)) i++;
  // Fewer breaks than classes: stretch over the palette so the top class is the darkest.
  return breaks.length === 0 ? 0 : Math.round((i * (COLORS.length - 1)) / breaks.length);
}

/** The colour of a class. */
export function classColorHex(index: number): string {
  return CHOROPLETH_COLORS_HEX[index] ?? CHOROPLETH_COLORS_HEX[0];
}

function fillOf(c: ChoroplethState, code: string): Rgba {
  const v = metricValue(c.stats.get(code), c.metric);
  return v === null ? NO_DATA : (COLORS[classOf(v, c.breaks)] ?? NO_DATA);
}

/** Towns or villages filled by a statistic (under the outlines, not pickable). */
export function choroplethLayer(state: MapLayerState) {
  const c = state.choropleth;
  if (!c) return null;
  const areas = state.areas[c.level];
  if (areas.length === 0) return null;
  return new GeoJsonLayer<AreaFeature['properties']>({
    id: CHOROPLETH_LAYER_ID,
    data: areas as unknown as GeoJsonFeature<GeoJsonGeometry, AreaFeature['properties']>[],
    filled: true,
    stroked: false,
    getFillColor: (f) => fillOf(c, f.properties.code),
    updateTriggers: { getFillColor: [c.metric, c.level, c.stats, c.breaks] },
    pickable: false,
  });
}
