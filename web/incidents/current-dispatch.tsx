import type { Dispatch, DispatchStep } from '../api/client.ts';
import { formatTime } from '../lib/format.ts';
import { useSession } from '../lib/session.tsx';
import { dispatchStatusName, distance, etaMinutes } from '../lib/team-format.ts';
import { useI18n } from '../i18n.ts';

/** Props of CurrentDispatch. */
export interface CurrentDispatchProps {
  dispatch: Dispatch;
  /** Whether another team may be chosen (the incident needs a team of a capability). */
  canReassign: boolean;
  reassigning: boolean;
  busy: boolean;
  onStep: (step: DispatchStep) => void;
  onToggleReassign: () => void;
}

/** The team on the way or on the scene, with arrive / complete (report) and call back / reassign (dispatch). */
export function CurrentDispatch({
  dispatch,
  canReassign,
  reassigning,
  busy,
  onStep,
  onToggleReassign,
}: CurrentDispatchProps) {
  const { t, language } = useI18n();
  const { can } = useSession();
  return (
    <div className="current-dispatch" data-testid="current-dispatch" data-id={dispatch.id}>
      <div className="current-dispatch-head">
        <strong data-testid="dispatch-team">{dispatch.teamName}</strong>
        <span className={`status-badge dispatch-${dispatch.status}`} data-testid="dispatch-status">
          {dispatchStatusName(t, dispatch.status)}
        </span>
      </div>
      <div className="muted small">
        {formatTime(language, dispatch.createdAt)} · <span translate="no">{dispatch.createdBy}</span>
        {dispatch.travelTimeS !== null && (
          <>
            {' '}
            · {t('dispatch.eta')} {etaMinutes(t, dispatch.travelTimeS)} · {distance(t, dispatch.distanceM)}
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
            onClick={() => onStep('arrive')}
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
            onClick={() => onStep('complete')}
          >
            {t('dispatch.complete')}
          </button>
        )}
        {can('dispatch') && (
          <button
            type="button"
            className="button"
            data-testid="dispatch-cancel"
            disabled={busy}
            onClick={() => onStep('cancel')}
          >
            {t('dispatch.cancel')}
          </button>
        )}
        {can('dispatch') && canReassign && (
          <button
            type="button"
            className={`button${reassigning ? ' active' : ''}`}
            data-testid="dispatch-reassign"
            aria-pressed={reassigning}
            disabled={busy}
            onClick={onToggleReassign}
          >
            {reassigning ? t('dispatch.reassignCancel') : t('dispatch.reassign')}
          </button>
        )}
      </div>
    </div>
  );
}
