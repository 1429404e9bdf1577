import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import type { AreaFeature } from '../../api/client.ts';
import { AREA_LINE_COLOR } from '../colors.ts';
import {
  AREA_TOGGLE,
  AREA_ZOOM,
  DRAWN_AREA_LEVELS,
  type DrawnAreaLevel,
  type MapLayerState,
} from './types.ts';

/** Prefix of the area outline layer ids; one layer per level: `area-outline-town` etc. */
export const AREA_OUTLINE_LAYER_ID = 'area-outline';

/** Id of the outline layer of one level. */
export function areaOutlineLayerId(level: DrawnAreaLevel): string {
  return `${AREA_OUTLINE_LAYER_ID}-${level}`;
}

/** Line width per level, in screen pixels. */
const LINE_WIDTH_PX: Record<DrawnAreaLevel, number> = { town: 2, village: 1.2, grid: 0.8 };

/** The area levels whose outlines show at this zoom and are switched on. */
function shownLevels(state: MapLayerState): DrawnAreaLevel[] {
  return DRAWN_AREA_LEVELS.filter(
    (level) =>
      state.visible[AREA_TOGGLE[level]] &&
      state.zoom >= AREA_ZOOM[level].outline &&
      state.areas[level].length > 0,
  );
}

/**
 * Outlines of towns, villages and grids (EPSG:4326 polygons), each level from its zoom
 * threshold on. Only the finest level shown gets a fill, almost transparent, so a click inside an
 * area picks that area (the smallest one the user can see) rather than a coarser one.
 */
export function areaOutlineLayers(state: MapLayerState): GeoJsonLayer<AreaFeature['properties']>[] {
  const levels = shownLevels(state);
  const finest = levels[levels.length - 1];
  return levels.map(
    (level) =>
      new GeoJsonLayer<AreaFeature['properties']>({
        id: areaOutlineLayerId(level),
        // deck.gl's GeoJSON typings want its own Feature type; ours is the same shape.
        data: state.areas[level] as unknown as GeoJsonFeature<GeoJsonGeometry, AreaFeature['properties']>[],
        stroked: true,
        filled: level === finest,
        getFillColor: [255, 255, 255, 1],
        getLineColor: AREA_LINE_COLOR[level],
        lineWidthUnits: 'pixels',
        getLineWidth: LINE_WIDTH_PX[level],
        lineJointRounded: true,
        pickable: level === finest,
        autoHighlight: level === finest,
        highlightColor: [84, 48, 140, 40],
      }),
  );
}
