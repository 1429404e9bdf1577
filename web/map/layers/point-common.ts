import type { Accessor, Color } from '@deck.gl/core';
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { TilePoint } from '../use-point-tiles.ts';
import { LABEL_FONT_FAMILY, pointScale, type MapLayerState } from './types.ts';

/** Pixel radius of a cluster of `count` features: grows with the logarithm, capped. */
export function clusterRadius(count: number): number {
  return Math.min(17, 4 + 2.2 * Math.log2(Math.max(1, count)));
}

/** A count as short text: 7, 86, 1.2k. */
export function shortCount(count: number): string {
  return count >= 1000 ? `${(count / 1000).toFixed(count >= 10000 ? 0 : 1)}k` : String(count);
}

/** Options of pointLayers(). */
export interface PointLayerOptions {
  /** Layer id (the API layer id). */
  id: string;
  points: readonly TilePoint[];
  zoom: number;
  getFillColor: Accessor<TilePoint, Color>;
  /** Pixel radius of a single point (before the zoom scale). */
  getRadius: Accessor<TilePoint, number>;
  lineColor?: Color;
  /** Clusters of at least this many features carry their count as text. */
  labelFrom?: number;
  /** Keys of the props whose change must recompute colours (e.g. a filter). */
  updateKey?: string;
  /** Drawn faint (a thematic map is shown). */
  dimmed?: boolean;
}

/**
 * The markers of a point tile layer: single features as dots, clusters (points with a `count`)
 * as larger dots sized by their count, with the count written on the larger ones (`<id>-count`).
 */
export function pointLayers(
  o: PointLayerOptions,
): [ScatterplotLayer<TilePoint>, TextLayer<TilePoint> | null] {
  const scale = pointScale(o.zoom);
  const getRadius = o.getRadius;
  const dots = new ScatterplotLayer<TilePoint>({
    id: o.id,
    data: o.points,
    getPosition: (p) => p.position,
    getFillColor: o.getFillColor,
    getLineColor: o.lineColor ?? [255, 255, 255, 230],
    stroked: true,
    radiusUnits: 'pixels',
    getRadius: (p, info) =>
      p.count !== null
        ? clusterRadius(p.count) / scale
        : typeof getRadius === 'function'
          ? getRadius(p, info)
          : getRadius,
    radiusScale: scale,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: true,
    autoHighlight: true,
    opacity: o.dimmed ? 0.3 : 1,
    updateTriggers: { getFillColor: o.updateKey, getRadius: [scale, o.updateKey] },
  });
  const labelFrom = o.labelFrom ?? 10;
  const labelled = labelledClusters(o.points, labelFrom);
  const labels =
    labelled.length === 0
      ? null
      : new TextLayer<TilePoint>({
          id: `${o.id}-count`,
          data: labelled,
          getPosition: (p) => p.position,
          getText: (p) => shortCount(p.count ?? 0),
          getSize: 11,
          sizeUnits: 'pixels',
          getColor: [20, 20, 30, 255],
          fontFamily: LABEL_FONT_FAMILY,
          fontWeight: 600,
          characterSet: '0123456789.k',
          fontSettings: { sdf: true },
          outlineWidth: 2,
          outlineColor: [255, 255, 255, 230],
          getTextAnchor: 'middle',
          getAlignmentBaseline: 'center',
          opacity: o.dimmed ? 0.3 : 1,
          pickable: false,
        });
  return [dots, labels];
}

const labelCache = new WeakMap<readonly TilePoint[], Map<number, TilePoint[]>>();

/** The clusters worth a count label, memoised per points array. */
function labelledClusters(points: readonly TilePoint[], from: number): TilePoint[] {
  let byFrom = labelCache.get(points);
  if (!byFrom) {
    byFrom = new Map();
    labelCache.set(points, byFrom);
  }
  let out = byFrom.get(from);
  if (!out) {
    out = points.filter((p) => p.count !== null && p.count >= from);
    byFrom.set(from, out);
  }
  return out;
}

/** Whether a thematic map (choropleth, incident density) is shown: points are then drawn faint. */
export function thematicShown(state: MapLayerState): boolean {
  return Boolean(state.choropleth ?? state.density);
}

/** A numeric tile property, or the fallback. */
export function numProp(p: TilePoint, key: string, fallback: number): number {
  const v = p.properties[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}
