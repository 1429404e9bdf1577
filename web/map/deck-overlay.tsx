import type { Layer, PickingInfo } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useReducer, useRef } from 'react';
import { publishTestState } from '../test-hooks.ts';
import { displayShiftOf, isDisplayMap, onDisplayShiftChange, rawMap } from './display-map.ts';
import { shiftLayer, storedObject, unshiftPickingInfo } from './display-shift.ts';

/** Props of DeckOverlay. */
export interface DeckOverlayProps {
  /** The loaded MapLibre map the overlay follows (as MapView hands it out, or any map). */
  map: MapLibreMap;
  /** The deck.gl layers to draw (rebuilt by the app on every render), positions in WGS84. */
  layers: readonly Layer[];
  /**
   * A click anywhere on the map; `info.object` is the picked item, if any (the app's own object),
   * `info.coordinate` the clicked position in WGS84 whatever the basemap.
   */
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
 *
 * On a GCJ-02 basemap (a map from MapView speaking WGS84) every layer is drawn shifted here,
 * vertex by vertex (see shiftLayer), and picks are turned back to stored coordinates and objects;
 * deck.gl follows the MapLibre map itself, in the basemap's coordinates.
 */
export function DeckOverlay({ map, layers, onClick, onAfterRender }: DeckOverlayProps) {
  const overlayRef = useRef<MapboxOverlay | null>(null);
  // Bumped when the user switches basemap, so the layers are drawn under the new shift.
  const [shiftVersion, shiftChanged] = useReducer((n: number) => n + 1, 0);

  useEffect(() => {
    const target = rawMap(map);
    const overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      // Keep the drawing buffer so tests can read pixels / take screenshots.
      deviceProps: { type: 'webgl', webgl: { preserveDrawingBuffer: true } },
      // Show a pointer over pickable items (deck.gl's own canvas does not take pointer events).
      onHover: (info) => {
        target.getCanvas().style.cursor = info.picked ? 'pointer' : '';
      },
    });
    // MapboxOverlay implements the IControl shape MapLibre expects; its typings name Mapbox's.
    target.addControl(overlay as unknown as IControl);
    overlayRef.current = overlay;
    const unsubscribe = onDisplayShiftChange(map, shiftChanged);
    publishTestState({
      pick: (x, y) => {
        const info = overlay.pickObject({ x, y, radius: 2 });
        return info?.layer ? { layer: info.layer.id, object: storedObject(info.object as unknown) } : null;
      },
    });
    return () => {
      unsubscribe();
      publishTestState({ pick: undefined });
      overlayRef.current = null;
      target.removeControl(overlay as unknown as IControl);
    };
  }, [map]);

  useEffect(() => {
    const shift = displayShiftOf(map);
    const always = isDisplayMap(map);
    // deck.gl calls its callbacks unconditionally: an absent one must be a function that does nothing.
    overlayRef.current?.setProps({
      layers: layers.map((layer) => shiftLayer(layer, shift, always)),
      onClick:
        onClick && always
          ? (info: PickingInfo) => onClick(unshiftPickingInfo(info, shift))
          : (onClick ?? noop),
      onAfterRender: onAfterRender ?? noop,
    });
  }, [map, layers, onClick, onAfterRender, shiftVersion]);

  return null;
}
