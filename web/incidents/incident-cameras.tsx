import type { IncidentDetail } from '../api/client.ts';
import { useI18n } from '../i18n.ts';

/** The video cameras within 300 m of an incident (雪亮工程), nearest first, with a link to the view when configured. */
export function IncidentCameras({ incident }: { incident: IncidentDetail }) {
  const { t } = useI18n();
  return (
    <>
      <h3 className="panel-subtitle">{t('detail.cameras')}</h3>
      {incident.cameras.length === 0 ? (
        <p className="muted small">{t('detail.noCameras')}</p>
      ) : (
        <ul className="plain-list" data-testid="incident-cameras">
          {incident.cameras.map((c) => (
            <li key={c.id} data-testid="incident-camera" data-code={c.code}>
              {c.url ? (
                <a href={c.url} target="_blank" rel="noreferrer">
                  {c.name}
                </a>
              ) : (
                c.name
              )}
              <span className="muted small">
                {' '}
                · {t('detail.metres', { n: c.distanceM })} · <span className="mono">{c.code}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
