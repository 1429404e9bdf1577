import { incidentPhotoUrl, type IncidentDetail } from '../api/client.ts';
import { formatTime } from '../lib/format.ts';
import { actionName, incidentStatusName, timelineNote } from '../lib/incident-format.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';

/** An incident's photos, as links to the full images. */
export function IncidentPhotos({ incident }: { incident: IncidentDetail }) {
  const { t } = useI18n();
  if (incident.photoCount === 0) return null;
  return (
    <>
      <h3 className="panel-subtitle">{t('detail.photos')}</h3>
      <div className="photo-list">
        {Array.from({ length: incident.photoCount }, (_, n) => (
          <a key={n} href={incidentPhotoUrl(incident.id, n + 1)} target="_blank" rel="noreferrer">
            <img src={incidentPhotoUrl(incident.id, n + 1)} alt={`${t('detail.photos')} ${n + 1}`} />
          </a>
        ))}
      </div>
    </>
  );
}

/** The append-only timeline: each action, the status it led to, when, who, and the note. */
export function IncidentTimeline({ incident }: { incident: IncidentDetail }) {
  const { t, language } = useI18n();
  return (
    <>
      <h3 className="panel-subtitle">{t('detail.timeline')}</h3>
      <ol className="timeline" data-testid="incident-timeline">
        {incident.timeline.map((e) => (
          <li key={e.id} className="timeline-entry">
            <div className="timeline-head">
              <strong>{actionName(t, e.action)}</strong>
              {e.toStatus && e.toStatus !== e.fromStatus && (
                <span className="muted"> → {incidentStatusName(t, e.toStatus)}</span>
              )}
            </div>
            <div className="muted small">
              {formatTime(language, e.at)} · <span translate="no">{e.actor}</span>
            </div>
            {e.toUnit && e.action.startsWith('task_') && (
              <div className="timeline-note" data-testid="timeline-task-unit">
                {t('task.unit')}：{e.toUnit.name}
              </div>
            )}
            {e.toUnit && e.action !== 'report' && !e.action.startsWith('task_') && (
              <div className="timeline-note" data-testid="timeline-unit-move">
                {t('unit.moved', { from: e.fromUnit?.name ?? t('unit.none'), to: e.toUnit.name })}
              </div>
            )}
            {e.note && <div className="timeline-note">{timelineNote(t, e.note)}</div>}
          </li>
        ))}
      </ol>
    </>
  );
}

/** Props of IncidentDuplicates. */
export interface IncidentDuplicatesProps {
  incident: IncidentDetail;
  /** Merge this incident into a duplicate (offered when the API allows merging). */
  onMerge: (into: number) => void;
  busy: boolean;
}

/** Possible duplicates (same category, open, near, recent), each a link and a merge target. */
export function IncidentDuplicates({ incident, onMerge, busy }: IncidentDuplicatesProps) {
  const { t, language } = useI18n();
  if (incident.possibleDuplicates.length === 0) return null;
  const canMerge = incident.actions.includes('merge');
  return (
    <>
      <h3 className="panel-subtitle">{t('detail.duplicates')}</h3>
      <ul className="duplicate-list" data-testid="incident-duplicates">
        {incident.possibleDuplicates.map((d) => (
          <li key={d.id}>
            <a
              href={`/incidents/${d.id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/incidents/${d.id}`);
              }}
            >
              #{d.id}
            </a>{' '}
            {incidentStatusName(t, d.status)} · {Math.round(d.distanceM)} {t('unit.m')} ·{' '}
            {formatTime(language, d.reportedAt)}
            {canMerge && (
              <>
                {' '}
                <button
                  type="button"
                  className="button small"
                  data-testid={`incident-merge-into-${d.id}`}
                  disabled={busy}
                  onClick={() => onMerge(d.id)}
                >
                  {t('action.merge')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
