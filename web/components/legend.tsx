import { useI18n } from '../i18n.ts';
import { RISK_COLOR_HEX, RISK_LEVELS } from '../map/colors.ts';

/** The four national risk levels with their colours and names. */
export function Legend() {
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
    </section>
  );
}
