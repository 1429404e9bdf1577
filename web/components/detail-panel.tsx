import { useEffect, useState } from 'react';
import { getArea, getFeature, getFeatureContext, type FeatureContext, type LayerId } from '../api/client.ts';
import { propertyLabel, useI18n, type I18n, type MessageKey } from '../i18n.ts';
import { statusName } from './labels.ts';
import { INCIDENT_DONE_STATUSES, INCIDENT_PRIORITY_COLOR, riskColor } from '../map/colors.ts';

const AREA_LEVELS: ReadonlySet<string> = new Set(['city', 'town', 'village', 'grid']);

/** Properties not worth a row: shown elsewhere (path) or internal. */
const HIDDEN_KEYS: ReadonlySet<string> = new Set(['labelPoint', 'path', 'bbox']);

/** What the detail panel shows: a feature of a point layer, or an area. */
export type DetailTarget =
  | {
      kind: 'feature';
      layer: LayerId;
      id: number;
      /** [lon, lat], when known (for "what is around"). */
      position: [number, number] | null;
      /** Properties known before the full record loads (from the tile). */
      properties: Record<string, unknown>;
    }
  | { kind: 'area'; code: string; properties: Record<string, unknown> };

/** Props of DetailPanel. */
export interface DetailPanelProps {
  target: DetailTarget;
  /** Translated name of the layer the item belongs to. */
  layerName: string;
  onClose: () => void;
  /** "What is around" this feature's position. */
  onAround?: (position: [number, number]) => void;
  /** Sites in this risk source's impact zone. */
  onExposed?: (id: number) => void;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6)));
}

