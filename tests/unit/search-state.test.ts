import { describe, expect, it } from 'vitest';
import {
  activeIndex,
  INITIAL_SEARCH_LIST,
  searchListReducer,
  shownAnswer,
  type SearchListAction,
  type SearchListState,
} from '../../web/components/search-state.ts';

const run = (actions: SearchListAction[], from: SearchListState = INITIAL_SEARCH_LIST) =>
  actions.reduce(searchListReducer, from);

describe("the search field's list", () => {
  it('opens on typing and on focus, closes on Escape or a pick', () => {
    expect(run([{ type: 'typed', text: 'h', now: 1 }]).open).toBe(true);
    expect(run([{ type: 'focus' }]).open).toBe(true);
    expect(run([{ type: 'focus' }, { type: 'close' }]).open).toBe(false);
  });

  it('moves the highlight within the results, and the down arrow opens a closed list', () => {
    const moved = run([
      { type: 'move', by: 1, count: 3, shownFor: '虎门' },
      { type: 'move', by: 1, count: 3, shownFor: '虎门' },
      { type: 'move', by: 1, count: 3, shownFor: '虎门' },
    ]);
    expect(moved.open).toBe(true);
    expect(activeIndex(moved, '虎门')).toBe(2);
    const up = run([{ type: 'move', by: -1, count: 3, shownFor: '虎门' }], moved);
    expect(activeIndex(up, '虎门')).toBe(1);
    expect(activeIndex(run([{ type: 'move', by: -1, count: 3, shownFor: '虎门' }]), '虎门')).toBe(0);
    // the up arrow does not open the list
    expect(run([{ type: 'move', by: -1, count: 3, shownFor: 'x' }]).open).toBe(false);
  });

  it('stays on the first result when there are none to move to', () => {
    expect(activeIndex(run([{ type: 'move', by: 1, count: 0, shownFor: 'x' }]), 'x')).toBe(0);
  });

  it('starts a new answer at its first result', () => {
    const hovered = run([{ type: 'hover', index: 4, shownFor: '虎' }]);
    expect(activeIndex(hovered, '虎')).toBe(4);
    expect(activeIndex(hovered, '虎门')).toBe(0);
  });

  it('remembers when the field was emptied, not when it was typed in', () => {
    const state = run([
      { type: 'typed', text: 'ab', now: 10 },
      { type: 'typed', text: '  ', now: 20 },
      { type: 'typed', text: 'c', now: 30 },
    ]);
    expect(state.clearedAt).toBe(20);
  });
});

describe('which answer is listed', () => {
  const answer = (q: string, at: number) => ({ q, hits: [q], at });

  it('lists the previous answer while typing on', () => {
    const state = run([{ type: 'typed', text: '虎', now: 5 }]);
    expect(shownAnswer(state, '虎门', answer('虎', 8))?.q).toBe('虎');
  });

  it('lists nothing from before the field was emptied, unless it answers the very text', () => {
    const state = run([{ type: 'typed', text: '', now: 50 }]);
    expect(shownAnswer(state, '长安', answer('虎门', 40))).toBeNull();
    expect(shownAnswer(state, ' 虎门 ', answer('虎门', 40))?.q).toBe('虎门');
    expect(shownAnswer(state, '长安', undefined)).toBeNull();
  });
});
