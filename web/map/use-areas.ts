import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { getAreas, type AreaCollection, type AreaFeature } from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { AREA_ZOOM, type DrawnAreaLevel } from './layers/types.ts';

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
  /** Load error per level, if any (for errorMessage()). */
  errors: Partial<Record<DrawnAreaLevel, Error>>;
}

/** Whether a level is needed at this zoom with these switches (pure: unit-tested). */
export function areaLevelWanted(
  level: DrawnAreaLevel,
  zoom: number,
  wanted: Record<DrawnAreaLevel, boolean>,
  eager: Partial<Record<DrawnAreaLevel, boolean>>,
): boolean {
  return eager[level] === true || (wanted[level] && zoom >= AREA_REQUEST[level].loadFrom);
}

function withOutline(collection: AreaCollection): readonly AreaFeature[] {
  return collection.features.filter((f) => f.geometry !== null);
}

/**
 * The outlines of one level, asked once they are first needed; zooming out again keeps them
 * (a disabled query keeps its data), and area changes (live events) refresh them.
 */
function useAreaLevel(level: DrawnAreaLevel, needed: boolean) {
  const { simplify } = AREA_REQUEST[level];
  return useQuery({
    queryKey: queryKey('areas', 'outlines', level, simplify),
    queryFn: ({ signal }) => getAreas({ level, geometry: true, simplify }, signal),
    select: withOutline,
    enabled: needed,
  });
}

/**
 * Town, village and grid outlines, one query per level: towns at once, villages and grids lazily
 * when the zoom approaches their threshold and their switch is on.
 */
export function useAreas(
  zoom: number,
  wanted: Record<DrawnAreaLevel, boolean>,
  /** Levels needed now whatever the zoom (e.g. villages for a choropleth). */
  eager: Partial<Record<DrawnAreaLevel, boolean>> = NO_EAGER,
): AreasState {
  const town = useAreaLevel('town', areaLevelWanted('town', zoom, wanted, eager));
  const village = useAreaLevel('village', areaLevelWanted('village', zoom, wanted, eager));
  const grid = useAreaLevel('grid', areaLevelWanted('grid', zoom, wanted, eager));
  const townAreas = town.data ?? NO_AREAS;
  const villageAreas = village.data ?? NO_AREAS;
  const gridAreas = grid.data ?? NO_AREAS;
  // one object per change of the outlines: the map's layers are rebuilt from it
  const areas = useMemo(
    () => ({ town: townAreas, village: villageAreas, grid: gridAreas }),
    [townAreas, villageAreas, gridAreas],
  );
  const errors: AreasState['errors'] = {};
  if (town.error) errors.town = town.error;
  if (village.error) errors.village = village.error;
  if (grid.error) errors.grid = grid.error;
  return { areas, errors };
}
