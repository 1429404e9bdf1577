import type { StyleSpecification } from 'maplibre-gl';
import darkStyle from './styles/basemap-dark.json';
import lightStyle from './styles/basemap.json';

/** The offline basemap variants. */
export type BasemapVariant = 'light' | 'dark';

/**
 * Attribution of the basemap data, shown in MapLibre's attribution control. OSM for the seas
 * (ODbL requires it wherever osm-seas is drawn); Natural Earth and GSHHG for land, coast, rivers.
 */
export const BASEMAP_ATTRIBUTION: readonly string[] = [
  '© OpenStreetMap contributors',
  'Natural Earth, GSHHG',
];

/**
 * The basemap style with every relative source URL made absolute against `origin`
 * (MapLibre loads GeoJSON in a web worker, which would resolve a relative URL against the
 * worker script instead of the page). The style has no glyphs, sprite or symbol layers: nothing
 * in it is fetched from anywhere but the riskmap API.
 */
export function basemapStyle(
  variant: BasemapVariant,
  origin: string = window.location.origin,
): StyleSpecification {
  const base = (variant === 'dark' ? darkStyle : lightStyle) as unknown as StyleSpecification;
  const style = structuredClone(base);
  for (const source of Object.values(style.sources)) {
    if (source.type === 'geojson' && typeof source.data === 'string') {
      source.data = new URL(source.data, origin).href;
    }
  }
  return style;
}
