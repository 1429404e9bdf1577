import { useState, type ReactNode } from 'react';
import { FEATURE_LAYER_IDS, type LayerId } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import type { ToggleId } from '../map/layers/types.ts';
import type { LayerFilter, TileLayerData } from '../map/use-point-tiles.ts';
import { LAYER_NAME } from './labels.ts';
import { LayerFilters } from './layer-filters.tsx';

/** Props of LayerPanel. */
export interface LayerPanelProps {
  visible: Record<ToggleId, boolean>;
  onToggle: (id: ToggleId, on: boolean) => void;
  /** Areas loaded per switch (towns, villages, grids). */
  areaCounts: Record<'towns' | 'villages' | 'grids', number>;
  /** What is loaded of each feature layer. */
  status: Partial<Record<LayerId, TileLayerData>>;
  /** Features in the viewport per layer. */
  inView: Partial<Record<LayerId, number>>;
  filters: Partial<Record<LayerId, LayerFilter>>;
  onFilter: (layer: LayerId, filter: LayerFilter) => void;
  /** Towns for the town filter. */
  towns: readonly { code: string; name: string }[];
  /** Kind (category) codes seen in the loaded tiles, per layer. */
  kindsSeen: Partial<Record<LayerId, readonly string[]>>;
}

const AREA_TOGGLES = ['towns', 'villages', 'grids'] as const;

/** One switch: checkbox and name, an optional action, the count, and what unfolds under it. */
function LayerRow({
  id,
  checked,
  onToggle,
  label,
  note,
  action,
  children,
}: {
  id: ToggleId;
  checked: boolean;
  onToggle: (id: ToggleId, on: boolean) => void;
  label: string;
  note: string;
  action?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <li className="layer-item" data-layer={id}>
      <div className="layer-row">
        <label>
          <input
            type="checkbox"
            data-testid={`layer-toggle-${id}`}
            checked={checked}
            onChange={(e) => onToggle(id, e.currentTarget.checked)}
          />
          <span className="layer-name">{label}</span>
        </label>
        {action}
        <span className="layer-count" data-testid={`layer-count-${id}`}>
          {note}
        </span>
      </div>
      {children}
    </li>
  );
}

/** Switches and filters for every layer with the number of items in view. */
export function LayerPanel({
  visible,
  onToggle,
  areaCounts,
  status,
  inView,
  filters,
  onFilter,
  towns,
  kindsSeen,
}: LayerPanelProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState<LayerId | null>(null);

  const featureNote = (id: LayerId): string => {
    const s = status[id];
    if (!s) return '';
    if (s.error) return t('panel.error');
    if (s.loading && s.points.length === 0) return t('panel.loading');
    return (inView[id] ?? 0).toLocaleString();
  };

  return (
    <section className="panel layer-panel" data-testid="layer-panel" aria-label={t('panel.title')}>
      <h2 className="panel-title">{t('panel.title')}</h2>
      <h3 className="panel-subtitle">{t('panel.areas')}</h3>
      <ul className="layer-list">
        {AREA_TOGGLES.map((id) => (
          <LayerRow
            key={id}
            id={id}
            checked={visible[id]}
            onToggle={onToggle}
            label={t(LAYER_NAME[id])}
            note={areaCounts[id] > 0 ? areaCounts[id].toLocaleString() : ''}
          />
        ))}
      </ul>
      <h3 className="panel-subtitle layer-subtitle">
        <span>{t('panel.features')}</span>
        <span>{t('panel.inView')}</span>
      </h3>
      <ul className="layer-list">
        {FEATURE_LAYER_IDS.map((id) => {
          const filter = filters[id] ?? {};
          const active = Object.keys(filter).length > 0;
          return (
            <LayerRow
              key={id}
              id={id}
              checked={visible[id]}
              onToggle={onToggle}
              label={t(LAYER_NAME[id])}
              note={visible[id] ? featureNote(id) : ''}
              action={
                <button
                  type="button"
                  className={`filter-toggle${active ? ' active' : ''}`}
                  data-testid={`filter-toggle-${id}`}
                  title={t('panel.filters')}
                  aria-label={`${t('panel.filters')}: ${t(LAYER_NAME[id])}`}
                  aria-expanded={open === id}
                  onClick={() => setOpen(open === id ? null : id)}
                >
                  {active ? '▾•' : '▾'}
                </button>
              }
            >
              {open === id && (
                <LayerFilters
                  layer={id}
                  filter={filter}
                  onFilter={onFilter}
                  towns={towns}
                  kinds={kindsSeen[id] ?? []}
                />
              )}
            </LayerRow>
          );
        })}
      </ul>
    </section>
  );
}
