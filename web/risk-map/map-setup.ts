import type { BBox, LayerId, Me } from '../api/client.ts';
import { FEATURE_LAYER_IDS } from '../api/client.ts';
import { areaLevelKey, type DetailTarget } from '../components/detail-format.ts';
import { LAYER_NAME } from '../components/labels.ts';
import type { I18n } from '../i18n.ts';
import type { BasemapVariant } from '../map/basemap-style.ts';
import type { ToggleId } from '../map/layers/index.ts';
import { CITY_CODE } from './queries.ts';

/** Room around the home area when the map opens on it: the layer panel floats on the left. */
export const HOME_PADDING = { top: 40, bottom: 40, left: 260, right: 40 };

/** The switches at start: everything but the two densest layers (components, cameras). */
export const INITIAL_VISIBLE: Record<ToggleId, boolean> = {
  towns: true,
  villages: true,
  grids: true,
  ...(Object.fromEntries(FEATURE_LAYER_IDS.map((id) => [id, true])) as Record<LayerId, boolean>),
  components: false,
  cameras: false,
};

/** The box to open the map on: the home area's, unless it is the whole city (or unknown). */
export function homeBounds(me: Me): BBox | null {
  const b = me.homeAreaBBox;
  if (me.homeAreaCode === CITY_CODE || !b || b.length !== 4) return null;
  const [minLon, minLat, maxLon, maxLat] = b as [number, number, number, number];
  return [minLon, minLat, maxLon, maxLat];
}

/** Zoom rounded down to half levels: every threshold is a multiple of 0.5, and fewer renders. */
export function quantiseZoom(zoom: number): number {
  return Math.floor(zoom * 2) / 2;
}

/** `?basemap=dark` picks the dark basemap; anything else the light one. */
export function basemapFromUrl(): BasemapVariant {
  return new URLSearchParams(window.location.search).get('basemap') === 'dark' ? 'dark' : 'light';
}

/** The title of the layer an item belongs to. */
export function targetLayerName(target: DetailTarget, t: I18n['t']): string {
  if (target.kind === 'feature') return t(LAYER_NAME[target.layer]);
  return t(areaLevelKey(target.properties.level) ?? 'detail.title');
}

/** The kind (category, for incidents) codes of the points loaded, per layer, sorted: the filters offer them. */
export function kindsSeen(
  data: Partial<Record<LayerId, { points: readonly { properties: Record<string, unknown> }[] }>>,
): Partial<Record<LayerId, string[]>> {
  const out: Partial<Record<LayerId, string[]>> = {};
  for (const layer of FEATURE_LAYER_IDS) {
    const key = layer === 'incidents' ? 'category' : 'kind';
    const seen = new Set<string>();
    for (const p of data[layer]?.points ?? []) {
      const v = p.properties[key];
      if (typeof v === 'string') seen.add(v);
    }
    out[layer] = [...seen].sort();
  }
  return out;
}
