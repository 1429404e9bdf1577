import { useEffect, useRef } from 'react';
import { errorMessage } from '../lib/error-message.ts';
import { propertyLabel, useI18n } from '../i18n.ts';
import { riskColor } from '../map/colors.ts';
import { areaLevelKey, detailRows, formatValue, titleOf, type DetailTarget } from './detail-format.ts';
import { DetailIncidents } from './detail-incidents.tsx';
import { useDetail } from './detail-queries.ts';

export type { DetailTarget } from './detail-format.ts';

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
  /** Move the keyboard focus to the panel when it shows a new item (chosen from a list, not the map). */
  focusOnOpen?: boolean;
}

/** A key naming the item shown (its other fields are only a first guess). */
function targetKey(target: DetailTarget): string {
  return target.kind === 'area' ? `area:${target.code}` : `${target.layer}:${target.id}`;
}

/**
 * The clicked (or searched) item: its attributes from the API, its area path town › village ›
 * grid, and the incidents linked to it; for point features a "what is around" button, for risk
 * sources the sites inside the impact zone.
 */
export function DetailPanel({
  target,
  layerName,
  onClose,
  onAround,
  onExposed,
  focusOnOpen = false,
}: DetailPanelProps) {
  const { language, t } = useI18n();
  const detail = useDetail(target);
  const properties = detail.properties ?? target.properties;
  const id = target.kind === 'area' ? target.code : target.id;
  const position = detail.position ?? (target.kind === 'feature' ? target.position : null);
  const rows = detailRows(properties, language, target.kind === 'area' ? ['code'] : []);
  const levelKey = target.kind === 'area' ? areaLevelKey(properties.level) : null;
  const failed = detail.error !== null;

  const heading = useRef<HTMLHeadingElement>(null);
  const key = targetKey(target);
  useEffect(() => {
    if (focusOnOpen && key) heading.current?.focus();
  }, [focusOnOpen, key]);

  return (
    <aside className="panel detail-panel" data-testid="detail-panel" aria-label={t('detail.title')}>
      <div className="detail-head">
        <div>
          <div className="detail-layer">{levelKey ? t(levelKey) : layerName}</div>
          <h2 className="detail-title" ref={heading} tabIndex={-1}>
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
        {detail.path === null
          ? failed
            ? '—'
            : t('detail.loading')
          : detail.path.length === 0
            ? '—'
            : detail.path.map((p) => p.name).join(' › ')}
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
      {failed && (
        <p className="form-error" role="alert">
          {t('detail.error')}: {errorMessage(detail.error, t)}
        </p>
      )}
      <dl className="detail-list">
        <div className="detail-row">
          <dt>{propertyLabel(language, target.kind === 'area' ? 'code' : 'id')}</dt>
          <dd>{String(id)}</dd>
        </div>
        {rows.map(([k, value]) => (
          <div className="detail-row" key={k}>
            <dt>{propertyLabel(language, k)}</dt>
            <dd>{formatValue(k, value, t, language)}</dd>
          </div>
        ))}
      </dl>
      {target.kind === 'feature' && <DetailIncidents incidents={detail.incidents} failed={failed} />}
    </aside>
  );
}
