import type { FeatureContext } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { INCIDENT_DONE_STATUSES, INCIDENT_PRIORITY_COLOR } from '../map/colors.ts';
import { shortTime } from './detail-format.ts';
import { statusName } from './labels.ts';

const GREY = [150, 150, 150];

/** The incidents linked to a feature (nearest first), or why there are none to show. */
export function DetailIncidents({
  incidents,
  failed,
}: {
  incidents: FeatureContext['incidents'] | null;
  /** Loading them failed (the panel says so). */
  failed: boolean;
}) {
  const { language, t } = useI18n();
  return (
    <section className="detail-incidents" data-testid="detail-incidents">
      <h3 className="panel-subtitle">{t('detail.incidents')}</h3>
      {incidents === null ? (
        <p className="muted">{failed ? '—' : t('detail.loading')}</p>
      ) : incidents.length === 0 ? (
        <p className="muted">{t('detail.noIncidents')}</p>
      ) : (
        <ul className="incident-list">
          {incidents.map((i) => {
            const done = INCIDENT_DONE_STATUSES.has(i.status);
            const c = done ? GREY : (INCIDENT_PRIORITY_COLOR[i.priority] ?? GREY);
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
                    {shortTime(i.reportedAt, language)} · {Math.round(i.distanceM)} {t('unit.m')}
                  </div>
                  <div className="small">{i.description}</div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
