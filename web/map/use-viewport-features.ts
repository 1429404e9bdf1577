import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import { FEATURE_LAYER_IDS, getLayerFeatures, type BBox, type Feature, type LayerId } from '../api/client.ts';
import { featurePosition } from './layers/geometry.ts';

/** Layers too dense to draw city-wide: not fetched below DENSE_MIN_ZOOM. */
export const DENSE_LAYERS: ReadonlySet<LayerId> = new Set<LayerId>(['components', 'cameras']);

/** Zoom from which the dense layers are fetched, and below which requests carry LOW_ZOOM_LIMIT. */
export const DENSE_MIN_ZOOM = 11;

/** Feature cap per layer and request below DENSE_MIN_ZOOM (keeps the overview light). */
export const LOW_ZOOM_LIMIT = 1000;

/** Feature cap per layer and request from DENSE_MIN_ZOOM on. */
export const HIGH_ZOOM_LIMIT = 5000;

/** Wait this long (ms) after the map stops moving before fetching. */
const MOVE_DEBOUNCE_MS = 250;

/** The outcome of the last fetch of one layer. */
export interface LayerFetchStatus {
  /** Features drawn from the last answer. */
  count: number;
  /** More features matched than the limit allowed. */
  truncated: boolean;
  loading: boolean;
  /** Not fetched at this zoom (dense layer below DENSE_MIN_ZOOM). */
  skipped: boolean;
  error: string | null;
}

/** What useViewportFeatures() returns. */
export interface ViewportFeatures {
  features: Partial<Record<LayerId, readonly Feature[]>>;
  status: Partial<Record<LayerId, LayerFetchStatus>>;
}

/** The visible part of the map as [minLon, minLat, maxLon, maxLat], clamped to valid degrees. */
function viewportBBox(map: MapLibreMap): BBox {
  const b = map.getBounds();
  return [
    Math.max(-180, b.getWest()),
    Math.max(-90, b.getSouth()),
    Math.min(180, b.getEast()),
    Math.min(90, b.getNorth()),
  ];
}

const EMPTY: readonly Feature[] = [];

/**
 * Point features of the switched-on layers inside the current viewport, refetched (debounced)
 * when the map stops moving or a switch changes. Older requests are aborted, so a slow answer
 * never overwrites a newer one.
 */
export function useViewportFeatures(
  map: MapLibreMap | null,
  visible: Readonly<Record<LayerId, boolean>>,
): ViewportFeatures {
  const [result, setResult] = useState<ViewportFeatures>({ features: {}, status: {} });
  const [moveCount, setMoveCount] = useState(0);

  useEffect(() => {
    if (!map) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onMoveEnd = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setMoveCount((n) => n + 1), MOVE_DEBOUNCE_MS);
    };
    map.on('moveend', onMoveEnd);
    return () => {
      clearTimeout(timer);
      map.off('moveend', onMoveEnd);
    };
  }, [map]);

  // A stable key of the switches, so a new but equal object does not refetch.
  const visibleKey = FEATURE_LAYER_IDS.filter((id) => visible[id]).join(',');

  useEffect(() => {
    if (!map) return;
    const controller = new AbortController();
    const zoom = map.getZoom();
    const bbox = viewportBBox(map);
    const limit = zoom < DENSE_MIN_ZOOM ? LOW_ZOOM_LIMIT : HIGH_ZOOM_LIMIT;
    const shown = new Set(visibleKey.split(','));

    const update = (
      layer: LayerId,
      features: readonly Feature[] | undefined,
      status: LayerFetchStatus | undefined,
    ) =>
      setResult((r) => ({
        features: { ...r.features, [layer]: features },
        status: { ...r.status, [layer]: status },
      }));

    for (const layer of FEATURE_LAYER_IDS) {
      if (!shown.has(layer)) {
        update(layer, undefined, undefined);
        continue;
      }
      if (DENSE_LAYERS.has(layer) && zoom < DENSE_MIN_ZOOM) {
        update(layer, EMPTY, { count: 0, truncated: false, loading: false, skipped: true, error: null });
        continue;
      }
      setResult((r) => {
        const previous = r.status[layer];
        const status = previous
          ? { ...previous, loading: true, skipped: false }
          : { count: 0, truncated: false, loading: true, skipped: false, error: null };
        return { ...r, status: { ...r.status, [layer]: status } };
      });
      getLayerFeatures(layer, { bbox, limit }, controller.signal)
        .then((collection) => {
          // Features without a usable position cannot be drawn; leave them out of the count too.
          const features = collection.features.filter((f) => featurePosition(f) !== null);
          update(layer, features, {
            count: features.length,
            truncated: collection.truncated,
            loading: false,
            skipped: false,
            error: null,
          });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          const message = error instanceof Error ? error.message : String(error);
          update(layer, EMPTY, {
            count: 0,
            truncated: false,
            loading: false,
            skipped: false,
            error: message,
          });
        });
    }
    return () => controller.abort();
  }, [map, moveCount, visibleKey]);

  return result;
}