/** A property value as text: booleans translated, arrays joined, objects as compact JSON. */
function formatValue(key: string, value: unknown, t: I18n['t']): string {
  if (key === 'level' && typeof value === 'string' && AREA_LEVELS.has(value)) {
    return t(`area.${value}` as MessageKey);
  }
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('value.yes') : t('value.no');
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'number' ? formatNumber(v) : String(v))).join(', ');
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The best title of an item: its name, else its category or code. */
function titleOf(properties: Record<string, unknown>, id: string | number | null): string {
  for (const key of ['name', 'categoryName', 'code']) {
    const v = properties[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return id === null ? '' : `#${id}`;
}

function formatTime(iso: string, language: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' });
}

interface Loaded {
  properties: Record<string, unknown> | null;
  position: [number, number] | null;
  path: { code: string; name: string; level: string }[] | null;
  incidents: FeatureContext['incidents'] | null;
  error: string | null;
}

const EMPTY: Loaded = { properties: null, position: null, path: null, incidents: null, error: null };

function pointOf(geometry: { type: string; coordinates: unknown } | null): [number, number] | null {
  if (geometry?.type !== 'Point' || !Array.isArray(geometry.coordinates)) return null;
  const [lon, lat] = geometry.coordinates as unknown[];
  return typeof lon === 'number' && typeof lat === 'number' ? [lon, lat] : null;
}

/** Loads the full record, the area path and the linked incidents of a target. */
function useDetail(target: DetailTarget): Loaded {
  const [loaded, setLoaded] = useState<Loaded>(EMPTY);
  const key = target.kind === 'area' ? `area:${target.code}` : `${target.layer}:${target.id}`;
  useEffect(() => {
    const controller = new AbortController();
    setLoaded(EMPTY);
    const fail = (error: unknown) => {
      if (controller.signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      setLoaded((l) => ({ ...l, error: message }));
    };
    if (target.kind === 'area') {
      getArea(target.code, controller.signal).then((area) => {
        const { path, bbox: _bbox, ...properties } = area.properties;
        setLoaded({
          properties,
          position: area.properties.labelPoint,
          path: path.filter((p) => p.level !== 'city'),
          incidents: null,
          error: null,
        });
      }, fail);
    } else {
      getFeature(target.layer, target.id, controller.signal).then((f) => {
        setLoaded((l) => ({ ...l, properties: f.properties, position: pointOf(f.geometry) }));
      }, fail);
      getFeatureContext(target.layer, target.id, controller.signal).then((c) => {
        setLoaded((l) => ({ ...l, path: c.path, incidents: c.incidents }));
      }, fail);
    }
    return () => controller.abort();
    // The key names the target; its other fields are only a first guess.
  }, [key]);
  return loaded;
}

/**
 * The clicked (or searched) item: its attributes from the API, its area path town › village ›
 * grid, and the incidents linked to it; for point features a "what is around" button, for risk
 * sources the sites inside the impact zone.
 */
export function DetailPanel({ target, layerName, onClose, onAround, onExposed }: DetailPanelProps) {
  const { language, t } = useI18n();
  const loaded = useDetail(target);
  const properties = loaded.properties ?? target.properties;
  const id = target.kind === 'area' ? target.code : target.id;
  const position = loaded.position ?? (target.kind === 'feature' ? target.position : null);
  // English names (kindNameEn, categoryNameEn) replace the Chinese ones in English, and are not rows of their own.
  const entries = Object.entries(properties)
    .filter(([k]) => !HIDDEN_KEYS.has(k) && !(k.endsWith('En') && k.slice(0, -2) in properties))
    .map(([k, v]): [string, unknown] => {
      const en = properties[`${k}En`];
      return [k, language === 'en' && typeof en === 'string' && en !== '' ? en : v];
    });
  const level = properties.level;
  const shownLayerName =
    target.kind === 'area' && typeof level === 'string' && AREA_LEVELS.has(level)
      ? t(`area.${level}` as MessageKey)
      : layerName;

  return (
    <aside className="panel detail-panel" data-testid="detail-panel" aria-label={t('detail.title')}>
      <div className="detail-head">
        <div>
          <div className="detail-layer">{shownLayerName}</div>
          <h2 className="detail-title">
            {target.kind === 'feature' && target.layer === 'risk_sources' && (
              <span
                className="swatch"
                style={{ background: `rgb(${riskColor(properties.level).slice(0, 3).join(',')})` }}
                aria-hidden="true"
              />
            )}{' '}
            {titleOf(properties, id)}
          </h2>
        </div>
        <button type="button" className="close-button" onClick={onClose} aria-label={t('detail.close')}>
          ×
        </button>
      </div>
      <div className="detail-path" data-testid="detail-path">
        <span className="detail-path-label">{t('detail.path')}</span>
        {loaded.path === null
          ? loaded.error
            ? '—'
            : t('detail.loading')
          : loaded.path.length === 0
            ? '—'
            : loaded.path.map((p) => p.name).join(' › ')}
      </div>
      {(onAround || onExposed) && (
        <div className="detail-actions">
          {onAround && position && (
            <button
              type="button"
              className="button small"
              data-testid="detail-around"
              onClick={() => onAround(position)}
            >
              {t('detail.around')}
            </button>
          )}
          {onExposed && target.kind === 'feature' && target.layer === 'risk_sources' && (
            <button
              type="button"
              className="button small"
              data-testid="detail-exposed"
              onClick={() => onExposed(target.id)}
            >
              {t('detail.exposed')}
            </button>
          )}
        </div>
      )}
      {loaded.error && (
        <p className="form-error" role="alert">
          {t('detail.error')}: {loaded.error}
        </p>
      )}
      <dl className="detail-list">
        <div className="detail-row">
          <dt>{propertyLabel(language, target.kind === 'area' ? 'code' : 'id')}</dt>
          <dd>{String(id)}</dd>
        </div>
        {entries
          .filter(([k]) => !(target.kind === 'area' && k === 'code'))
          .map(([key, value]) => (
            <div className="detail-row" key={key}>
              <dt>{propertyLabel(language, key)}</dt>
              <dd>{formatValue(key, value, t)}</dd>
            </div>
          ))}
      </dl>
      {target.kind === 'feature' && (
        <section className="detail-incidents" data-testid="detail-incidents">
          <h3 className="panel-subtitle">{t('detail.incidents')}</h3>
          {loaded.incidents === null ? (
            <p className="muted">{loaded.error ? '—' : t('detail.loading')}</p>
          ) : loaded.incidents.length === 0 ? (
            <p className="muted">{t('detail.noIncidents')}</p>
          ) : (
            <ul className="incident-list">
              {loaded.incidents.map((i) => {
                const done = INCIDENT_DONE_STATUSES.has(i.status);
                const c = done ? [150, 150, 150] : (INCIDENT_PRIORITY_COLOR[i.priority] ?? [150, 150, 150]);
                return (
                  <li key={i.id} className="incident-item" data-testid="detail-incident">
                    <span
                      className="dot"
                      style={{ background: `rgb(${c.slice(0, 3).join(',')})` }}
                      aria-hidden="true"
                    />
                    <div>
                      <div>
                        {i.categoryName ?? i.category} · {statusName(t, i.status)}
                      </div>
                      <div className="muted small">
                        {formatTime(i.reportedAt, language)} · {Math.round(i.distanceM)} {t('unit.m')}
                      </div>
                      <div className="small">{i.description}</div>
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      )}
    </aside>
  );
}
