import type { IncidentDetail } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { useI18n } from '../i18n.ts';
import { CandidateList } from './candidate-list.tsx';
import { CurrentDispatch } from './current-dispatch.tsx';
import { hasTeam } from './dispatch-desk-state.ts';
import type { DispatchDesk } from './use-dispatch-desk.ts';

/** Props of DispatchSection. */
export interface DispatchSectionProps {
  incident: IncidentDetail;
  /** The incident's dispatch state and actions (useDispatchDesk, shared with the map's routes). */
  desk: DispatchDesk;
}

/**
 * Dispatch of one incident: for an accepted incident the fastest suitable teams by road with a
 * one-click 派遣; once sent, the current dispatch with arrive / complete / call back / send another
 * team, by permission. Nothing for an incident that needs no team and has none.
 */
export function DispatchSection({ incident, desk }: DispatchSectionProps) {
  const { t } = useI18n();
  const needsTeam = incident.teamCapability !== null;
  if (!needsTeam && !hasTeam(incident.status)) return null;
  const { dispatch, error, showCandidates } = desk;
  if (!showCandidates && !dispatch && !error) return null;
  return (
    <div className="dispatch-section" data-testid="dispatch-section">
      <h3 className="panel-subtitle">{t('dispatch.title')}</h3>
      {dispatch && (
        <CurrentDispatch
          dispatch={dispatch}
          canReassign={needsTeam}
          reassigning={desk.state.reassigning}
          busy={desk.busy}
          onStep={desk.step}
          onToggleReassign={desk.toggleReassign}
        />
      )}
      {showCandidates && <CandidateList incident={incident} desk={desk} />}
      {error !== null && error !== undefined && (
        <p className="form-error" role="alert" data-testid="dispatch-error">
          {errorMessage(error, t)}
        </p>
      )}
    </div>
  );
}
