import { FEATURE_LAYER_IDS, type LayerId } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import type { ToggleId } from '../map/layers/types.ts';
import type { LayerFetchStatus } from '../map/use-viewport-features.ts';

/** Props of LayerPanel. */
export interface LayerPanelProps {
  visible: Record<ToggleId, boolean>;
  onToggle: (id: ToggleId, on: boolean) => void;
  /** Areas loaded per switch (towns, villages, grids). */
  areaCounts: Record<'towns' | 'villages' | 'grids', number>;
  /** Last fetch outcome per feature layer. */
  status: Partial<Record<LayerId, LayerFetchStatus>>;
}

const AREA_TOGGLES = ['towns', 'villages', 'grids'] as const;

function LayerRow({
  id,
  checked,
  onToggle,
  label,
  note,
}: {
  id: ToggleId;
  checked: boolean;
  onToggle: (id: ToggleId, on: boolean) => void;
  label: string;
  note: string;
}) {
  return (
    <li className="layer-row" data-layer={id}>
      <label>
        <input type="checkbox" checked={checked} onChange={(e) => onToggle(id, e.currentTarget.checked)} />
        <span className="layer-name">{label}</span>
      </label>
      <span className="layer-count" data-testid={`layer-count-${id}`}>
        {note}
      </span>
    </li>
  );
}

/** Switches for every layer with the number of items from the last load. */
export function LayerPanel({ visible, onToggle, areaCounts, status }: LayerPanelProps) {
  const { t } = useI18n();

  const featureNote = (s: LayerFetchStatus | undefined): string => {
    if (!s) return '';
    if (s.error) return t('panel.error');
    if (s.skipped) return t('panel.lowZoomSkipped');
    if (s.loading && s.count === 0) return t('panel.loading');
    return s.truncated ? `${s.count.toLocaleString()}+` : s.count.toLocaleString();
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
            label={t(`layer.${id}` as MessageKey)}
            note={areaCounts[id] > 0 ? areaCounts[id].toLocaleString() : ''}
          />
        ))}
      </ul>
      <h3 className="panel-subtitle">{t('panel.features')}</h3>
      <ul className="layer-list">
        {FEATURE_LAYER_IDS.map((id) => (
          <LayerRow
            key={id}
            id={id}
            checked={visible[id]}
            onToggle={onToggle}
            label={t(`layer.${id}` as MessageKey)}
            note={visible[id] ? featureNote(status[id]) : ''}
          />
        ))}
      </ul>
    </section>
  );
}
