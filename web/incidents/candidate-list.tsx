import type { Candidate, IncidentDetail } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime } from '../lib/format.ts';
import { capabilityName, distance, etaMinutes, teamKindName } from '../lib/team-format.ts';
import { useI18n } from '../i18n.ts';
import type { DispatchDesk } from './use-dispatch-desk.ts';

/**
 * The fastest suitable teams by road (ETA, road and straight distance, the grid's own grid
 * worker first) with one-click 派遣, or 改派 while another team is being chosen. Hovering or
 * picking one highlights its route on the incident's map.
 */
export function CandidateList({ incident, desk }: { incident: IncidentDetail; desk: DispatchDesk }) {
  const { t } = useI18n();
  const { candidates, candidatesError, state, busy, activeTeamId } = desk;
  const reassigning = state.reassigning;
  return (
    <>
      <p className="muted small">
        {reassigning ? t('dispatch.reassignHint') : t('dispatch.candidatesHint')}
        {incident.teamCapability && <> · {capabilityName(t, incident.teamCapability)}</>}
      </p>
      {candidatesError && (
        <p className="form-error" role="alert">
          {errorMessage(candidatesError, t)}
        </p>
      )}
      {!candidates && !candidatesError && <p className="muted">{t('incidents.loading')}</p>}
      {candidates && candidates.candidates.length === 0 && (
        <p className="muted" data-testid="candidates-empty">
          {t('dispatch.noCandidates', { n: Math.round(candidates.fixMaxAgeS / 60) })}
        </p>
      )}
      {candidates && candidates.candidates.length > 0 && (
        <ol className="candidate-list" data-testid="candidate-list" onMouseLeave={() => desk.hover(null)}>
          {candidates.candidates.map((c, n) => (
            <CandidateItem
              key={c.teamId}
              candidate={c}
              rank={n + 1}
              active={c.teamId === activeTeamId}
              desk={desk}
              assignable={incident.status === 'accepted'}
              busy={busy}
            />
          ))}
        </ol>
      )}
    </>
  );
}

interface CandidateItemProps {
  candidate: Candidate;
  rank: number;
  active: boolean;
  desk: DispatchDesk;
  assignable: boolean;
  busy: boolean;
}

function CandidateItem({ candidate: c, rank, active, desk, assignable, busy }: CandidateItemProps) {
  const { t, language } = useI18n();
  return (
    <li
      className={`candidate${active ? ' active' : ''}`}
      data-testid="candidate"
      data-team-id={c.teamId}
      onMouseEnter={() => desk.hover(c.teamId)}
      onClick={() => desk.choose(c.teamId)}
    >
      <div className="candidate-main">
        <div className="candidate-name">
          <span className="candidate-rank">{rank}</span>
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
      {desk.state.reassigning ? (
        <button
          type="button"
          className="button small"
          data-testid={`candidate-reassign-${c.teamId}`}
          disabled={busy}
          onClick={(e) => {
            e.stopPropagation();
            desk.reassign(c);
          }}
        >
          {t('dispatch.reassignTo')}
        </button>
      ) : (
        <button
          type="button"
          className="button small primary"
          data-testid={`candidate-assign-${c.teamId}`}
          disabled={busy || !assignable}
          onClick={(e) => {
            e.stopPropagation();
            desk.assign(c);
          }}
        >
          {t('dispatch.assign')}
        </button>
      )}
    </li>
  );
}
