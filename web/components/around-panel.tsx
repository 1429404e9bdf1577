import { useEffect, useState, type ReactNode } from 'react';
import type { LayerId } from '../api/client.ts';
import { useI18n, type I18n } from '../i18n.ts';
import { RISK_COLOR_HEX, RISK_LEVELS, TEAM_STATUS_COLOR, type RiskLevel } from '../map/colors.ts';
import type { Analysis } from '../map/layers/types.ts';
import { statusName } from './labels.ts';

/** Largest radius the API accepts, in metres. */
export const MAX_AROUND_RADIUS = 5000;

/** Props of AroundPanel. */
export interface AroundPanelProps {
  analysis: Analysis;
  loading: boolean;
  error: string | null;
  /** Change the radius of an around analysis (metres). */
  onRadius: (radius: number) => void;
  /** An item of the lists was clicked. */
  onPickItem: (layer: LayerId, id: number, position: [number, number]) => void;
  onClose: () => void;
}

function metres(n: number, unit: string): string {
  return `${Math.round(n).toLocaleString()} ${unit}`;
}

/** The name of a risk level (the number itself if it is none of the four). */
function riskName(t: I18n['t'], level: number): string {
  const known = RISK_LEVELS.find((l) => l === level);
  return known ? t(`risk.${known}`) : String(level);
}

function rgb(c: readonly number[]): string {
  return `rgb(${c.slice(0, 3).join(',')})`;
}

/** One item of the lists: a button that flies the map to it and shows its details. */
function AroundItem({ kind, onPick, children }: { kind: string; onPick: () => void; children: ReactNode }) {
  return (
    <li data-testid="around-item" data-kind={kind}>
      <button type="button" className="around-item" onClick={onPick}>
        {children}
      </button>
    </li>
  );
}

/**
 * The answer of "what is around" (risk sources by level, key sites and teams with their
 * distance), or of a risk source's impact zone (the sites inside it). Items fly the map to them.
 */
export function AroundPanel({ analysis, loading, error, onRadius, onPickItem, onClose }: AroundPanelProps) {
  const { t } = useI18n();
  const m = t('unit.m');
  const [radiusText, setRadiusText] = useState(analysis.kind === 'around' ? String(analysis.radius) : '');
  const radius = analysis.kind === 'around' ? analysis.radius : null;
  useEffect(() => {
    if (radius !== null) setRadiusText(String(radius));
  }, [radius]);

  const commitRadius = () => {
    const n = Math.round(Number(radiusText));
    if (Number.isFinite(n) && n >= 1) onRadius(Math.min(MAX_AROUND_RADIUS, n));
    else if (radius !== null) setRadiusText(String(radius));
  };

  const result = analysis.result;
  const title = analysis.kind === 'around' ? t('around.title') : t('around.exposedTitle');

  return (
    <aside className="panel around-panel" data-testid="around-panel" aria-label={title}>
      <div className="detail-head">
        <h2 className="detail-title">{title}</h2>
        <button type="button" className="close-button" onClick={onClose} aria-label={t('around.close')}>
          ×
        </button>
      </div>
      {analysis.kind === 'around' ? (
        <label className="field inline">
          <span>{t('around.radius')}</span>
          <input
            type="number"
            data-testid="around-radius"
            min={1}
            max={MAX_AROUND_RADIUS}
            step={100}
            value={radiusText}
            onChange={(e) => setRadiusText(e.currentTarget.value)}
            onBlur={commitRadius}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitRadius();
            }}
          />
        </label>
      ) : (
        analysis.result && (
          <p className="small">
            <span
              className="swatch"
              style={{
                background: RISK_COLOR_HEX[analysis.result.source.level as RiskLevel] ?? RISK_COLOR_HEX[4],
              }}
              aria-hidden="true"
            />{' '}
            {analysis.result.source.name} · {t('around.impactRadius')}{' '}
            {metres(analysis.result.source.impactRadiusM, m)}
          </p>
        )
      )}
      {loading && (
        <p className="muted" role="status">
          {t('around.loading')}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {result && analysis.kind === 'around' && (
        <>
          <h3 className="panel-subtitle">
            {t('around.riskSources')} ({analysis.result?.riskSources.length ?? 0})
          </h3>
          <div className="level-counts">
            {RISK_LEVELS.map((level) => (
              <span key={level} className="level-count" title={t(`risk.${level}`)}>
                <span className="swatch" style={{ background: RISK_COLOR_HEX[level] }} aria-hidden="true" />
                {analysis.result?.riskSourcesByLevel[level - 1] ?? 0}
              </span>
            ))}
          </div>
          <ul className="around-list">
            {analysis.result?.riskSources.length === 0 && <li className="muted">{t('around.none')}</li>}
            {analysis.result?.riskSources.map((r) => (
              <AroundItem
                key={`r${r.id}`}
                kind="risk_source"
                onPick={() => onPickItem('risk_sources', r.id, [r.lon, r.lat])}
              >
                <span
                  className="dot"
                  style={{ background: RISK_COLOR_HEX[r.level as RiskLevel] ?? RISK_COLOR_HEX[4] }}
                  aria-hidden="true"
                />
                <span className="around-name">
                  {r.name}
                  <span className="muted small">
                    {' '}
                    {riskName(t, r.level)}
                    {r.insideImpact ? ` · ${t('around.insideImpact')}` : ''}
                  </span>
                </span>
                <span className="around-distance">{metres(r.distanceM, m)}</span>
              </AroundItem>
            ))}
          </ul>
        </>
      )}
      {result && (
        <>
          <h3 className="panel-subtitle">
            {t('around.sites')} ({result.sites.length})
          </h3>
          <ul className="around-list">
            {result.sites.length === 0 && <li className="muted">{t('around.none')}</li>}
            {result.sites.map((s) => (
              <AroundItem
                key={`s${s.id}`}
                kind="site"
                onPick={() => onPickItem('sites', s.id, [s.lon, s.lat])}
              >
                <span className="dot" style={{ background: '#1f77b4' }} aria-hidden="true" />
                <span className="around-name">
                  {s.name}
                  {s.kindName && <span className="muted small"> {s.kindName}</span>}
                </span>
                <span className="around-distance">{metres(s.distanceM, m)}</span>
              </AroundItem>
            ))}
          </ul>
        </>
      )}
      {result && analysis.kind === 'around' && (
        <>
          <h3 className="panel-subtitle">
            {t('around.teams')} ({analysis.result?.teams.length ?? 0})
          </h3>
          <ul className="around-list">
            {analysis.result?.teams.length === 0 && <li className="muted">{t('around.none')}</li>}
            {analysis.result?.teams.map((tm) => (
              <AroundItem
                key={`t${tm.id}`}
                kind="team"
                onPick={() => onPickItem('teams', tm.id, [tm.lon, tm.lat])}
              >
                <span
                  className="dot"
                  style={{ background: rgb(TEAM_STATUS_COLOR[tm.status] ?? [120, 120, 120]) }}
                  aria-hidden="true"
                />
                <span className="around-name">
                  {tm.name}
                  <span className="muted small">
                    {' '}
                    {statusName(t, tm.status)} · {tm.onDuty ? t('around.onDuty') : t('around.offDuty')}
                  </span>
                </span>
                <span className="around-distance">{metres(tm.distanceM, m)}</span>
              </AroundItem>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
