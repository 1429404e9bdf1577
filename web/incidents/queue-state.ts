import type { Candidate, Incident } from '../api/client.ts';

/**
 * The queue's selection and keyboard navigation as a pure state machine: which row the cursor
 * is on, which page is shown, the shortcut help, a dispatch waiting for confirmation and the
 * last shortcut's outcome. The page feeds it the ids of the rows in queue order.
 */

/** Rows per page of the queue. */
export const PAGE_SIZE = 50;

/** Offset of the page that holds row `index`. */
export function pageStart(index: number, pageSize = PAGE_SIZE): number {
  return Math.floor(index / pageSize) * pageSize;
}

/** A dispatch of the fastest team proposed by the `d` shortcut, waiting for confirmation. */
export interface PendingDispatch {
  incident: Incident;
  candidate: Candidate;
}

/** What a shortcut did (shown above the queue until Escape or the next shortcut). */
export type ShortcutOutcome =
  | { kind: 'accepted' | 'cannotAccept' | 'cannotDispatch' | 'noCandidate'; incidentId: number }
  | { kind: 'dispatched'; incidentId: number; teamName: string }
  | { kind: 'failed'; incidentId: number; error: unknown };

export interface QueueState {
  /** The incident opened (the URL), as last synced. */
  openedId: number | null;
  /** The row the shortcuts act on (only while it is on the page shown). */
  cursorId: number | null;
  /** Offset of the page shown (clamped to the last page when the queue is shorter). */
  offset: number;
  /** An opened incident whose page is to be shown once the queue holds it. */
  reveal: number | null;
  help: boolean;
  confirm: PendingDispatch | null;
  outcome: ShortcutOutcome | null;
}

export type QueueAction =
  /**
   * The opened incident (the URL; null: none) and the rows (ids in queue order), whenever either
   * changes: a newly opened incident takes the cursor, and its page is shown once the rows hold it.
   */
  | { type: 'sync'; openedId: number | null; ids: readonly number[] }
  /** The filters changed: back to the first page. */
  | { type: 'filtered' }
  /** ↓ / j (+1) or ↑ / k (−1): past the end of the page the cursor goes on to the next page. */
  | { type: 'move'; delta: 1 | -1; ids: readonly number[] }
  /** The pager: the cursor stays behind, so j / k start again at the top / bottom of the page. */
  | { type: 'page'; offset: number }
  /** A row was focused or clicked. */
  | { type: 'cursor'; id: number }
  | { type: 'toggleHelp' }
  | { type: 'closeHelp' }
  | { type: 'propose'; pending: PendingDispatch }
  /** The proposal was confirmed (the dispatch is being sent) or cancelled. */
  | { type: 'closeConfirm' }
  | { type: 'outcome'; outcome: ShortcutOutcome }
  | { type: 'clearOutcome' };

export function initialQueueState(openedId: number | null): QueueState {
  return {
    openedId,
    cursorId: openedId,
    offset: 0,
    reveal: openedId,
    help: false,
    confirm: null,
    outcome: null,
  };
}

/** What the page shows of `ids`: rows first..end−1, and the cursor's index if it is among them (else −1). */
export function queueView(
  state: Pick<QueueState, 'cursorId' | 'offset'>,
  ids: readonly number[],
  pageSize = PAGE_SIZE,
): { first: number; end: number; cursorIndex: number } {
  // The queue may have shrunk under the page (filters, live changes): stay on its last page.
  const first = ids.length === 0 ? 0 : Math.min(state.offset, pageStart(ids.length - 1, pageSize));
  const end = Math.min(ids.length, first + pageSize);
  const found = state.cursorId === null ? -1 : ids.indexOf(state.cursorId);
  return { first, end, cursorIndex: found >= first && found < end ? found : -1 };
}

/** Shows the page holding the incident waiting to be revealed, once the rows hold it. */
function revealIn(state: QueueState, ids: readonly number[]): QueueState {
  if (state.reveal === null) return state;
  const index = ids.indexOf(state.reveal);
  // not (yet) in the queue: a later load may bring it
  if (index < 0) return state;
  return { ...state, reveal: null, offset: pageStart(index) };
}

