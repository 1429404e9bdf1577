import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import { HOME_AREA_COLOR, HOME_AREA_HALO_COLOR } from '../colors.ts';
import type { MapLayerState } from './types.ts';

/** Id of the home area outline layer; its halo is `home-area-halo`. */
export const HOME_AREA_LAYER_ID = 'home-area';

/**
 * The signed-in user's home area, emphasised: a wide soft halo under a firm line, above the
 * ordinary area outlines. Not pickable (the outlines below stay clickable). Nothing for the city.
 */
export function homeAreaLayers(state: MapLayerState): GeoJsonLayer[] {
  const area = state.homeArea;
  if (!area?.geometry) return [];
  const data = [area as unknown as GeoJsonFeature<GeoJsonGeometry>];
  const common = {
    data,
    stroked: true,
    filled: false,
    lineWidthUnits: 'pixels' as const,
    lineJointRounded: true,
    pickable: false,
  };
  return [
    new GeoJsonLayer({
      ...common,
      id: `${HOME_AREA_LAYER_ID}-halo`,
      getLineColor: HOME_AREA_HALO_COLOR,
      getLineWidth: 10,
    }),
    new GeoJsonLayer({ ...common, id: HOME_AREA_LAYER_ID, getLineColor: HOME_AREA_COLOR, getLineWidth: 3 }),
  ];
}
