import type { Layer, PickingInfo } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef } from 'react';

/** Props of DeckOverlay. */
export interface DeckOverlayProps {
  /** The loaded MapLibre map the overlay follows. */
  map: MapLibreMap;
  /** The deck.gl layers to draw (rebuilt by the app on every render). */
  layers: readonly Layer[];
  /** A click anywhere on the map; `info.object` is the picked item, if any. */
  onClick?: (info: PickingInfo) => void;
  /** Called after every deck.gl frame. */
  onAfterRender?: () => void;
}

function noop(): void {
  // nothing to do
}

/**
 * The single bridge between MapLibre and deck.gl: a MapboxOverlay control on its own canvas
 * above the map (interleaved: false, so the basemap never depends on deck.gl's render loop).
 * Renders nothing in React.
 */
export function DeckOverlay({ map, layers, onClick, onAfterRender }: DeckOverlayProps) {
  const overlayRef = useRef<MapboxOverlay | null>(null);

  useEffect(() => {
    const overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      // Keep the drawing buffer so tests can read pixels / take screenshots.
      deviceProps: { type: 'webgl', webgl: { preserveDrawingBuffer: true } },
      // Show a pointer over pickable items (deck.gl's own canvas does not take pointer events).
      onHover: (info) => {
        map.getCanvas().style.cursor = info.picked ? 'pointer' : '';
      },
    });
    // MapboxOverlay implements the IControl shape MapLibre expects; its typings name Mapbox's.
    map.addControl(overlay as unknown as IControl);
    overlayRef.current = overlay;
    return () => {
      overlayRef.current = null;
      map.removeControl(overlay as unknown as IControl);
    };
  }, [map]);

  useEffect(() => {
    // deck.gl calls its callbacks unconditionally: an absent one must be a function that does nothing.
    overlayRef.current?.setProps({
      layers: [...layers],
      onClick: onClick ?? noop,
      onAfterRender: onAfterRender ?? noop,
    });
  }, [map, layers, onClick, onAfterRender]);

  return null;
}
