import { useEffect, useRef, useState } from 'react';
import { getAreas, type AreaFeature } from '../api/client.ts';
import { AREA_ZOOM, DRAWN_AREA_LEVELS, type DrawnAreaLevel } from './layers/types.ts';

/**
 * How each level is requested: simplification tolerance in degrees (≈ 5 m per 0.00005 here)
 * and the zoom from which it is loaded — half a level before it is drawn, so it is usually
 * there when the user arrives.
 */
const AREA_REQUEST: Record<DrawnAreaLevel, { simplify: number; loadFrom: number }> = {
  town: { simplify: 0.00005, loadFrom: 0 },
  village: { simplify: 0.0001, loadFrom: AREA_ZOOM.village.outline - 0.5 },
  grid: { simplify: 0.00005, loadFrom: AREA_ZOOM.grid.outline - 0.5 },
};

const NO_AREAS: readonly AreaFeature[] = [];
const NO_EAGER: Partial<Record<DrawnAreaLevel, boolean>> = {};

/** What useAreas() returns. */
export interface AreasState {
  /** Areas with an outline, per level (EPSG:4326); empty until loaded. */
  areas: Record<DrawnAreaLevel, readonly AreaFeature[]>;
  /** Load error message per level, if any. */
  errors: Partial<Record<DrawnAreaLevel, string>>;
}

/**
 * Town, village and grid outlines, each fetched once: towns at once, villages and grids lazily
 * when the zoom approaches their threshold and their switch is on.
 */
export function useAreas(
  zoom: number,
  wanted: Record<DrawnAreaLevel, boolean>,
  /** Levels needed now whatever the zoom (e.g. villages for a choropleth). */
  eager: Partial<Record<DrawnAreaLevel, boolean>> = NO_EAGER,
): AreasState {
  const [state, setState] = useState<AreasState>({
    areas: { town: NO_AREAS, village: NO_AREAS, grid: NO_AREAS },
    errors: {},
  });
  const requested = useRef(new Set<DrawnAreaLevel>());

  useEffect(() => {
    for (const level of DRAWN_AREA_LEVELS) {
      if (requested.current.has(level)) continue;
      if (!eager[level] && (!wanted[level] || zoom < AREA_REQUEST[level].loadFrom)) continue;
      requested.current.add(level);
      getAreas({ level, geometry: true, simplify: AREA_REQUEST[level].simplify })
        .then((collection) => {
          const withOutline = collection.features.filter((f) => f.geometry !== null);
          setState((s) => ({ ...s, areas: { ...s.areas, [level]: withOutline } }));
        })
        .catch((error: unknown) => {
          // Allow a retry on the next zoom change or toggle.
          requested.current.delete(level);
          const message = error instanceof Error ? error.message : String(error);
          setState((s) => ({ ...s, errors: { ...s.errors, [level]: message } }));
        });
    }
  }, [zoom, wanted, eager]);

  return state;
}
