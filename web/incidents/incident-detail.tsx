import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  getIncident,
  incidentPhotoUrl,
  transitionIncident,
  type BBox,
  type IncidentAction,
  type IncidentDetail,
} from '../api/client.ts';
import { errorMessage, formatTime } from '../admin/format.ts';
import { statusName } from '../components/labels.ts';
import { capabilityName } from '../dispatch/format.ts';
import { useI18n } from '../i18n.ts';
import { routeLayers } from '../map/layers/index.ts';
import type { RouteState } from '../map/layers/types.ts';
import { navigate } from '../router.ts';
import { DispatchSection } from './dispatch-section.tsx';
import { label, timeLeft } from './format.ts';
import { PointMap } from './point-map.tsx';

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

/** Props of IncidentDetailPanel. */
export interface IncidentDetailProps {
  id: number;
  townNames: ReadonlyMap<string, string>;
  onClose: () => void;
  /** Called after an action changed the incident (the queue reloads). */
  onChanged: () => void;
  /** Changes when something outside the panel changed the incident (a keyboard shortcut): reload. */
  reloadKey?: number;
}

/**
 * One incident: attributes, the point on a small map, photos, timeline, possible duplicates and a
 * button for each action the API says this user may take now.
 */
export function IncidentDetailPanel({
  id,
  townNames,
  onClose,
  onChanged,
  reloadKey = 0,
}: IncidentDetailProps) {
  const { t, language } = useI18n();
  const [incident, setIncident] = useState<IncidentDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [hours, setHours] = useState('8');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [routes, setRoutes] = useState<RouteState | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoadError(null);
    getIncident(id, controller.signal).then(setIncident, (e: unknown) => {
      if (!controller.signal.aborted) setLoadError(errorMessage(e));
    });
    return () => controller.abort();
  }, [id, reload, reloadKey]);

  const dispatched = useCallback(() => {
    setReload((n) => n + 1);
    onChanged();
  }, [onChanged]);
  const routeOverlay = useMemo(() => routeLayers({ routes }), [routes]);
  const fit = useMemo(() => routesBounds(routes), [routes]);

  useEffect(() => {
    setIncident(null);
    setNote('');
    setActionError(null);
  }, [id]);

  const act = useCallback(
    async (action: IncidentAction, into?: number) => {
      setBusy(true);
      setActionError(null);
      try {
        const h = Number(hours);
        await transitionIncident(id, {
          action,
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(action === 'request_extension' ? { hours: h } : {}),
          ...(into !== undefined ? { into } : {}),
        });
        setNote('');
        setReload((n) => n + 1);
        onChanged();
      } catch (e: unknown) {
        setActionError(errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
    [id, note, hours, onChanged],
  );

  const i = incident && incident.id === id ? incident : null;
  return (
    <section className="panel incident-detail" data-testid="incident-detail" data-id={id}>
      <div className="detail-head">
        <div>
          <div className="detail-layer">{t('detail.incident')}</div>
          <h2 className="detail-title">
            #{id} {i && (i.categoryName ?? i.category)}
          </h2>
        </div>
        <button type="button" className="close-button" aria-label={t('detail.close')} onClick={onClose}>
          ×
        </button>
      </div>
      {loadError && (
        <p className="form-error" role="alert">
          {loadError}
        </p>
      )}
      {!i && !loadError && <p className="muted">{t('incidents.loading')}</p>}
      {i && (
        <>
          <div className="incident-badges">
            <span className={`status-badge status-${i.status}`} data-testid="incident-status">
              {statusName(t, i.status)}
            </span>
            <span className={`priority-badge priority-${i.priority}`}>
              {label(t, 'priority', i.priority)}
            </span>
            <span className={i.overdue ? 'time-left overdue' : 'time-left'}>
              {timeLeft(t, i.minutesLeft)}
            </span>
          </div>
          <p className="incident-description">{i.description}</p>
          <dl className="detail-list">
            <Row name={t('col.channel')} value={label(t, 'channel', i.channel)} />
            <Row name={t('detail.reportedAt')} value={formatTime(language, i.reportedAt)} />
            <Row name={t('detail.deadlineAt')} value={formatTime(language, i.deadlineAt)} />
            <Row
              name={t('detail.team')}
              value={i.teamCapability ? capabilityName(t, i.teamCapability) : '—'}
            />
            <Row
              name={t('detail.town')}
              value={i.townCode ? `${townNames.get(i.townCode) ?? ''} ${i.townCode}`.trim() : '—'}
            />
            <Row name={t('detail.village')} value={i.villageCode ?? '—'} />
            <Row name={t('detail.grid')} value={i.gridCode ?? '—'} />
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
            key={i.id}
            point={[i.lon, i.lat]}
            withAreas
            zoom={15}
            ariaLabel={t('map.aria')}
            testId="incident-map"
            layers={routeOverlay}
            fitBounds={fit}
          />
          <DispatchSection incident={i} onChanged={dispatched} onRoutes={setRoutes} />

          <h3 className="panel-subtitle">{t('detail.actions')}</h3>
          {i.actions.length === 0 ? (
            <p className="muted">{t('detail.noActions')}</p>
          ) : (
            <div className="incident-actions">
              <label className="field">
                <span>{t('detail.note')}</span>
                <textarea rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
              </label>
              {i.actions.includes('request_extension') && (
                <label className="field inline">
                  <span>{t('detail.hours')}</span>
                  <input
                    type="number"
                    min={1}
                    max={2000}
                    value={hours}
                    onChange={(e) => setHours(e.target.value)}
                  />
                </label>
              )}
              <div className="action-buttons">
                {/* merging needs a master: offered next to each possible duplicate below */}
                {i.actions
                  .filter((a) => a !== 'merge')
                  .map((a) => (
                    <button
                      key={a}
                      type="button"
                      className={`button${a === 'accept' || a === 'dispatch' || a === 'verify_pass' || a === 'close' || a === 'resolve' ? ' primary' : ''}`}
                      data-testid={`incident-action-${a}`}
                      disabled={busy}
                      onClick={() => void act(a as IncidentAction)}
                    >
                      {label(t, 'action', a)}
                    </button>
                  ))}
              </div>
            </div>
          )}
          {actionError && (
            <p className="form-error" role="alert" data-testid="incident-action-error">
              {actionError}
            </p>
          )}

          {i.photoCount > 0 && (
            <>
              <h3 className="panel-subtitle">{t('detail.photos')}</h3>
              <div className="photo-list">
                {Array.from({ length: i.photoCount }, (_, n) => (
                  <a key={n} href={incidentPhotoUrl(i.id, n + 1)} target="_blank" rel="noreferrer">
                    <img src={incidentPhotoUrl(i.id, n + 1)} alt={`${t('detail.photos')} ${n + 1}`} />
                  </a>
                ))}
              </div>
            </>
          )}

          <h3 className="panel-subtitle">{t('detail.timeline')}</h3>
          <ol className="timeline" data-testid="incident-timeline">
            {i.timeline.map((e) => (
              <li key={e.id} className="timeline-entry">
                <div className="timeline-head">
                  <strong>{label(t, 'action', e.action)}</strong>
                  {e.toStatus && e.toStatus !== e.fromStatus && (
                    <span className="muted"> → {statusName(t, e.toStatus)}</span>
                  )}
                </div>
                <div className="muted small">
                  {formatTime(language, e.at)} · {e.actor}
                </div>
                {e.note && <div className="timeline-note">{e.note}</div>}
              </li>
            ))}
          </ol>

          {i.possibleDuplicates.length > 0 && (
            <>
              <h3 className="panel-subtitle">{t('detail.duplicates')}</h3>
              <ul className="duplicate-list" data-testid="incident-duplicates">
                {i.possibleDuplicates.map((d) => (
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
                    {statusName(t, d.status)} · {Math.round(d.distanceM)} {t('unit.m')} ·{' '}
                    {formatTime(language, d.reportedAt)}
                    {i.actions.includes('merge') && (
                      <>
                        {' '}
                        <button
                          type="button"
                          className="button small"
                          data-testid={`incident-merge-into-${d.id}`}
                          disabled={busy}
                          onClick={() => void act('merge', d.id)}
                        >
                          {t('action.merge')}
                        </button>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
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
