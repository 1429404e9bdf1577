import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useId, useState } from 'react';
import { FEATURE_LAYER_IDS, type BBox, type LayerId } from '../api/client.ts';
import { LAYER_NAME } from '../components/labels.ts';
import { errorMessage } from '../lib/error-message.ts';
import { useI18n } from '../i18n.ts';
import type { LayerFilters } from '../map/use-point-tiles.ts';
import { IN_VIEW_LIMIT, inViewItems, inViewQuery, roundedBounds } from './in-view.ts';
import { useFeaturesInView } from './queries.ts';

/** Wait this long (ms) after the map stops moving before listing again. */
const MOVE_DEBOUNCE_MS = 300;

/** Props of FeaturesInView. */
export interface FeaturesInViewProps {
  map: MapLibreMap | null;
  visible: Readonly<Record<LayerId, boolean>>;
  filters: LayerFilters;
  /** Features in the view per layer, as the map counts them. */
  inView: Partial<Record<LayerId, number>>;
  /** An item was chosen: fly there and show its details. */
  onPick: (layer: LayerId, id: number, position: [number, number]) => void;
}

/** The map's view [w, s, e, n] (rounded), followed while `on`; null before the first. */
function useViewBounds(map: MapLibreMap | null, on: boolean): BBox | null {
  const [bounds, setBounds] = useState<BBox | null>(null);
  useEffect(() => {
    if (!map || !on) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const update = () => {
      const b = map.getBounds();
      setBounds(roundedBounds([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]));
    };
    const onMoveEnd = () => {
      clearTimeout(timer);
      timer = setTimeout(update, MOVE_DEBOUNCE_MS);
    };
    update();
    map.on('moveend', onMoveEnd);
    return () => {
      clearTimeout(timer);
      map.off('moveend', onMoveEnd);
    };
  }, [map, on]);
  return bounds;
}

/**
 * The text alternative of the map: the features in its view, per switched-on layer, each a
 * button that flies the map there and opens its details. Folded until asked for (it costs a
 * request per layer and view).
 */
export function FeaturesInView({ map, visible, filters, inView, onPick }: FeaturesInViewProps) {
  const { t } = useI18n();
  const bodyId = useId();
  const [open, setOpen] = useState(false);
  const bounds = useViewBounds(map, open);
  const layers = FEATURE_LAYER_IDS.filter((id) => visible[id]);

  return (
    <section className="panel features-panel" data-testid="features-in-view" aria-label={t('inView.title')}>
      <h2 className="panel-title">
        <button
          type="button"
          className="fold-button"
          data-testid="features-in-view-toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {t('inView.title')}
        </button>
      </h2>
      {open && (
        <div id={bodyId}>
          <p className="muted small">{t('inView.hint')}</p>
          {layers.length === 0 && <p className="muted small">{t('inView.noLayers')}</p>}
          {bounds &&
            layers.map((layer) => (
              <InViewLayer
                key={layer}
                layer={layer}
                bounds={bounds}
                filters={filters}
                total={inView[layer] ?? null}
                onPick={onPick}
              />
            ))}
        </div>
      )}
    </section>
  );
}

/** One layer's features in the view. */
function InViewLayer({
  layer,
  bounds,
  filters,
  total,
  onPick,
}: {
  layer: LayerId;
  bounds: BBox;
  filters: LayerFilters;
  total: number | null;
  onPick: FeaturesInViewProps['onPick'];
}) {
  const { t } = useI18n();
  const request = inViewQuery(layer, filters[layer], bounds);
  const query = useFeaturesInView(layer, request);
  const items = request && query.data ? inViewItems(layer, query.data, filters[layer]) : [];
  const name = t(LAYER_NAME[layer]);
  return (
    <div className="in-view-layer" data-testid={`in-view-${layer}`}>
      <h3 className="panel-subtitle">
        {name}
        {total !== null && ` (${total.toLocaleString()})`}
      </h3>
      {query.error ? (
        <p className="form-error small" role="alert">
          {errorMessage(query.error, t)}
        </p>
      ) : request && !query.data ? (
        <p className="muted small" role="status">
          {t('panel.loading')}
        </p>
      ) : items.length === 0 ? (
        <p className="muted small">{t('inView.none')}</p>
      ) : (
        <ul className="in-view-list" aria-label={name}>
          {items.map((item) => {
            const position = item.position;
            return (
              <li key={item.id}>
                <button
                  type="button"
                  className="in-view-item"
                  data-testid="in-view-item"
                  disabled={!position}
                  onClick={() => position && onPick(layer, item.id, position)}
                >
                  {item.title}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {query.data?.truncated && <p className="muted small">{t('inView.more', { n: IN_VIEW_LIMIT })}</p>}
    </div>
  );
}
