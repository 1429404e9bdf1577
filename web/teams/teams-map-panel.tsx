import type { Coverage, Isochrones, Team } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { CAPABILITIES, capabilityName, TEAM_STATUSES, teamStatusName } from '../lib/team-format.ts';
import { useI18n } from '../i18n.ts';
import { COVERAGE_GAP_LINE_COLOR, TEAM_STALE_RING_COLOR, TEAM_STATUS_COLOR } from '../map/colors.ts';
import { isochroneColor } from '../map/layers/index.ts';
import { COVERAGE_MINUTES } from './queries.ts';
import { rgb } from './rgb.ts';

/** A query's state as the panel shows it. */
interface Loaded<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
}

/** Props of TeamsMapPanel. */
export interface TeamsMapPanelProps {
  selected: Team | null;
  onClose: () => void;
  isochrones: Loaded<Isochrones>;
  coverageOn: boolean;
  onCoverageOn: (on: boolean) => void;
  capability: string;
  onCapability: (capability: string) => void;
  coverage: Loaded<Coverage>;
  /** The freshness limit of fixes (seconds), for the legend. */
  maxAgeS: number;
}

/** Over the map: the picked team's isochrones, the uncovered-area switch and figures, the legend. */
export function TeamsMapPanel(props: TeamsMapPanelProps) {
  const { t } = useI18n();
  return (
    <div className="map-legend-float panel teams-map-panel">
      {props.selected ? (
        <SelectedTeam team={props.selected} onClose={props.onClose} isochrones={props.isochrones} />
      ) : (
        <p className="muted small">{t('teams.pickHint')}</p>
      )}
      <CoverageControls {...props} />
      <div className="legend-inline small">
        {TEAM_STATUSES.map((s) => (
          <span key={s} className="legend-item">
            <span
              className="dot"
              style={{ background: rgb(TEAM_STATUS_COLOR[s] ?? [0, 0, 0]) }}
              aria-hidden="true"
            />
            {teamStatusName(t, s)}
          </span>
        ))}
        <span className="legend-item">
          <span
            className="dot stale-sample"
            style={{ borderColor: rgb(TEAM_STALE_RING_COLOR) }}
            aria-hidden="true"
          />
          {t('legend.stale', { n: Math.round(props.maxAgeS / 60) })}
        </span>
      </div>
    </div>
  );
}

function SelectedTeam({
  team,
  onClose,
  isochrones,
}: {
  team: Team;
  onClose: () => void;
  isochrones: Loaded<Isochrones>;
}) {
  const { t } = useI18n();
  const { data, error } = isochrones;
  return (
    <div data-testid="team-isochrones" data-team-id={team.id}>
      <div className="detail-head">
        <strong>{team.name}</strong>
        <button type="button" className="close-button" aria-label={t('detail.close')} onClick={onClose}>
          ×
        </button>
      </div>
      {team.lon === null && <p className="muted small">{t('teams.noPosition')}</p>}
      {error && <p className="form-error small">{errorMessage(error, t)}</p>}
      {!data && !error && team.lon !== null && <p className="muted small">{t('incidents.loading')}</p>}
      {data && (
        <ul className="legend-list">
          {[...data.features]
            .sort((a, b) => a.properties.minutes - b.properties.minutes)
            .map((f) => (
              <li key={f.properties.minutes} className="legend-item" data-testid="isochrone-item">
                <span
                  className="swatch"
                  style={{ background: rgb(isochroneColor(f.properties.minutes)) }}
                  aria-hidden="true"
                />
                {t('teams.isochrone', { m: f.properties.minutes, a: f.properties.areaKm2.toFixed(1) })}
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}

function CoverageControls({
  coverageOn,
  onCoverageOn,
  capability,
  onCapability,
  coverage,
}: TeamsMapPanelProps) {
  const { t } = useI18n();
  const { data, error, loading } = coverage;
  return (
    <div className="coverage-controls">
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="coverage-toggle"
          checked={coverageOn}
          onChange={(e) => onCoverageOn(e.target.checked)}
        />
        <span>{t('coverage.toggle', { m: COVERAGE_MINUTES })}</span>
      </label>
      {coverageOn && (
        <label className="filter-field">
          <span>{t('coverage.capability')}</span>
          <select
            data-testid="coverage-capability"
            value={capability}
            onChange={(e) => onCapability(e.target.value)}
          >
            <option value="">{t('filter.any')}</option>
            {CAPABILITIES.map((c) => (
              <option key={c} value={c}>
                {capabilityName(t, c)}
              </option>
            ))}
          </select>
        </label>
      )}
      {coverageOn && loading && <p className="muted small">{t('incidents.loading')}</p>}
      {coverageOn && error && <p className="form-error small">{errorMessage(error, t)}</p>}
      {coverageOn && data && !loading && (
        <p className="small" data-testid="coverage-summary">
          <span className="swatch" style={{ background: rgb(COVERAGE_GAP_LINE_COLOR) }} aria-hidden="true" />{' '}
          {t('coverage.summary', {
            u: data.uncoveredKm2.toFixed(1),
            c: data.cityKm2.toFixed(0),
            p: ((100 * data.uncoveredKm2) / Math.max(1, data.cityKm2)).toFixed(1),
            n: data.teams,
          })}
        </p>
      )}
    </div>
  );
}
