import { Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { BBox } from '../api/client.ts';
import { BASEMAP_ATTRIBUTION, basemapStyle, type BasemapVariant } from './basemap-style.ts';

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
 * The MapLibre map filling its container. The drawing buffer is preserved so tests can read
 * pixels and take screenshots.
 */
export function MapView({ basemap, ariaLabel, initialBounds, initialPadding, onLoad }: MapViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const onLoadRef = useRef(onLoad);
  onLoadRef.current = onLoad;
  // The variant the map was created with; later changes go through setStyle.
  const initialBasemap = useRef(basemap);
  const initialView = useRef({ bounds: initialBounds, padding: initialPadding });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const { bounds, padding } = initialView.current;
    // The padding cannot exceed the container; shrink it on small screens.
    const fitPadding = padding && {
      top: Math.min(padding.top, container.clientHeight / 4),
      bottom: Math.min(padding.bottom, container.clientHeight / 4),
      left: Math.min(padding.left, container.clientWidth / 3),
      right: Math.min(padding.right, container.clientWidth / 4),
    };
    const map = new MapLibreMap({
      container,
      style: basemapStyle(initialBasemap.current),
      ...(bounds
        ? {
            bounds: [bounds[0], bounds[1], bounds[2], bounds[3]] as [number, number, number, number],
            fitBoundsOptions: { padding: fitPadding ?? 40, maxZoom: 16 },
          }
        : { center: INITIAL_VIEW.center, zoom: INITIAL_VIEW.zoom }),
      minZoom: 7,
      maxZoom: 18,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
      attributionControl: { compact: false, customAttribution: [...BASEMAP_ATTRIBUTION] },
      maplibreLogo: false,
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.once('load', () => onLoadRef.current(map));
    mapRef.current = map;
    return () => {
      mapRef.current = null;
      map.remove();
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || basemap === initialBasemap.current) return;
    initialBasemap.current = basemap;
    map.setStyle(basemapStyle(basemap));
  }, [basemap]);

  return <div ref={containerRef} className="map" data-testid="map" role="region" aria-label={ariaLabel} />;
}
