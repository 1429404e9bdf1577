import { useI18n } from '../i18n.ts';
import {
  INCIDENT_DONE_COLOR,
  INCIDENT_PRIORITY_COLOR,
  RISK_COLOR_HEX,
  RISK_LEVELS,
  TEAM_STALE_RING_COLOR,
  TEAM_STATUS_COLOR,
} from '../map/colors.ts';
import { classColorHex } from '../map/layers/index.ts';
import type { ChoroplethState } from '../map/layers/types.ts';
import { statusName } from './labels.ts';

/** Props of Legend. */
export interface LegendProps {
  /** The choropleth shown, if any: its classes get a legend. */
  choropleth?: ChoroplethState | null;
  /** Whether the incident density map is shown. */
  density?: boolean;
  /** After how many seconds a team's last position counts as stale (the API's fixMaxAgeS). */
  fixMaxAgeS?: number;
}

/** Incident priorities, most urgent first. */
const PRIORITIES = [1, 2, 3, 4] as const;

function rgb(c: readonly number[]): string {
  return `rgb(${c.slice(0, 3).join(',')})`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString() : n.toFixed(2);
}

/** The classes of a choropleth as "< b1", "b1 – b2", …, "≥ bn". */
function classes(breaks: readonly number[]): { label: string; index: number }[] {
  if (breaks.length === 0) return [{ label: '0', index: 0 }];
  const out: { label: string; index: number }[] = [];
  const n = breaks.length;
  const idx = (i: number) => Math.round((i * 4) / n);
  out.push({ label: `< ${fmt(breaks[0] ?? 0)}`, index: idx(0) });
  for (let i = 1; i < n; i++)
    out.push({ label: `${fmt(breaks[i - 1] ?? 0)} – ${fmt(breaks[i] ?? 0)}`, index: idx(i) });
  out.push({ label: `≥ ${fmt(breaks[n - 1] ?? 0)}`, index: idx(n) });
  return out;
}

/** The four national risk levels, team statuses, incident priorities, clusters and thematic classes. */
export function Legend({ choropleth, density, fixMaxAgeS = 900 }: LegendProps) {
  const { t } = useI18n();
  return (
    <section className="panel legend" data-testid="legend" aria-label={t('legend.title')}>
      <h2 className="panel-title">{t('legend.title')}</h2>
      <ul className="legend-list">
        {RISK_LEVELS.map((level) => (
          <li key={level} className="legend-item" data-level={level}>
            <span className="swatch" style={{ background: RISK_COLOR_HEX[level] }} aria-hidden="true" />
            {t(`risk.${level}`)}
          </li>
        ))}
      </ul>
      <h3 className="panel-subtitle">{t('legend.teams')}</h3>
      <ul className="legend-list legend-inline">
        {Object.entries(TEAM_STATUS_COLOR).map(([status, color]) => (
          <li key={status} className="legend-item">
            <span className="dot" style={{ background: rgb(color) }} aria-hidden="true" />
            {statusName(t, status)}
          </li>
        ))}
        <li className="legend-item" data-testid="legend-stale">
          <span
            className="dot stale-sample"
            style={{ borderColor: rgb(TEAM_STALE_RING_COLOR) }}
            aria-hidden="true"
          />
          {t('legend.stale', { n: Math.round(fixMaxAgeS / 60) })}
        </li>
      </ul>
      <h3 className="panel-subtitle">{t('legend.incidents')}</h3>
      <ul className="legend-list legend-inline">
        {PRIORITIES.map((p) => (
          <li key={p} className="legend-item" title={t(`priority.${p}`)}>
            <span
              className="dot"
              style={{ background: rgb(INCIDENT_PRIORITY_COLOR[p] ?? [0, 0, 0]) }}
              aria-hidden="true"
            />
            P{p}
          </li>
        ))}
        <li className="legend-item">
          <span className="dot" style={{ background: rgb(INCIDENT_DONE_COLOR) }} aria-hidden="true" />
          {t('legend.incidentDone')}
        </li>
      </ul>
      <p className="legend-note">
        <span className="cluster-sample" aria-hidden="true">
          12
        </span>
        {t('legend.cluster')}
      </p>
      {choropleth && (
        <div data-testid="choropleth-legend">
          <h3 className="panel-subtitle">{t(`choropleth.${choropleth.metric}`)}</h3>
          <ul className="legend-list">
            {classes(choropleth.breaks).map((c) => (
              <li key={c.label} className="legend-item">
                <span className="swatch" style={{ background: classColorHex(c.index) }} aria-hidden="true" />
                {c.label}
              </li>
            ))}
            <li className="legend-item">
              <span className="swatch" style={{ background: 'rgba(200,200,200,0.4)' }} aria-hidden="true" />
              {t('legend.noData')}
            </li>
          </ul>
        </div>
      )}
      {density && (
        <div data-testid="density-legend">
          <h3 className="panel-subtitle">{t('legend.density')}</h3>
          <div className="ramp">
            <span>{t('legend.low')}</span>
            <span className="ramp-bar" aria-hidden="true" />
            <span>{t('legend.high')}</span>
          </div>
        </div>
      )}
    </section>
  );
}
