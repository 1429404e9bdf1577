/**
 * The search field's list: open or closed, the highlighted result, and when the field was last
 * emptied (answers from before that belong to another search and are not shown while the new
 * one loads). Pure, so that it is tested without a browser.
 */
export interface SearchListState {
  open: boolean;
  /** The highlighted result, for the answer to `activeFor`. */
  active: number;
  /** The text whose answer `active` belongs to: a new answer starts at its first result. */
  activeFor: string;
  /** When the field was last emptied (ms), 0 if never. */
  clearedAt: number;
}

export type SearchListAction =
  | { type: 'typed'; text: string; now: number }
  | { type: 'focus' }
  | { type: 'close' }
  /** Arrow keys: `count` results of the answer to `shownFor` are listed. */
  | { type: 'move'; by: 1 | -1; count: number; shownFor: string }
  | { type: 'hover'; index: number; shownFor: string };

export const INITIAL_SEARCH_LIST: SearchListState = { open: false, active: 0, activeFor: '', clearedAt: 0 };

/** The highlighted index in the answer to `shownFor` (its first result until the user moves). */
export function activeIndex(state: SearchListState, shownFor: string): number {
  return state.activeFor === shownFor ? state.active : 0;
}

export function searchListReducer(state: SearchListState, action: SearchListAction): SearchListState {
  switch (action.type) {
    case 'typed':
      return { ...state, open: true, clearedAt: action.text.trim() === '' ? action.now : state.clearedAt };
    case 'focus':
      return state.open ? state : { ...state, open: true };
    case 'close':
      return state.open ? { ...state, open: false } : state;
    case 'move': {
      const current = activeIndex(state, action.shownFor);
      const last = Math.max(0, action.count - 1);
      const active = Math.max(0, Math.min(last, current + action.by));
      // the down arrow also opens a closed list
      return { ...state, open: state.open || action.by > 0, active, activeFor: action.shownFor };
    }
    case 'hover':
      return { ...state, active: action.index, activeFor: action.shownFor };
  }
}

/** An answer of the search, with the text it answers and when it arrived. */
export interface SearchAnswer<Hit> {
  q: string;
  hits: Hit[];
  at: number;
}

/**
 * The answer to list for the text typed now: the answer to this very text, or the latest one
 * of the same search (typing on shows the previous results until the new ones arrive); none
 * from before the field was emptied.
 */
export function shownAnswer<Hit>(
  state: SearchListState,
  text: string,
  answer: SearchAnswer<Hit> | undefined,
): SearchAnswer<Hit> | null {
  if (!answer) return null;
  return answer.q === text.trim() || answer.at > state.clearedAt ? answer : null;
}
