import { useState, type ReactNode } from 'react';
import { FEATURE_LAYER_IDS, type LayerId } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { RISK_COLOR_HEX, RISK_LEVELS } from '../map/colors.ts';
import type { ToggleId } from '../map/layers/types.ts';
import type { LayerFilter, TileLayerData } from '../map/use-point-tiles.ts';
import { statusName } from './labels.ts';

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

/** Which filters each layer takes (the API's tile filters). */
const LAYER_FILTERS: Record<
  LayerId,
  { kind: boolean; statuses: readonly string[]; levels: 'risk' | 'priority' | null }
> = {
  sites: { kind: true, statuses: [], levels: null },
  components: { kind: true, statuses: ['normal', 'damaged', 'missing', 'removed'], levels: null },
  risk_sources: { kind: true, statuses: [], levels: 'risk' },
  cameras: { kind: false, statuses: [], levels: null },
  teams: { kind: true, statuses: ['available', 'dispatched', 'on_scene', 'off_duty'], levels: null },
  incidents: {
    kind: true,
    statuses: [
      'reported',
      'accepted',
      'dispatched',
      'on_scene',
      'resolved',
      'verified',
      'closed',
      'rejected',
      'merged',
    ],
    levels: 'priority',
  },
};

/** What the API accepts as a kind code. */
const KIND_PATTERN = /^[A-Za-z0-9_]{1,32}$/;

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

/** The filter form of one layer: kind (free text with the kinds seen), status, levels, town. */
function LayerFilters({
  layer,
  filter,
  onFilter,
  towns,
  kinds,
}: {
  layer: LayerId;
  filter: LayerFilter;
  onFilter: (layer: LayerId, filter: LayerFilter) => void;
  towns: readonly { code: string; name: string }[];
  kinds: readonly string[];
}) {
  const { t } = useI18n();
  const spec = LAYER_FILTERS[layer];
  const [kindText, setKindText] = useState(filter.kind ?? '');
  const kindValid = kindText === '' || KIND_PATTERN.test(kindText);
  const levels = filter.levels ?? [1, 2, 3, 4];
  const set = (patch: Partial<LayerFilter>) => {
    const next: LayerFilter = { ...filter, ...patch };
    for (const k of Object.keys(next) as (keyof LayerFilter)[]) if (next[k] === undefined) delete next[k];
    onFilter(layer, next);
  };
  const commitKind = (value: string) => {
    setKindText(value);
    if (value === '' || KIND_PATTERN.test(value)) set({ kind: value === '' ? undefined : value });
  };
  return (
    <div className="layer-filters" data-testid={`filters-${layer}`}>
      {spec.levels && (
        <div
          className="level-filter"
          role="group"
          aria-label={t(spec.levels === 'risk' ? 'filter.level' : 'filter.priority')}
        >
          {RISK_LEVELS.map((level) => (
            <label
              key={level}
              className="checkbox"
              title={t(spec.levels === 'risk' ? `risk.${level}` : `priority.${level}`)}
            >
              <input
                type="checkbox"
                data-testid={`filter-${layer}-level-${level}`}
                checked={levels.includes(level)}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  const next = on ? [...levels, level].sort() : levels.filter((l) => l !== level);
                  set({ levels: next.length === 4 ? undefined : next });
                }}
              />
              {spec.levels === 'risk' ? (
                <span className="swatch" style={{ background: RISK_COLOR_HEX[level] }} aria-hidden="true" />
              ) : (
                <span className="small">P{level}</span>
              )}
            </label>
          ))}
        </div>
      )}
      {spec.kind && (
        <label className="filter-field">
          <span>{t(layer === 'incidents' ? 'filter.category' : 'filter.kind')}</span>
          <input
            data-testid={`filter-${layer}-kind`}
            list={`kinds-${layer}`}
            value={kindText}
            className={kindValid ? undefined : 'invalid'}
            title={kindValid ? undefined : t('filter.invalidKind')}
            placeholder={t('filter.any')}
            maxLength={32}
            onChange={(e) => commitKind(e.currentTarget.value.trim())}
          />
          <datalist id={`kinds-${layer}`}>
            {kinds.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </label>
      )}
      {spec.statuses.length > 0 && (
        <label className="filter-field">
          <span>{t('filter.status')}</span>
          <select
            data-testid={`filter-${layer}-status`}
            value={filter.status ?? ''}
            onChange={(e) => set({ status: e.currentTarget.value || undefined })}
          >
            <option value="">{t('filter.any')}</option>
            {spec.statuses.map((s) => (
              <option key={s} value={s}>
                {statusName(t, s)}
              </option>
            ))}
          </select>
        </label>
      )}
      {towns.length > 1 && (
        <label className="filter-field">
          <span>{t('filter.town')}</span>
          <select
            data-testid={`filter-${layer}-town`}
            value={filter.town ?? ''}
            onChange={(e) => set({ town: e.currentTarget.value || undefined })}
          >
            <option value="">{t('filter.any')}</option>
            {towns.map((town) => (
              <option key={town.code} value={town.code}>
                {town.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
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
            label={t(`layer.${id}` as MessageKey)}
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
              label={t(`layer.${id}` as MessageKey)}
              note={visible[id] ? featureNote(id) : ''}
              action={
                <button
                  type="button"
                  className={`filter-toggle${active ? ' active' : ''}`}
                  data-testid={`filter-toggle-${id}`}
                  title={t('panel.filters')}
                  aria-label={`${t('panel.filters')}: ${t(`layer.${id}` as MessageKey)}`}
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
