import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import { ISOCHRONE_COLOR, type Rgba } from '../colors.ts';
import type { MapLayerState } from './types.ts';

/** Layer id of a team's isochrones. */
export const ISOCHRONE_LAYER_ID = 'isochrones';

const FALLBACK: Rgba = [59, 130, 246, 70];

/** Colour of the isochrone of `minutes` (the nearest of 5/10/15). */
export function isochroneColor(minutes: number): Rgba {
  return (
    ISOCHRONE_COLOR[minutes] ??
    (minutes < 8 ? ISOCHRONE_COLOR[5] : minutes < 13 ? ISOCHRONE_COLOR[10] : ISOCHRONE_COLOR[15]) ??
    FALLBACK
  );
}

/** A team's isochrones: the largest drawn first, so the shorter times lie on top. */
export function isochroneLayer(state: Pick<MapLayerState, 'isochrones'>) {
  const iso = state.isochrones;
  if (!iso || iso.features.length === 0) return null;
  const data = [...iso.features].sort(
    (a, b) => b.properties.minutes - a.properties.minutes,
  ) as unknown as GeoJsonFeature<GeoJsonGeometry, { minutes: number }>[];
  return new GeoJsonLayer<{ minutes: number }>({
    id: ISOCHRONE_LAYER_ID,
    data,
    filled: true,
    stroked: true,
    getFillColor: (f) => isochroneColor(f.properties.minutes),
    getLineColor: (f) => {
      const c = isochroneColor(f.properties.minutes);
      return [c[0], c[1], c[2], 230];
    },
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5,
    pickable: false,
  });
}
