import { propertyLabel, useI18n, type I18n, type MessageKey } from '../i18n.ts';

const AREA_LEVELS: ReadonlySet<string> = new Set(['city', 'town', 'village', 'grid']);

/** A picked map item: the layer it came from and its properties. */
export interface SelectedFeature {
  /** deck.gl layer id (e.g. 'sites', 'area-outline-village'). */
  layerId: string;
  /** Feature id when it has one. */
  id: string | number | null;
  properties: Record<string, unknown>;
}

/** Props of DetailPanel. */
export interface DetailPanelProps {
  selected: SelectedFeature;
  /** Translated name of the layer the item belongs to. */
  layerName: string;
  onClose: () => void;
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
  // Coordinates come as doubles: 6 decimals (≈ 0.1 m) is all that means anything.
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'number' ? formatNumber(v) : String(v))).join(', ');
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The best title of an item: its name, else its code or category. */
function titleOf(selected: SelectedFeature): string {
  const p = selected.properties;
  for (const key of ['name', 'categoryName', 'code']) {
    const v = p[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return selected.id === null ? '' : `#${selected.id}`;
}

/** A small panel listing the properties of the clicked item. */
export function DetailPanel({ selected, layerName, onClose }: DetailPanelProps) {
  const { language, t } = useI18n();
  const entries = Object.entries(selected.properties);
  return (
    <aside className="panel detail-panel" data-testid="detail-panel" aria-label={t('detail.title')}>
      <div className="detail-head">
        <div>
          <div className="detail-layer">{layerName}</div>
          <h2 className="detail-title">{titleOf(selected)}</h2>
        </div>
        <button type="button" className="close-button" onClick={onClose} aria-label={t('detail.close')}>
          ×
        </button>
      </div>
      {entries.length === 0 ? (
        <p>{t('detail.empty')}</p>
      ) : (
        <dl className="detail-list">
          {selected.id !== null && (
            <div className="detail-row">
              <dt>{propertyLabel(language, 'id')}</dt>
              <dd>{String(selected.id)}</dd>
            </div>
          )}
          {entries.map(([key, value]) => (
            <div className="detail-row" key={key}>
              <dt>{propertyLabel(language, key)}</dt>
              <dd>{formatValue(key, value, t)}</dd>
            </div>
          ))}
        </dl>
      )}
    </aside>
  );
}
