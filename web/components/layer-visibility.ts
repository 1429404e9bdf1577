import type { ToggleId } from '../map/layers/types.ts';

/**
 * Every switch of the ordinary map layers off: pages with a map of their own things (the
 * batch plan, the teams) start from this so that a new layer does not appear on them unasked.
 */
export const ALL_LAYERS_OFF: Readonly<Record<ToggleId, boolean>> = {
  towns: false,
  villages: false,
  grids: false,
  sites: false,
  components: false,
  risk_sources: false,
  cameras: false,
  teams: false,
  incidents: false,
};

/** Only the given layers on (a new object: keep it at module level or memoise it). */
export function onlyLayers(...on: readonly ToggleId[]): Record<ToggleId, boolean> {
  const visible = { ...ALL_LAYERS_OFF };
  for (const id of on) visible[id] = true;
  return visible;
}

/** No area outlines loaded: such pages draw none. */
export const NO_AREAS = { town: [], village: [], grid: [] };
