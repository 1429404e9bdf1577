import type { StyleSpecification } from 'maplibre-gl';
import type { BasemapSettings } from '../../api/schemas/basemap.ts';
import { bundledFontFaces, MAP_FONT } from '../fonts/bundled-font.ts';
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

/** Id of the vector source of roads and place names (GET /api/tiles/basemap/{z}/{x}/{y}.mvt). */
export const BASEMAP_CONTEXT_SOURCE = 'basemap-context';

/** Ids of the place name layers, from the last placed to the first (grid, village, town). */
export const PLACE_LABEL_LAYERS = ['place-grid', 'place-village', 'place-town'] as const;

/**
 * The basemap style with every relative source URL made absolute against `origin`
 * (MapLibre loads GeoJSON and tiles in a web worker, which would resolve a relative URL against
 * the worker script instead of the page), and the bundled font's files as the `font-faces` of
 * the labels. There is no glyphs URL and no sprite: nothing in it is fetched from anywhere but
 * this server.
 *
 * Labels collide rather than overlap; MapLibre places the upper layers first, so a town's name
 * wins over a village's, a village's over a grid's, and every name over a road.
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
    if (source.type === 'vector' && source.tiles) {
      source.tiles = source.tiles.map((url) => absoluteUrl(url, origin));
    }
  }
  const faces = typeof document === 'undefined' ? [] : bundledFontFaces();
  if (faces.length > 0) style['font-faces'] = { [MAP_FONT]: faces };
  return style;
}

/** The basemap settings of the server (GET /api/basemap-settings). */
export type { BasemapSettings } from '../../api/schemas/basemap.ts';

/** What the web app draws when the server names no basemap, or cannot be asked: the offline one. */
export const OFFLINE_SETTINGS: BasemapSettings = {
  kind: 'offline',
  crs: 'wgs84',
  tiles: null,
  styleUrl: null,
  attribution: null,
  maxzoom: 18,
};

/**
 * A URL of the settings made absolute: a path on this origin gets the origin in front (not through
 * `new URL`, which would escape the braces of {z}/{x}/{y}); an absolute URL is kept.
 */
export function absoluteUrl(url: string, origin: string): string {
  return url.startsWith('/') && !url.startsWith('//') ? `${origin}${url}` : url;
}

/** Id of the raster source (and layer) of a tile server basemap. */
export const SERVER_RASTER_ID = 'basemap-server';

/**
 * The MapLibre style of the configured tile server: a raster source of 256-px tiles from the
 * template, or the URL of the vector style (MapLibre loads it). Null for the offline basemap.
 */
export function serverStyle(
  settings: BasemapSettings,
  origin: string = window.location.origin,
): StyleSpecification | string | null {
  if (settings.kind === 'vector' && settings.styleUrl) return absoluteUrl(settings.styleUrl, origin);
  if (settings.kind !== 'raster' || !settings.tiles) return null;
  return {
    version: 8,
    name: 'riskmap tile server',
    sources: {
      [SERVER_RASTER_ID]: {
        type: 'raster',
        tiles: [absoluteUrl(settings.tiles, origin)],
        tileSize: 256,
        maxzoom: settings.maxzoom,
        ...(settings.attribution ? { attribution: settings.attribution } : {}),
      },
    },
    layers: [
      // Shown while tiles load and beyond the server's coverage.
      { id: 'basemap-server-background', type: 'background', paint: { 'background-color': '#eef0f3' } },
      { id: SERVER_RASTER_ID, type: 'raster', source: SERVER_RASTER_ID },
    ],
  };
}

/**
 * The offline style with its attribution carried by its sources, for maps that also switch to a
 * tile server (the attribution then follows the basemap shown instead of being fixed on the map).
 */
export function offlineStyleWithAttribution(variant: BasemapVariant, origin?: string): StyleSpecification {
  const style = basemapStyle(variant, origin);
  const [osm, others] = BASEMAP_ATTRIBUTION;
  for (const [id, source] of Object.entries(style.sources)) {
    if (source.type !== 'geojson') continue;
    const text = id === 'osm-seas' ? osm : id === 'ne10m-land' ? others : undefined;
    if (text) source.attribution = text;
  }
  return style;
}

/** Which basemap the user draws when a tile server is configured. */
export type BasemapChoice = 'server' | 'offline';

const CHOICE_KEY = 'riskmap.basemap';

/** The user's last choice (the tile server unless they picked the offline basemap). */
export function storedBasemapChoice(): BasemapChoice {
  try {
    return window.localStorage.getItem(CHOICE_KEY) === 'offline' ? 'offline' : 'server';
  } catch {
    return 'server';
  }
}

/** Remembers the user's choice for the next visit. */
export function storeBasemapChoice(choice: BasemapChoice): void {
  try {
    window.localStorage.setItem(CHOICE_KEY, choice);
  } catch {
    // the choice then lasts for this page only
  }
}
