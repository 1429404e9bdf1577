import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, type Dispatch, type RefObject } from 'react';
import type { Incident } from '../api/client.ts';
import { useSession } from '../lib/session.tsx';
import { navigate } from '../router.ts';
import { fetchTopCandidate, useDispatchChange, useIncidentTransition } from './queries.ts';
import { shortcutCommand, type QueueAction, type QueueState } from './queue-state.ts';

/** Whether a key press belongs to a text field, a select or an editable element (shortcuts stay out). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
}

/** What the shortcuts act on. */
export interface QueueShortcutsInput {
  state: QueueState;
  dispatch: Dispatch<QueueAction>;
  /** Ids of the filtered queue, in order. */
  ids: readonly number[];
  /** The row under the cursor (on the page shown), if any. */
  cursor: Incident | null;
  searchRef: RefObject<HTMLInputElement | null>;
}

/**
 * The queue's keyboard shortcuts (↑↓/j k move, Enter open, a accept, d dispatch the fastest team
 * after confirmation, / filter, ? help, Esc), on the window while the page is open. Returns the
 * confirmation of a proposed dispatch, for the dialog's button.
 */
export function useQueueShortcuts({ state, dispatch, ids, cursor, searchRef }: QueueShortcutsInput): {
  confirmDispatch: () => void;
} {
  const { can } = useSession();
  const client = useQueryClient();
  const transition = useIncidentTransition();
  const change = useDispatchChange();

  const failed = (incidentId: number) => (error: unknown) =>
    dispatch({ type: 'outcome', outcome: { kind: 'failed', incidentId, error } });

  const accept = (incident: Incident) => {
    if (!can('accept') || incident.status !== 'reported') {
      dispatch({ type: 'outcome', outcome: { kind: 'cannotAccept', incidentId: incident.id } });
      return;
    }
    transition.mutate(
      { id: incident.id, action: 'accept' },
      {
        onSuccess: () =>
          dispatch({ type: 'outcome', outcome: { kind: 'accepted', incidentId: incident.id } }),
        onError: failed(incident.id),
      },
    );
  };

  const propose = async (incident: Incident) => {
    if (!can('dispatch') || incident.status !== 'accepted') {
      dispatch({ type: 'outcome', outcome: { kind: 'cannotDispatch', incidentId: incident.id } });
      return;
    }
    try {
      const candidate = await fetchTopCandidate(client, incident.id);
      if (candidate) dispatch({ type: 'propose', pending: { incident, candidate } });
      else dispatch({ type: 'outcome', outcome: { kind: 'noCandidate', incidentId: incident.id } });
    } catch (e: unknown) {
      failed(incident.id)(e);
    }
  };

  const confirmDispatch = () => {
    if (!state.confirm) return;
    const { incident, candidate } = state.confirm;
    dispatch({ type: 'closeConfirm' });
    change.mutate(
      { kind: 'assign', incidentId: incident.id, teamId: candidate.teamId },
      {
        onSuccess: () =>
          dispatch({
            type: 'outcome',
            outcome: { kind: 'dispatched', incidentId: incident.id, teamName: candidate.name },
          }),
        onError: failed(incident.id),
      },
    );
  };

  const onKey = useEffectEvent((e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const confirming = state.confirm !== null;
    if (!confirming && isTyping(e.target)) {
      if (e.key === 'Escape' && e.target instanceof HTMLElement) e.target.blur();
      return;
    }
    const command = shortcutCommand(e.key, { confirming, help: state.help, cursor: cursor !== null });
    if (!command) return;
    // Escape in the queue also closes what the browser has open: not taken from it
    if (command.type !== 'clearOutcome') e.preventDefault();
    switch (command.type) {
      case 'move':
        dispatch({ type: 'move', delta: command.delta, ids });
        break;
      case 'open':
        if (cursor) navigate(`/incidents/${cursor.id}`);
        break;
      case 'accept':
        if (cursor) accept(cursor);
        break;
      case 'dispatch':
        if (cursor) void propose(cursor);
        break;
      case 'search':
        searchRef.current?.focus();
        break;
      case 'toggleHelp':
        dispatch({ type: 'toggleHelp' });
        break;
      case 'closeHelp':
        dispatch({ type: 'closeHelp' });
        break;
      case 'clearOutcome':
        dispatch({ type: 'clearOutcome' });
        break;
      case 'confirm':
        confirmDispatch();
        break;
      case 'cancelConfirm':
        dispatch({ type: 'closeConfirm' });
        break;
    }
  });

  useEffect(() => {
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return { confirmDispatch };
}
