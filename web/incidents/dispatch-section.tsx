import { useCallback, useEffect, useState } from 'react';
import {
  createDispatch,
  getCandidates,
  getDispatches,
  reassignDispatch,
  stepDispatch,
  type Candidate,
  type CandidateList,
  type Dispatch,
  type DispatchStep,
  type IncidentDetail,
} from '../api/client.ts';
import { errorMessage, formatTime } from '../admin/format.ts';
import { useSession } from '../auth/session.tsx';
import {
  capabilityName,
  dispatchStatusName,
  distance,
  etaMinutes,
  teamKindName,
} from '../dispatch/format.ts';
import { useI18n } from '../i18n.ts';
import type { RouteState } from '../map/layers/types.ts';

/** How many candidates the panel lists. */
const CANDIDATE_LIMIT = 5;

/** Props of DispatchSection. */
export interface DispatchSectionProps {
  incident: IncidentDetail;
  /** Called after a dispatch changed the incident (the incident and the queue reload). */
  onChanged: () => void;
  /** The candidate routes to draw on the incident's map (null: none). */
  onRoutes: (routes: RouteState | null) => void;
}

/** Incident statuses that have (or may get) a team on the way. */
const WITH_TEAM = new Set(['dispatched', 'on_scene']);

/**
 * Dispatch of one incident: for an accepted incident the fastest suitable teams by road (ETA,
 * road and straight distance, the grid's own grid worker first) with a one-click 派遣; once sent,
 * the current dispatch with arrive / complete / call back / send another team, by permission.
 * Hovering or choosing a candidate draws its route on the incident's map.
 */
