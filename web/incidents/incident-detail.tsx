import { useMemo } from 'react';
import type { BBox, IncidentDetail } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime, nameAndCode } from '../lib/format.ts';
import { channelName, incidentStatusName, priorityName, timeLeft } from '../lib/incident-format.ts';
import { capabilityName } from '../lib/team-format.ts';
import { useI18n } from '../i18n.ts';
import { routeLayers } from '../map/layers/index.ts';
import type { RouteState } from '../map/layers/types.ts';
import { DispatchSection } from './dispatch-section.tsx';
import { IncidentActions, useIncidentActions } from './incident-actions.tsx';
import { IncidentDuplicates, IncidentPhotos, IncidentTimeline } from './incident-history.tsx';
import { PointMap } from './point-map.tsx';
import { useAreaPathNames, useIncident } from './queries.ts';
import { useDispatchDesk } from './use-dispatch-desk.ts';
import { LeadUnit } from './unit-fields.tsx';
import { IncidentCameras } from './incident-cameras.tsx';
import { IncidentTasks } from './incident-tasks.tsx';
import { IncidentSupervision } from './incident-supervision.tsx';

/** The box [minLon, minLat, maxLon, maxLat] around an incident and its candidates' routes. */
function routesBounds(routes: RouteState | null): BBox | null {
  if (!routes || routes.lines.length === 0) return null;
  let [w, s, e, n] = [routes.incident[0], routes.incident[1], routes.incident[0], routes.incident[1]];
  for (const line of routes.lines) {
    for (const p of [line.team, ...line.path]) {
      const [x, y] = [p[0] ?? w, p[1] ?? s];
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    }
  }
  return [w, s, e, n];
}

/** Props of IncidentDetailPanel (remounted per incident: `key` it by the id). */
export interface IncidentDetailProps {
  id: number;
  townNames: ReadonlyMap<string, string>;
  onClose: () => void;
}

/**
 * One incident: attributes, the point on a small map, dispatch, a button for each action the API
 * says this user may take now, photos, timeline and possible duplicates. It refreshes itself
 * after its own actions and on live changes.
 */
export function IncidentDetailPanel({ id, townNames, onClose }: IncidentDetailProps) {
  const { t } = useI18n();
  const query = useIncident(id);
  const incident = query.data;
  return (
    <section className="panel incident-detail" data-testid="incident-detail" data-id={id}>
      <div className="detail-head">
        <div>
          <div className="detail-layer">{t('detail.incident')}</div>
          <h2 className="detail-title">
            #{id} {incident && (incident.categoryName ?? incident.category)}
          </h2>
        </div>
        <button type="button" className="close-button" aria-label={t('detail.close')} onClick={onClose}>
          ×
        </button>
      </div>
      {query.error && (
        <p className="form-error" role="alert">
          {errorMessage(query.error, t)}
        </p>
      )}
      {!incident && !query.error && <p className="muted">{t('incidents.loading')}</p>}
      {incident && <IncidentBody incident={incident} townNames={townNames} />}
    </section>
  );
}

/** The loaded incident. */
function IncidentBody({
  incident: i,
  townNames,
}: {
  incident: IncidentDetail;
  townNames: ReadonlyMap<string, string>;
}) {
  const { t, language } = useI18n();
  const actions = useIncidentActions(i.id);
  const areaNames = useAreaPathNames(i.gridCode ?? i.villageCode);
  const desk = useDispatchDesk(i);
  const routes = desk.routes;
  const routeOverlay = useMemo(() => routeLayers({ routes }), [routes]);
  const fit = useMemo(() => routesBounds(routes), [routes]);
  return (
    <>
      <div className="incident-badges">
        <span className={`status-badge status-${i.status}`} data-testid="incident-status">
          {incidentStatusName(t, i.status)}
        </span>
        <span className={`priority-badge priority-${i.priority}`}>{priorityName(t, i.priority)}</span>
        <span className={i.overdue ? 'time-left overdue' : 'time-left'}>{timeLeft(t, i.minutesLeft)}</span>
      </div>
      <p className="incident-description">{i.description}</p>
      <dl className="detail-list">
        <Row name={t('col.channel')} value={channelName(t, i.channel)} />
        <Row name={t('detail.reportedAt')} value={formatTime(language, i.reportedAt)} />
        <Row name={t('detail.deadlineAt')} value={formatTime(language, i.deadlineAt)} />
        <Row name={t('detail.team')} value={i.teamCapability ? capabilityName(t, i.teamCapability) : '—'} />
        <LeadUnit incident={i} />
        <Row
          name={t('detail.town')}
          value={nameAndCode(
            i.townCode ? (townNames.get(i.townCode) ?? areaNames.get(i.townCode)) : null,
            i.townCode,
          )}
        />
        <Row
          name={t('detail.village')}
          value={nameAndCode(areaNames.get(i.villageCode ?? ''), i.villageCode)}
        />
        <Row name={t('detail.grid')} value={nameAndCode(areaNames.get(i.gridCode ?? ''), i.gridCode)} />
        <Row name={t('detail.coords')} value={`${i.lon.toFixed(5)}, ${i.lat.toFixed(5)}`} />
        {i.reworkCount > 0 && <Row name={t('detail.rework')} value={String(i.reworkCount)} />}
        {i.extensionPendingMinutes !== null && (
          <Row
            name={t('detail.extensionPending')}
            value={`${Math.round(i.extensionPendingMinutes / 6) / 10} ${t('time.h')}`}
          />
        )}
      </dl>
      <PointMap
        point={[i.lon, i.lat]}
        withAreas
        zoom={15}
        ariaLabel={t('map.aria')}
        testId="incident-map"
        layers={routeOverlay}
        fitBounds={fit}
      />
      <DispatchSection incident={i} desk={desk} />
      <IncidentActions incident={i} state={actions} />
      <IncidentTasks incident={i} />
      <IncidentSupervision incident={i} />
      <IncidentPhotos incident={i} />
      <IncidentCameras incident={i} />
      <IncidentTimeline incident={i} />
      <IncidentDuplicates incident={i} onMerge={(into) => actions.act('merge', into)} busy={actions.busy} />
    </>
  );
}

function Row({ name, value }: { name: string; value: string }) {
  return (
    <div className="detail-row">
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}
