import { TextLayer } from '@deck.gl/layers';
import type { AreaFeature } from '../../api/client.ts';
import { memoByArray } from './geometry.ts';
import {
  AREA_TOGGLE,
  AREA_ZOOM,
  DRAWN_AREA_LEVELS,
  LABEL_FONT_FAMILY,
  type DrawnAreaLevel,
  type MapLayerState,
} from './types.ts';

/** Prefix of the area label layer ids; one layer per level: `area-label-town` etc. */
export const AREA_LABEL_LAYER_ID = 'area-label';

/** Id of the label layer of one level. */
export function areaLabelLayerId(level: DrawnAreaLevel): string {
  return `${AREA_LABEL_LAYER_ID}-${level}`;
}

/** An area that has a label point (lon, lat in EPSG:4326). */
type LabelledArea = AreaFeature & { properties: { labelPoint: [number, number] } };

const withLabelPoint = memoByArray((areas: readonly AreaFeature[]): LabelledArea[] =>
  areas.filter((a): a is LabelledArea => a.properties.labelPoint !== null),
);

/** Text size per level, in screen pixels. */
const SIZE_PX: Record<DrawnAreaLevel, number> = { town: 15, village: 12, grid: 10 };
const TEXT_COLOR: Record<DrawnAreaLevel, [number, number, number, number]> = {
  town: [52, 24, 100, 255],
  village: [70, 60, 110, 240],
  grid: [90, 90, 110, 230],
};

/**
 * Area names at their `labelPoint`, drawn by deck.gl (MapLibre symbol labels would need glyphs
 * from the internet). Character atlas built from the names ('auto'), local fonts only.
 */
export function areaLabelLayers(state: MapLayerState): TextLayer<LabelledArea>[] {
  return DRAWN_AREA_LEVELS.filter(
    (level) =>
      state.visible[AREA_TOGGLE[level]] &&
      state.zoom >= AREA_ZOOM[level].label &&
      state.areas[level].length > 0,
  ).map(
    (level) =>
      new TextLayer<LabelledArea>({
        id: areaLabelLayerId(level),
        data: withLabelPoint(state.areas[level]),
        getPosition: (a) => a.properties.labelPoint,
        getText: (a) => a.properties.name,
        getSize: SIZE_PX[level],
        sizeUnits: 'pixels',
        getColor: TEXT_COLOR[level],
        fontFamily: LABEL_FONT_FAMILY,
        fontWeight: level === 'town' ? 600 : 400,
        characterSet: 'auto',
        // SDF atlas so the text can carry a light halo that keeps it readable over lines.
        fontSettings: { sdf: true },
        outlineWidth: 3,
        outlineColor: [255, 255, 255, 220],
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        pickable: false,
      }),
  );
}