export function queueReducer(state: QueueState, action: QueueAction): QueueState {
  switch (action.type) {
    case 'sync': {
      const { openedId, ids } = action;
      if (openedId === state.openedId) return revealIn(state, ids);
      const opened =
        openedId === null
          ? { ...state, openedId, reveal: null }
          : { ...state, openedId, cursorId: openedId, reveal: openedId };
      return revealIn(opened, ids);
    }
    case 'filtered':
      return state.offset === 0 ? state : { ...state, offset: 0 };
    case 'move': {
      const { ids, delta } = action;
      if (ids.length === 0) return state;
      const { first, end, cursorIndex } = queueView(state, ids);
      const from = cursorIndex < 0 ? (delta > 0 ? first - 1 : end) : cursorIndex;
      const index = Math.max(0, Math.min(ids.length - 1, from + delta));
      return { ...state, cursorId: ids[index] ?? null, offset: pageStart(index) };
    }
    case 'page':
      return { ...state, offset: action.offset, cursorId: null };
    case 'cursor':
      return state.cursorId === action.id ? state : { ...state, cursorId: action.id };
    case 'toggleHelp':
      return { ...state, help: !state.help };
    case 'closeHelp':
      return { ...state, help: false };
    case 'propose':
      return { ...state, confirm: action.pending };
    case 'closeConfirm':
      return { ...state, confirm: null };
    case 'outcome':
      return { ...state, outcome: action.outcome };
    case 'clearOutcome':
      return { ...state, outcome: null };
  }
}

/** What a key press asks for, in the state the queue is in. */
export type ShortcutCommand =
  | { type: 'move'; delta: 1 | -1 }
  | { type: 'open' | 'accept' | 'dispatch' }
  | { type: 'search' | 'toggleHelp' | 'closeHelp' | 'clearOutcome' }
  | { type: 'confirm' | 'cancelConfirm' };

/**
 * The command of a key (without modifiers) outside text fields, or null: none, or one that
 * needs a row under the cursor when there is none. While a dispatch waits for confirmation,
 * only Enter and Escape count; the help closes with Escape or `?`, other keys work under it.
 */
export function shortcutCommand(
  key: string,
  mode: { confirming: boolean; help: boolean; cursor: boolean },
): ShortcutCommand | null {
  if (mode.confirming) {
    if (key === 'Escape') return { type: 'cancelConfirm' };
    if (key === 'Enter') return { type: 'confirm' };
    return null;
  }
  if (mode.help && (key === 'Escape' || key === '?')) return { type: 'closeHelp' };
  switch (key) {
    case 'ArrowDown':
    case 'j':
      return { type: 'move', delta: 1 };
    case 'ArrowUp':
    case 'k':
      return { type: 'move', delta: -1 };
    case 'Enter':
      return mode.cursor ? { type: 'open' } : null;
    case 'a':
      return mode.cursor ? { type: 'accept' } : null;
    case 'd':
      return mode.cursor ? { type: 'dispatch' } : null;
    case '/':
      return { type: 'search' };
    case '?':
      return { type: 'toggleHelp' };
    case 'Escape':
      return { type: 'clearOutcome' };
    default:
      return null;
  }
}

/** The rows matching the text filter: id, category, grid or town (code or name). */
export function filterQueue(
  incidents: readonly Incident[],
  text: string,
  townNames: ReadonlyMap<string, string>,
): readonly Incident[] {
  const q = text.trim().toLowerCase();
  if (!q) return incidents;
  return incidents.filter((i) =>
    [`#${i.id}`, String(i.id), i.categoryName ?? '', i.category, i.gridCode ?? '', i.townCode ?? '']
      .concat(i.townCode ? [townNames.get(i.townCode) ?? ''] : [])
      .some((v) => v.toLowerCase().includes(q)),
  );
}
