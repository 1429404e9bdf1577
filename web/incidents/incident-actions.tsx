import { useState } from 'react';
import type { IncidentAction, IncidentDetail } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { actionName } from '../lib/incident-format.ts';
import { useI18n } from '../i18n.ts';
import { useIncidentTransition } from './queries.ts';
import { UnitPicker } from './unit-fields.tsx';

/** The lifecycle actions of one incident: the note and hours they take, sending, and the refusal. */
export interface IncidentActionsState {
  note: string;
  setNote: (note: string) => void;
  hours: string;
  setHours: (hours: string) => void;
  /** transfer, assign_unit: the unit picked to take it over. */
  unitId: number | null;
  setUnitId: (unitId: number | null) => void;
  busy: boolean;
  error: Error | null;
  /** Takes an action (merge: into the master `into`). */
  act: (action: IncidentAction, into?: number) => void;
}

/** State and sending of an incident's lifecycle actions (the panel is remounted per incident). */
export function useIncidentActions(id: number): IncidentActionsState {
  const [note, setNote] = useState('');
  const [hours, setHours] = useState('8');
  const [unitId, setUnitId] = useState<number | null>(null);
  const transition = useIncidentTransition();
  const act = (action: IncidentAction, into?: number) => {
    const text = note.trim();
    transition.mutate(
      {
        id,
        action,
        ...(text ? { note: text } : {}),
        ...(action === 'request_extension' ? { hours: Number(hours) } : {}),
        ...(into !== undefined ? { into } : {}),
        ...((action === 'transfer' || action === 'assign_unit') && unitId !== null ? { unitId } : {}),
      },
      {
        onSuccess: () => {
          setNote('');
          setUnitId(null);
        },
      },
    );
  };
  return {
    note,
    setNote,
    hours,
    setHours,
    unitId,
    setUnitId,
    busy: transition.isPending,
    error: transition.error,
    act,
  };
}

/** Actions shown as the main step of their status. */
const PRIMARY: ReadonlySet<IncidentAction> = new Set([
  'accept',
  'dispatch',
  'verify_pass',
  'close',
  'resolve',
]);

/** Props of IncidentActions. */
export interface IncidentActionsProps {
  incident: IncidentDetail;
  state: IncidentActionsState;
}

/** A button for each action this user may take now, with a note (and hours for an extension). */
export function IncidentActions({ incident, state }: IncidentActionsProps) {
  const { t } = useI18n();
  const actions = incident.actions;
  // merging needs a master: offered next to each possible duplicate instead
  const buttons = actions.filter((a): a is IncidentAction => a !== 'merge' && isAction(a));
  return (
    <>
      <h3 className="panel-subtitle">{t('detail.actions')}</h3>
      {actions.length === 0 ? (
        <p className="muted">{t('detail.noActions')}</p>
      ) : (
        <div className="incident-actions">
          <label className="field">
            <span>{t('detail.note')}</span>
            <textarea
              rows={2}
              maxLength={1000}
              value={state.note}
              onChange={(e) => state.setNote(e.target.value)}
            />
          </label>
          {actions.includes('request_extension') && (
            <label className="field inline">
              <span>{t('detail.hours')}</span>
              <input
                type="number"
                min={1}
                max={2000}
                value={state.hours}
                onChange={(e) => state.setHours(e.target.value)}
              />
            </label>
          )}
          {(actions.includes('transfer') || actions.includes('assign_unit')) && (
            <UnitPicker incident={incident} value={state.unitId} onChange={state.setUnitId} />
          )}
          <div className="action-buttons">
            {buttons.map((a) => (
              <button
                key={a}
                type="button"
                className={`button${PRIMARY.has(a) ? ' primary' : ''}`}
                data-testid={`incident-action-${a}`}
                disabled={state.busy}
                onClick={() => state.act(a)}
              >
                {actionName(t, a)}
              </button>
            ))}
          </div>
        </div>
      )}
      {state.error && (
        <p className="form-error" role="alert" data-testid="incident-action-error">
          {errorMessage(state.error, t)}
        </p>
      )}
    </>
  );
}

/** The actions this app can send; a record, so that an action the API adds fails the typecheck here. */
const ACTIONS: Record<IncidentAction, true> = {
  accept: true,
  reject: true,
  dispatch: true,
  return: true,
  arrive: true,
  resolve: true,
  verify_pass: true,
  verify_fail: true,
  close: true,
  request_extension: true,
  grant_extension: true,
  deny_extension: true,
  merge: true,
  transfer: true,
  send_back: true,
  assign_unit: true,
};

/** Whether the API's action name is one this app can send. */
function isAction(a: string): a is IncidentAction {
  return Object.hasOwn(ACTIONS, a);
}
