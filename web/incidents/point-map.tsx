import type { Layer } from '@deck.gl/core';
import { Map as MapLibreMap, Marker, NavigationControl, type StyleSpecification } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { tileUrl, type BBox } from '../api/client.ts';
import { BASEMAP_ATTRIBUTION, basemapStyle } from '../map/basemap-style.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import { INITIAL_VIEW } from '../map/map-view.tsx';

/**
 * The offline basemap (public), plus — for a signed-in user (withAreas) — the town, village and
 * grid outlines, which come from the scoped area tiles.
 */
function styleFor(withAreas: boolean): StyleSpecification {
  const style = basemapStyle('light');
  if (!withAreas) return style;
  // Town, village and grid outlines (the API's area vector tiles) to find one's way at street zoom.
  const outline = (level: 'town' | 'village' | 'grid', color: string, width: number, minzoom: number) => ({
    id: `point-map-${level}`,
    type: 'line' as const,
    source: 'point-map-areas',
    'source-layer': level,
    minzoom,
    paint: { 'line-color': color, 'line-width': width },
  });
  return {
    ...style,
    sources: {
      ...style.sources,
      'point-map-areas': { type: 'vector', tiles: [tileUrl('areas')], minzoom: 0, maxzoom: 16 },
    },
    layers: [
      ...style.layers,
      outline('grid', '#9aa3b5', 0.6, 12),
      outline('village', '#6b7a99', 1.2, 10),
      outline('town', '#54308c', 2.2, 0),
    ],
  };
}

/** Props of PointMap. */
export interface PointMapProps {
  /** The marked point [lon, lat] (degrees, EPSG:4326), or null for none. */
  point: [number, number] | null;
  /** Called with the tapped point; without it the map only shows the point. */
  onPick?: (point: [number, number]) => void;
  /** Also draw the area outlines (needs a session). */
  withAreas: boolean;
  /** Open fitted to this box when there is no point yet (e.g. the user's home area). */
  initialBounds?: BBox | null;
  /** Zoom when showing a point. */
  zoom?: number;
  ariaLabel: string;
  testId?: string;
  /** deck.gl layers drawn over the map (e.g. candidate routes), through the one overlay component. */
  layers?: readonly Layer[];
  /** Fit the view to this box [minLon, minLat, maxLon, maxLat] whenever it changes. */
  fitBounds?: BBox | null;
}

/**
 * A small MapLibre map with one marker; tapping sets the point when onPick is given. Optional
 * deck.gl layers are drawn over it.
 */
export function PointMap({
  point,
  onPick,
  withAreas,
  initialBounds,
  zoom = 14,
  ariaLabel,
  testId,
  layers,
  fitBounds,
}: PointMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [loaded, setLoaded] = useState<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;
  const initial = useRef({ point, zoom, withAreas, initialBounds });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const { point: start, zoom: startZoom, withAreas: areas, initialBounds: box } = initial.current;
    const view = start
      ? { center: start, zoom: startZoom }
      : box
        ? { bounds: [box[0], box[1], box[2], box[3]] as [number, number, number, number] }
        : { center: INITIAL_VIEW.center, zoom: INITIAL_VIEW.zoom };
    const map = new MapLibreMap({
      container,
      style: styleFor(areas),
      ...view,
      minZoom: 7,
      maxZoom: 18,
      canvasContextAttributes: { preserveDrawingBuffer: true },
      attributionControl: { compact: true, customAttribution: [...BASEMAP_ATTRIBUTION] },
      maplibreLogo: false,
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.on('click', (e) => {
      onPickRef.current?.([Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))]);
    });
    map.once('load', () => setLoaded(map));
    mapRef.current = map;
    return () => {
      markerRef.current = null;
      mapRef.current = null;
      setLoaded(null);
      map.remove();
    };
  }, []);

  const fitKey = fitBounds ? fitBounds.map((v) => v.toFixed(5)).join(',') : '';
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !fitKey) return;
    const [w, s, e, n] = fitKey.split(',').map(Number) as [number, number, number, number];
    map.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding: 30, maxZoom: 16, duration: 0 },
    );
  }, [fitKey]);

  const lon = point?.[0];
  const lat = point?.[1];
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (lon === undefined || lat === undefined) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    if (!markerRef.current)
      markerRef.current = new Marker({ color: '#c62828' }).setLngLat([lon, lat]).addTo(map);
    else markerRef.current.setLngLat([lon, lat]);
    // Bring the point into view, close enough to place it precisely.
    if (map.getZoom() < 12) map.jumpTo({ center: [lon, lat], zoom: initial.current.zoom });
    else if (!map.getBounds().contains([lon, lat])) map.jumpTo({ center: [lon, lat] });
  }, [lon, lat]);

  return (
    <>
      <div
        ref={containerRef}
        className={`point-map${onPick ? ' pickable' : ''}`}
        data-testid={testId}
        role="region"
        aria-label={ariaLabel}
      />
      {loaded && layers && <DeckOverlay map={loaded} layers={layers} />}
    </>
  );
}
