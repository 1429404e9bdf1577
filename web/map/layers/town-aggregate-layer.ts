import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { hexToRgba, type Rgba } from '../colors.ts';
import { LABEL_FONT_FAMILY, POINT_MIN_ZOOM, type MapLayerState, type TownAggregate } from './types.ts';

/** Layer id of the town bubbles of the city overview. */
export const TOWN_AGGREGATE_LAYER_ID = 'town-aggregate';

/** Layer id of the open-incident figures inside the town bubbles. */
export const TOWN_AGGREGATE_NUMBER_LAYER_ID = 'town-aggregate-number';

/**
 * Four classes of the risk index, light to dark (ColorBrewer BuPu): apart from the national risk
 * colours, which mean one risk level, and from the choropleth's palette beneath.
 */
export const TOWN_AGGREGATE_COLORS_HEX = ['#b3cde3', '#8c96c6', '#8856a7', '#810f7c'] as const;

const COLORS: Rgba[] = TOWN_AGGREGATE_COLORS_HEX.map((hex) => hexToRgba(hex, 215));

/** Bubble radius in pixels: the smallest (no open incident) and the largest (the town with most). */
export const TOWN_BUBBLE_MIN_PX = 8;
export const TOWN_BUBBLE_MAX_PX = 22;

/** The bubble radius of a town: its area grows with the open incidents, up to the town with most. */
export function townBubbleRadius(openIncidents: number, maxOpen: number): number {
  if (maxOpen <= 0 || openIncidents <= 0) return TOWN_BUBBLE_MIN_PX;
  const share = Math.min(1, openIncidents / maxOpen);
  return TOWN_BUBBLE_MIN_PX + (TOWN_BUBBLE_MAX_PX - TOWN_BUBBLE_MIN_PX) * Math.sqrt(share);
}

/**
 * Upper bounds of the first three risk index classes (quartiles of the towns' values, ascending
 * and distinct): a town in class k has a value below breaks[k] and at least breaks[k - 1].
 */
export function riskIndexBreaks(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  if (sorted.length === 0) return out;
  for (let k = 1; k < COLORS.length; k++) {
    const v = sorted[Math.floor((k * sorted.length) / COLORS.length)] ?? 0;
    if (v > (sorted[0] ?? 0) && (out.length === 0 || v > (out[out.length - 1] ?? -Infinity))) out.push(v);
  }
  return out;
}

/** The class (0…3) of a risk index: classes spread over the palette, the top class darkest. */
export function riskIndexClass(value: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && value >= (breaks[i] ?? Infinity)) i++;
  return breaks.length === 0 ? 0 : Math.round((i * (COLORS.length - 1)) / breaks.length);
}

/**
 * The city overview (below POINT_MIN_ZOOM): one bubble per town at its label point, its size
 * the open incidents, its colour the class of the risk index, the open incidents written inside;
 * the point layers are not drawn at that zoom. A click on a bubble zooms to the town.
 */
export function townAggregateLayers(state: MapLayerState) {
  const agg = state.townAggregates;
  if (!agg || agg.towns.length === 0 || state.zoom >= POINT_MIN_ZOOM) return null;
  const { towns, maxOpen, breaks } = agg;
  return [
    new ScatterplotLayer<TownAggregate>({
      id: TOWN_AGGREGATE_LAYER_ID,
      data: towns as TownAggregate[],
      getPosition: (d) => d.position,
      getRadius: (d) => townBubbleRadius(d.openIncidents, maxOpen),
      radiusUnits: 'pixels',
      getFillColor: (d) => COLORS[riskIndexClass(d.riskIndex, breaks)] ?? COLORS[0]!,
      stroked: true,
      getLineColor: [255, 255, 255, 235],
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 90],
      updateTriggers: { getRadius: maxOpen, getFillColor: breaks },
    }),
    new TextLayer<TownAggregate>({
      id: TOWN_AGGREGATE_NUMBER_LAYER_ID,
      data: towns as TownAggregate[],
      getPosition: (d) => d.position,
      getText: (d) => String(d.openIncidents),
      getSize: 12,
      getColor: (d) => (riskIndexClass(d.riskIndex, breaks) >= 2 ? [255, 255, 255, 255] : [30, 30, 50, 255]),
      fontFamily: LABEL_FONT_FAMILY,
      fontWeight: 700,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      pickable: false,
      updateTriggers: { getColor: breaks },
    }),
  ];
}
