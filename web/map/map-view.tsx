import {
  Map as MapLibreMap,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type IControl,
  type StyleSpecification,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { getBasemapSettings, type BBox } from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { useI18n } from '../i18n.ts';
import { publishTestState } from '../test-hooks.ts';
import {
  BASEMAP_ATTRIBUTION,
  basemapStyle,
  OFFLINE_SETTINGS,
  offlineStyleWithAttribution,
  serverStyle,
  storeBasemapChoice,
  storedBasemapChoice,
  type BasemapChoice,
  type BasemapSettings,
  type BasemapVariant,
} from './basemap-style.ts';
import { displayMap, rawMap, resyncSources, setDisplayShift } from './display-map.ts';
import { displayShiftFor, NO_SHIFT, type DisplayShift } from './display-shift.ts';

// MapLibre 6 finds its worker next to its own module by default; once bundled that file is
// elsewhere, so point it at the copy Vite emits (same origin, nothing fetched from outside).
setWorkerUrl(workerUrl);

/** Initial view: Dongguan, lon/lat in degrees (EPSG:4326), web-mercator zoom. */
export const INITIAL_VIEW = { center: [113.75, 22.95] as [number, number], zoom: 9.3 };

/** Props of MapView. */
export interface MapViewProps {
  /** Which offline basemap to draw. */
  basemap: BasemapVariant;
  /** Accessible name of the map region. */
  ariaLabel: string;
  /**
   * Open fitted to this box [minLon, minLat, maxLon, maxLat] (the user's home area) instead of
   * INITIAL_VIEW. Read once, when the map is created.
   */
  initialBounds?: BBox | null;
  /** Room kept around initialBounds, in pixels (e.g. for the floating panels). */
  initialPadding?: { top: number; bottom: number; left: number; right: number };
  /** Called once with the map after its 'load' event (style and sources ready). */
  onLoad: (map: MapLibreMap) => void;
}

/**
 * The server's basemap settings, asked once per page load (a setting of the server: nothing
 * refreshes it); null until it answers. Any failure gives the offline basemap, so a map is
 * always drawn.
 */
function useBasemapSettings(): BasemapSettings | null {
  const query = useQuery({
    queryKey: queryKey('basemap', 'settings'),
    queryFn: ({ signal }) => getBasemapSettings(signal),
    staleTime: 'static',
    gcTime: Infinity,
    retry: false,
  });
  return query.data ?? (query.isError ? OFFLINE_SETTINGS : null);
}

/** The basemap drawn for a choice: the tile server's style, or the offline one. */
function styleFor(
  settings: BasemapSettings,
  choice: BasemapChoice,
  variant: BasemapVariant,
): StyleSpecification | string {
  if (settings.kind === 'offline') return basemapStyle(variant);
  const server = choice === 'server' ? serverStyle(settings) : null;
  return server ?? offlineStyleWithAttribution(variant);
}

/** The display shift for a choice: GCJ-02 only while a GCJ-02 tile server is drawn. */
function shiftFor(settings: BasemapSettings, choice: BasemapChoice): DisplayShift {
  return settings.kind !== 'offline' && choice === 'server' ? displayShiftFor(settings.crs) : NO_SHIFT;
}

/** Source and layer ids of a style object (none for a style URL: read once it is loaded). */
function idsOf(style: StyleSpecification | string | undefined): {
  sources: Set<string>;
  layers: Set<string>;
} {
  if (!style || typeof style === 'string') return { sources: new Set(), layers: new Set() };
  return { sources: new Set(Object.keys(style.sources)), layers: new Set(style.layers.map((l) => l.id)) };
}

/** A map button that switches between the tile server and the offline basemap. */
class BasemapSwitch implements IControl {
  readonly button = document.createElement('button');
  private readonly container = document.createElement('div');

  constructor(onClick: () => void) {
    this.container.className = 'maplibregl-ctrl maplibregl-ctrl-group';
    this.button.type = 'button';
    this.button.dataset.testid = 'basemap-switch';
    this.button.style.width = 'auto';
    this.button.style.padding = '0 8px';
    this.button.addEventListener('click', onClick);
    this.container.append(this.button);
  }

  onAdd(): HTMLElement {
    return this.container;
  }

  onRemove(): void {
    this.container.remove();
  }
}

/**
 * The MapLibre map filling its container. The drawing buffer is preserved so tests can read
 * pixels and take screenshots.
 *
 * The basemap follows the server's settings (GET /api/basemap-settings): the offline GeoJSON
 * basemap in the light/dark variant, or an intranet tile server, with a button to switch to the
 * offline basemap and back. With a GCJ-02 tile server the map handed to `onLoad` speaks WGS84
 * (see displayMap): the app's positions, clicks and camera moves are converted at its edge, and
 * the deck.gl overlay shifts the data for display. Storage is never shifted.
 */
export function MapView({ basemap, ariaLabel, initialBounds, initialPadding, onLoad }: MapViewProps) {
  const { t } = useI18n();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const onLoadRef = useRef(onLoad);
  onLoadRef.current = onLoad;
  // The variant and basemap the map was created with; later changes go through setStyle.
  const initialBasemap = useRef(basemap);
  const initialView = useRef({ bounds: initialBounds, padding: initialPadding });
  const settings = useBasemapSettings();
  const [choice, setChoice] = useState<BasemapChoice>(storedBasemapChoice);
  const applied = useRef<{ choice: BasemapChoice; variant: BasemapVariant } | null>(null);
  const basemapIds = useRef(idsOf(undefined));
  const switchRef = useRef<BasemapSwitch | null>(null);
  // The choice the map is created with (read once, when the settings are known); later changes
  // go through the effect that switches the style.
  const choiceAtCreation = useRef(choice);
  useEffect(() => {
    choiceAtCreation.current = choice;
  }, [choice]);

  useEffect(() => {
    const container = containerRef.current;
    if (!container || !settings) return;
    const { bounds, padding } = initialView.current;
    const startChoice = choiceAtCreation.current;
    const shift = shiftFor(settings, startChoice);
    // The padding cannot exceed the container; shrink it on small screens.
    const fitPadding = padding && {
      top: Math.min(padding.top, container.clientHeight / 4),
      bottom: Math.min(padding.bottom, container.clientHeight / 4),
      left: Math.min(padding.left, container.clientWidth / 3),
      right: Math.min(padding.right, container.clientWidth / 4),
    };
    // The initial view is given in display coordinates (the map is not wrapped yet).
    const sw = shift.toDisplay(bounds ? [bounds[0], bounds[1]] : [0, 0]);
    const ne = shift.toDisplay(bounds ? [bounds[2], bounds[3]] : [0, 0]);
    const style = styleFor(settings, startChoice, initialBasemap.current);
    basemapIds.current = idsOf(style);
    applied.current = { choice: startChoice, variant: initialBasemap.current };
    const raw = new MapLibreMap({
      container,
      style,
      ...(bounds
        ? {
            bounds: [sw[0], sw[1], ne[0], ne[1]] as [number, number, number, number],
            fitBoundsOptions: { padding: fitPadding ?? 40, maxZoom: 16 },
          }
        : { center: shift.toDisplay(INITIAL_VIEW.center), zoom: INITIAL_VIEW.zoom }),
      minZoom: 7,
      maxZoom: 18,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
      // With a tile server the attribution follows the basemap shown (set on its sources).
      attributionControl:
        settings.kind === 'offline'
          ? { compact: false, customAttribution: [...BASEMAP_ATTRIBUTION] }
          : { compact: false },
      maplibreLogo: false,
      dragRotate: false,
      pitchWithRotate: false,
    });
    raw.touchZoomRotate.disableRotation();
    raw.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    raw.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    if (settings.kind !== 'offline') {
      const control = new BasemapSwitch(() => setChoice((c) => (c === 'server' ? 'offline' : 'server')));
      raw.addControl(control, 'top-right');
      switchRef.current = control;
    }
    // A GCJ-02 tile server: the app gets the map speaking WGS84; otherwise the map itself.
    const map = settings.kind !== 'offline' && settings.crs === 'gcj02' ? displayMap(raw, shift) : raw;
    raw.once('style.load', () => {
      // A style loaded from a URL: its ids are known only now (before the app adds its own).
      if (typeof style === 'string') basemapIds.current = idsOf(raw.getStyle());
    });
    raw.once('load', () => onLoadRef.current(map));
    mapRef.current = map;
    publishTestState({
      basemap: {
        kind: settings.kind,
        crs: settings.crs,
        choice: () => applied.current?.choice ?? 'offline',
        project: (lon, lat) => {
          const p = map.project([lon, lat]);
          return [p.x, p.y];
        },
        projectDisplay: (lon, lat) => {
          const p = raw.project([lon, lat]);
          return [p.x, p.y];
        },
        unproject: (x, y) => {
          const p = map.unproject([x, y]);
          return [p.lng, p.lat];
        },
        jumpTo: (lon, lat, zoom) => map.jumpTo({ center: [lon, lat], zoom }),
        renderedFeatures: (layers) => {
          if (!raw.loaded() || !raw.areTilesLoaded()) return null;
          const present = layers.filter((id) => raw.getLayer(id));
          return raw.queryRenderedFeatures({ layers: present }).map((f) => ({
            layer: f.layer.id,
            name: typeof f.properties.name === 'string' ? f.properties.name : null,
          }));
        },
      },
    });
    return () => {
      mapRef.current = null;
      switchRef.current = null;
      publishTestState({ basemap: undefined });
      raw.remove();
    };
  }, [settings]);

  useEffect(() => {
    const button = switchRef.current?.button;
    if (!button) return;
    // The button names the basemap it switches to.
    button.textContent = t(choice === 'server' ? 'map.basemap.offline' : 'map.basemap.server');
    button.title = t('map.basemap.switch');
  }, [choice, t, settings]);

  useEffect(() => {
    const map = mapRef.current;
    const current = applied.current;
    if (!map || !settings || !current) return;
    if (current.choice === choice && current.variant === basemap) return;
    // The offline variant only matters while the offline basemap is drawn.
    if (current.choice === choice && choice === 'server' && settings.kind !== 'offline') {
      applied.current = { choice, variant: basemap };
      return;
    }
    applied.current = { choice, variant: basemap };
    if (settings.kind !== 'offline') storeBasemapChoice(choice);
    const raw = rawMap(map);
    const next = styleFor(settings, choice, basemap);
    if (settings.kind === 'offline') {
      raw.setStyle(next);
      return;
    }
    // Keep what the app added on top of the basemap (e.g. the grid editor's sources and layers).
    raw.setStyle(next, {
      transformStyle: (previous, loaded) => {
        const own = basemapIds.current;
        basemapIds.current = idsOf(loaded);
        if (!previous) return loaded;
        const sources = Object.fromEntries(
          Object.entries(previous.sources).filter(([id]) => !own.sources.has(id)),
        );
        const layers = previous.layers.filter((l) => !own.layers.has(l.id));
        return {
          ...loaded,
          sources: { ...loaded.sources, ...sources },
          layers: [...loaded.layers, ...layers],
        };
      },
    });
    setDisplayShift(map, shiftFor(settings, choice));
    // The carried sources hold the data as drawn before: draw them again under the new shift.
    raw.once('style.load', () => resyncSources(map));
  }, [choice, basemap, settings]);

  return <div ref={containerRef} className="map" data-testid="map" role="region" aria-label={ariaLabel} />;
}
