import { useState } from 'react';
import type { LayerId } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { RISK_COLOR_HEX, RISK_LEVELS } from '../map/colors.ts';
import type { LayerFilter } from '../map/use-point-tiles.ts';
import { statusName } from './labels.ts';
import { KIND_PATTERN, patchFilter, selectedLevels, toggleLevel, typedKind } from './layer-filter-state.ts';

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

/** The filter form of one layer: kind (free text with the kinds seen), status, levels, town. */
export function LayerFilters({
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
  const levels = selectedLevels(filter);
  const set = (patch: Partial<LayerFilter>) => onFilter(layer, patchFilter(filter, patch));
  const commitKind = (value: string) => {
    setKindText(value);
    const next = typedKind(filter, value);
    if (next) onFilter(layer, next);
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
                aria-label={t(spec.levels === 'risk' ? `risk.${level}` : `priority.${level}`)}
                onChange={(e) => onFilter(layer, toggleLevel(filter, level, e.currentTarget.checked))}
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
            aria-invalid={kindValid ? undefined : true}
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