export function DispatchSection({ incident, onChanged, onRoutes }: DispatchSectionProps) {
  const { t, language } = useI18n();
  const { can } = useSession();
  const [candidates, setCandidates] = useState<CandidateList | null>(null);
  const [candidateError, setCandidateError] = useState<string | null>(null);
  const [dispatch, setDispatch] = useState<Dispatch | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  const [reassigning, setReassigning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  const id = incident.id;
  const status = incident.status;
  const needsTeam = incident.teamCapability !== null;
  const canDispatch = can('dispatch');
  const wantCandidates =
    canDispatch && needsTeam && (status === 'accepted' || (WITH_TEAM.has(status) && reassigning));

  // The incident changed (another incident, or its status): start over.
  useEffect(() => {
    setError(null);
    setChosen(null);
    setHovered(null);
    setReassigning(false);
  }, [id, status]);

  useEffect(() => {
    if (!wantCandidates) {
      setCandidates(null);
      setCandidateError(null);
      return;
    }
    const controller = new AbortController();
    getCandidates(id, CANDIDATE_LIMIT, controller.signal).then(
      (c) => {
        setCandidates(c);
        setCandidateError(null);
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setCandidateError(errorMessage(e));
      },
    );
    return () => controller.abort();
  }, [id, status, wantCandidates, reload]);

  useEffect(() => {
    if (!WITH_TEAM.has(status)) {
      setDispatch(null);
      return;
    }
    const controller = new AbortController();
    getDispatches({ incidentId: id, open: true, limit: 1 }, controller.signal).then(
      (list) => setDispatch(list[0] ?? null),
      (e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      },
    );
    return () => controller.abort();
  }, [id, status, reload]);

  // The routes on the map follow the list and the hovered (or else the chosen) candidate.
  const active = hovered ?? chosen ?? candidates?.candidates[0]?.teamId ?? null;
  useEffect(() => {
    const list = candidates?.incidentId === id ? candidates.candidates : [];
    if (list.length === 0) {
      onRoutes(null);
      return;
    }
    onRoutes({
      incident: [incident.lon, incident.lat],
      lines: list.map((c) => ({ teamId: c.teamId, team: [c.lon, c.lat], path: c.route.coordinates })),
      activeTeamId: active,
    });
  }, [candidates, id, incident.lon, incident.lat, active, onRoutes]);
  useEffect(() => () => onRoutes(null), [onRoutes]);

  const done = useCallback(
    (d: Dispatch | null) => {
      setDispatch(d);
      setReassigning(false);
      setChosen(null);
      setHovered(null);
      setReload((n) => n + 1);
      onChanged();
    },
    [onChanged],
  );

  const run = useCallback(
    async (action: () => Promise<Dispatch>, keep: boolean) => {
      setBusy(true);
      setError(null);
      try {
        const d = await action();
        done(keep ? d : null);
      } catch (e: unknown) {
        setError(errorMessage(e));
        // a conflict means the teams changed: show the current ones
        setReload((n) => n + 1);
      } finally {
        setBusy(false);
      }
    },
    [done],
  );

  const assign = (c: Candidate) => void run(() => createDispatch({ incidentId: id, teamId: c.teamId }), true);
  const reassign = (c: Candidate) => {
    if (!dispatch) return;
    const current = dispatch.id;
    void run(() => reassignDispatch(current, c.teamId), true);
  };
  const step = (s: DispatchStep) => {
    if (!dispatch) return;
    const current = dispatch.id;
    void run(() => stepDispatch(current, s), s === 'arrive');
  };

  if (!needsTeam && !WITH_TEAM.has(status)) return null;
  const showCandidates = wantCandidates;
  if (!showCandidates && !dispatch && !error) return null;

  return (
    <div className="dispatch-section" data-testid="dispatch-section">
      <h3 className="panel-subtitle">{t('dispatch.title')}</h3>
      {dispatch && (
        <div className="current-dispatch" data-testid="current-dispatch" data-id={dispatch.id}>
          <div className="current-dispatch-head">
            <strong data-testid="dispatch-team">{dispatch.teamName}</strong>
            <span className={`status-badge dispatch-${dispatch.status}`} data-testid="dispatch-status">
              {dispatchStatusName(t, dispatch.status)}
            </span>
          </div>
          <div className="muted small">
            {formatTime(language, dispatch.createdAt)} · {dispatch.createdBy}
            {dispatch.travelTimeS !== null && (
              <>
                {' '}
                · {t('dispatch.eta')} {etaMinutes(t, dispatch.travelTimeS)} ·{' '}
                {distance(t, dispatch.distanceM)}
              </>
            )}
          </div>
          {dispatch.arrivedAt && (
            <div className="muted small">
              {t('dispatch.arrivedAt')} {formatTime(language, dispatch.arrivedAt)}
            </div>
          )}
          <div className="action-buttons">
            {can('report') && dispatch.status === 'active' && (
              <button
                type="button"
                className="button"
                data-testid="dispatch-arrive"
                disabled={busy}
                onClick={() => step('arrive')}
              >
                {t('dispatch.arrive')}
              </button>
            )}
            {can('report') && (
              <button
                type="button"
                className="button primary"
                data-testid="dispatch-complete"
                disabled={busy}
                onClick={() => step('complete')}
              >
                {t('dispatch.complete')}
              </button>
            )}
            {canDispatch && (
              <button
                type="button"
                className="button"
                data-testid="dispatch-cancel"
                disabled={busy}
                onClick={() => step('cancel')}
              >
                {t('dispatch.cancel')}
              </button>
            )}
            {canDispatch && needsTeam && (
              <button
                type="button"
                className={`button${reassigning ? ' active' : ''}`}
                data-testid="dispatch-reassign"
                aria-pressed={reassigning}
                disabled={busy}
                onClick={() => setReassigning((r) => !r)}
              >
                {reassigning ? t('dispatch.reassignCancel') : t('dispatch.reassign')}
              </button>
            )}
          </div>
        </div>
      )}
      {showCandidates && (
        <>
          <p className="muted small">
            {reassigning ? t('dispatch.reassignHint') : t('dispatch.candidatesHint')}
            {incident.teamCapability && <> · {capabilityName(t, incident.teamCapability)}</>}
          </p>
          {candidateError && (
            <p className="form-error" role="alert">
              {candidateError}
            </p>
          )}
          {!candidates && !candidateError && <p className="muted">{t('incidents.loading')}</p>}
          {candidates && candidates.candidates.length === 0 && (
            <p className="muted" data-testid="candidates-empty">
              {t('dispatch.noCandidates').replace('{n}', String(Math.round(candidates.fixMaxAgeS / 60)))}
            </p>
          )}
          {candidates && candidates.candidates.length > 0 && (
            <ol className="candidate-list" data-testid="candidate-list" onMouseLeave={() => setHovered(null)}>
              {candidates.candidates.map((c, n) => (
                <li
                  key={c.teamId}
                  className={`candidate${c.teamId === active ? ' active' : ''}`}
                  data-testid="candidate"
                  data-team-id={c.teamId}
                  onMouseEnter={() => setHovered(c.teamId)}
                  onClick={() => setChosen(c.teamId)}
                >
                  <div className="candidate-main">
                    <div className="candidate-name">
                      <span className="candidate-rank">{n + 1}</span>
                      <strong data-testid="candidate-name">{c.name}</strong>
                      {c.ownGridWorker && (
                        <span className="badge own-grid" data-testid="candidate-own-grid">
                          {t('dispatch.ownGrid')}
                        </span>
                      )}
                    </div>
                    <div className="muted small">
                      {teamKindName(t, c.kind)} · {t('dispatch.road')} {distance(t, c.distanceM)} ·{' '}
                      {t('dispatch.straight')} {distance(t, c.straightM)}
                    </div>
                  </div>
                  <div className="candidate-eta" title={formatTime(language, c.eta)}>
                    <span className="candidate-eta-value" data-testid="candidate-eta">
                      {etaMinutes(t, c.travelTimeS)}
                    </span>
                    <span className="muted small">{t('dispatch.eta')}</span>
                  </div>
                  {reassigning ? (
                    <button
                      type="button"
                      className="button small"
                      data-testid={`candidate-reassign-${c.teamId}`}
                      disabled={busy}
                      onClick={(e) => {
                        e.stopPropagation();
                        reassign(c);
                      }}
                    >
                      {t('dispatch.reassignTo')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="button small primary"
                      data-testid={`candidate-assign-${c.teamId}`}
                      disabled={busy || status !== 'accepted'}
                      onClick={(e) => {
                        e.stopPropagation();
                        assign(c);
                      }}
                    >
                      {t('dispatch.assign')}
                    </button>
                  )}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="dispatch-error">
          {error}
        </p>
      )}
    </div>
  );
}
