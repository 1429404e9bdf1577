import type { BBox, FeatureCollection, FeatureQuery, LayerId } from '../api/client.ts';
import { pointOf, titleOf } from '../components/detail-format.ts';
import type { LayerFilter } from '../map/use-point-tiles.ts';

/** Features listed per layer: the list is read, not scanned; zooming in narrows it. */
export const IN_VIEW_LIMIT = 50;

/** One feature of the list of what the map shows. */
export interface InViewItem {
  id: number;
  title: string;
  position: [number, number] | null;
}

/** The property a layer's level filter selects on (risk level, or incident priority). */
const LEVEL_PROPERTY: Partial<Record<LayerId, string>> = { risk_sources: 'level', incidents: 'priority' };

/**
 * The map's view rounded outwards to 4 decimals (≈ 10 m): the list is asked again only when
 * the view really moved, and a key is stable while the map settles.
 */
export function roundedBounds([w, s, e, n]: readonly [number, number, number, number]): BBox {
  const down = (v: number) => Math.floor(v * 1e4) / 1e4;
  const up = (v: number) => Math.ceil(v * 1e4) / 1e4;
  return [down(w), down(s), up(e), up(n)];
}

/**
 * The features request for a layer's list under the layer's filter, as the tiles are filtered;
 * null when no level is selected (the map then draws none of the layer). The API takes one
 * risk level and no priority: other level choices are applied to the answer (inViewItems).
 */
export function inViewQuery(
  layer: LayerId,
  filter: LayerFilter | undefined,
  bbox: BBox,
): FeatureQuery | null {
  const { levels, kind, status, town } = filter ?? {};
  if (levels && levels.length === 0) return null;
  const level = layer === 'risk_sources' && levels?.length === 1 ? levels[0] : undefined;
  return { bbox, limit: IN_VIEW_LIMIT, kind, status, town, level };
}

/** The items of a layer's answer that the map draws under the layer's level filter. */
export function inViewItems(
  layer: LayerId,
  collection: FeatureCollection,
  filter: LayerFilter | undefined,
): InViewItem[] {
  const levels = filter?.levels;
  const property = LEVEL_PROPERTY[layer];
  return collection.features
    .filter((f) => !levels || !property || levels.includes(Number(f.properties[property])))
    .map((f) => ({ id: f.id, title: titleOf(f.properties, f.id), position: pointOf(f.geometry) }));
}
