import type { PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { LayerId, SearchHit } from '../api/client.ts';
import type { DetailTarget } from '../components/detail-panel.tsx';
import {
  AREA_OUTLINE_LAYER_ID,
  POINT_MIN_ZOOM,
  TOWN_AGGREGATE_LAYER_ID,
  type TownAggregate,
  type ToggleId,
} from '../map/layers/index.ts';
import { RAW_ZOOM, type TilePoint } from '../map/use-point-tiles.ts';
import { FIT_PADDING } from './use-analysis.ts';

/** Zoom a search hit or list item flies to. */
const POINT_ZOOM = 16;

/** The feature layer of each kind of search hit. */
const SEARCH_LAYER: Record<Exclude<SearchHit['kind'], 'area'>, LayerId> = {
  site: 'sites',
  risk_source: 'risk_sources',
  team: 'teams',
  incident: 'incidents',
};

function isTilePoint(value: unknown): value is TilePoint {
  return (
    typeof value === 'object' &&
    value !== null &&
    'layer' in value &&
    'position' in value &&
    'count' in value &&
    'properties' in value
  );
}

interface Selection {
  target: DetailTarget | null;
  position: [number, number] | null;
  fromList: boolean;
}

const NO_SELECTION: Selection = { target: null, position: null, fromList: false };

interface PickingOptions {
  map: MapLibreMap | null;
  zoom: number;
  /** "What is around" is armed: a click picks its centre. */
  aroundArmed: boolean;
  startAround: (center: [number, number]) => void;
  setVisible: Dispatch<SetStateAction<Record<ToggleId, boolean>>>;
}

/**
 * What the user picks on the map page — a click on a point, a cluster, an area outline, a
 * search hit or a list item — and the selection it makes (the detail panel's target). An item
 * chosen from a list is followed by the keyboard focus, which returns to the list on close.
 */
export function useMapPicking({ map, zoom, aroundArmed, startAround, setVisible }: PickingOptions) {
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  // where the keyboard was when an item was chosen from a list: it goes back there on close
  const chosenFrom = useRef<HTMLElement | null>(null);
  const select = useCallback(
    (target: DetailTarget | null, position: [number, number] | null, fromList = false) => {
      chosenFrom.current =
        fromList && document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setSelection({ target, position, fromList });
    },
    [],
  );
  const closeDetail = useCallback(() => {
    const back = chosenFrom.current;
    select(null, null);
    if (back?.isConnected) back.focus();
  }, [select]);

  const flyToPoint = useCallback(
    (position: [number, number], zoomTo = POINT_ZOOM) => {
      map?.flyTo({ center: position, zoom: zoomTo, essential: true });
    },
    [map],
  );

  // read at click time: the armed state changes without rebuilding the deck.gl handler
  const armed = useRef(aroundArmed);
  armed.current = aroundArmed;
  const onClick = useCallback(
    (info: PickingInfo) => {
      if (armed.current) {
        const c = info.coordinate;
        if (c && typeof c[0] === 'number' && typeof c[1] === 'number') startAround([c[0], c[1]]);
        return;
      }
      const object: unknown = info.object;
      if (info.layer?.id === TOWN_AGGREGATE_LAYER_ID && typeof object === 'object' && object) {
        // a town of the city overview: zoom to the town, at least to where the points appear
        const town = object as TownAggregate;
        const [w, s, e, n] = town.bbox;
        const camera = map?.cameraForBounds(
          [
            [w, s],
            [e, n],
          ],
          { padding: FIT_PADDING },
        );
        map?.flyTo({
          center: camera?.center ?? town.position,
          zoom: Math.max(POINT_MIN_ZOOM, camera?.zoom ?? POINT_MIN_ZOOM),
          essential: true,
        });
        return;
      }
      if (isTilePoint(object)) {
        if (object.count !== null) {
          // a cluster: zoom in towards it (up to the zoom where its points appear)
          const current = map?.getZoom() ?? zoom;
          flyToPoint(object.position, Math.max(current + 1, Math.min(current + 2, RAW_ZOOM[object.layer])));
          return;
        }
        if (object.id !== null) {
          const target: DetailTarget = {
            kind: 'feature',
            layer: object.layer,
            id: object.id,
            position: object.position,
            properties: { ...object.properties },
          };
          select(target, object.position);
          return;
        }
      }
      if (info.layer?.id.startsWith(`${AREA_OUTLINE_LAYER_ID}-`) && typeof object === 'object' && object) {
        const properties = (object as { properties?: Record<string, unknown> }).properties;
        const code = properties?.code;
        if (typeof code === 'string') {
          select({ kind: 'area', code, properties: { ...properties } }, null);
          return;
        }
      }
      select(null, null);
    },
    [map, zoom, flyToPoint, select, startAround],
  );

  const onSearchPick = useCallback(
    (hit: SearchHit) => {
      const position: [number, number] | null =
        hit.lon !== null && hit.lat !== null ? [hit.lon, hit.lat] : null;
      if (hit.kind === 'area') {
        const b = hit.bbox;
        if (map && b && b.length === 4) {
          // the zoom that fits the area, centred on its label point, which lies inside it
          const camera = map.cameraForBounds(
            [
              [b[0] ?? 0, b[1] ?? 0],
              [b[2] ?? 0, b[3] ?? 0],
            ],
            { padding: FIT_PADDING, maxZoom: 16 },
          );
          map.flyTo({
            center: position ?? camera?.center ?? map.getCenter(),
            zoom: camera?.zoom ?? 13,
            essential: true,
          });
        } else if (position) flyToPoint(position, 13);
        select({ kind: 'area', code: hit.id, properties: { name: hit.label } }, null, true);
        return;
      }
      const layer = SEARCH_LAYER[hit.kind];
      setVisible((v) => (v[layer] ? v : { ...v, [layer]: true }));
      if (position) flyToPoint(position);
      select(
        { kind: 'feature', layer, id: Number(hit.id), position, properties: { name: hit.label } },
        position,
        true,
      );
    },
    [map, flyToPoint, select, setVisible],
  );

  const onPickItem = useCallback(
    (layer: LayerId, id: number, position: [number, number]) => {
      flyToPoint(position, Math.max(map?.getZoom() ?? 0, POINT_ZOOM));
      select({ kind: 'feature', layer, id, position, properties: {} }, position, true);
    },
    [map, flyToPoint, select],
  );

  return {
    selected: selection.target,
    selectionPos: selection.position,
    /** The item was chosen from a list (search, around, features in view): the panel takes the focus. */
    fromList: selection.fromList,
    closeDetail,
    onClick,
    onSearchPick,
    onPickItem,
  };
}
