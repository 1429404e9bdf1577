import { useI18n } from '../i18n.ts';
import type { ChoroplethMetric } from '../map/layers/types.ts';

/** The time windows of the incident density map. */
export type DensityWindow = 'off' | '24h' | '7d' | '30d' | 'all';

/** The metrics offered, in menu order. */
export const CHOROPLETH_METRICS: readonly ChoroplethMetric[] = [
  'openIncidents',
  'riskIndex',
  'openIncidentsPer10k',
  'riskIndexPer10k',
];

/** What the thematic panel controls. */
export interface ThematicSettings {
  choroplethMetric: ChoroplethMetric | 'off';
  choroplethLevel: 'town' | 'village';
  densityWindow: DensityWindow;
  densityStyle: 'heatmap' | 'hexagon';
}

/** Props of ThematicPanel. */
export interface ThematicPanelProps {
  settings: ThematicSettings;
  onChange: (patch: Partial<ThematicSettings>) => void;
  /** Incidents in the density window, once loaded. */
  densityCount: number | null;
  /** Error of the last statistics or incidents load. */
  error: string | null;
}

/** Choropleth of towns or villages by a statistic, and incident density over a time window. */
export function ThematicPanel({ settings, onChange, densityCount, error }: ThematicPanelProps) {
  const { t } = useI18n();
  return (
    <section className="panel thematic-panel" data-testid="thematic-panel" aria-label={t('panel.thematic')}>
      <h2 className="panel-title">{t('panel.thematic')}</h2>
      <label className="filter-field">
        <span>{t('choropleth.label')}</span>
        <select
          data-testid="choropleth-select"
          value={settings.choroplethMetric}
          onChange={(e) => onChange({ choroplethMetric: e.currentTarget.value as ChoroplethMetric | 'off' })}
        >
          <option value="off">{t('choropleth.off')}</option>
          {CHOROPLETH_METRICS.map((m) => (
            <option key={m} value={m}>
              {t(`choropleth.${m}`)}
            </option>
          ))}
        </select>
      </label>
      {settings.choroplethMetric !== 'off' && (
        <label className="filter-field">
          <span>{t('choropleth.level')}</span>
          <select
            data-testid="choropleth-level"
            value={settings.choroplethLevel}
            onChange={(e) => onChange({ choroplethLevel: e.currentTarget.value as 'town' | 'village' })}
          >
            <option value="town">{t('area.town')}</option>
            <option value="village">{t('area.village')}</option>
          </select>
        </label>
      )}
      <label className="filter-field">
        <span>{t('heatmap.label')}</span>
        <select
          data-testid="heatmap-select"
          value={settings.densityWindow}
          onChange={(e) => onChange({ densityWindow: e.currentTarget.value as DensityWindow })}
        >
          <option value="off">{t('heatmap.off')}</option>
          <option value="24h">{t('heatmap.24h')}</option>
          <option value="7d">{t('heatmap.7d')}</option>
          <option value="30d">{t('heatmap.30d')}</option>
          <option value="all">{t('heatmap.all')}</option>
        </select>
      </label>
      {settings.densityWindow !== 'off' && (
        <>
          <label className="filter-field">
            <span>{t('heatmap.style')}</span>
            <select
              data-testid="heatmap-style"
              value={settings.densityStyle}
              onChange={(e) => onChange({ densityStyle: e.currentTarget.value as 'heatmap' | 'hexagon' })}
            >
              <option value="heatmap">{t('heatmap.heatmap')}</option>
              <option value="hexagon">{t('heatmap.hexagon')}</option>
            </select>
          </label>
          {densityCount !== null && (
            <p className="muted small" data-testid="heatmap-count">
              {densityCount.toLocaleString()} {t('heatmap.incidents')}
            </p>
          )}
        </>
      )}
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
