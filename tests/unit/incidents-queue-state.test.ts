import { describe, expect, it } from 'vitest';
import type { Candidate, Incident } from '../../web/api/client.ts';
import {
  filterQueue,
  initialQueueState,
  queueReducer,
  queueView,
  shortcutCommand,
  type QueueAction,
  type QueueState,
} from '../../web/incidents/queue-state.ts';

/** 120 rows: ids 1001..1120 in queue order (pages of 50: 0–49, 50–99, 100–119). */
const IDS = Array.from({ length: 120 }, (_, i) => 1001 + i);

function run(state: QueueState, ...actions: QueueAction[]): QueueState {
  return actions.reduce(queueReducer, state);
}

function incident(id: number, extra: Partial<Incident> = {}): Incident {
  return {
    id,
    category: '0501',
    categoryName: '无照经营游商',
    townCode: '441900110',
    gridCode: '441900110001001',
    ...extra,
  } as Incident;
}

describe('queue view', () => {
  it('shows the page of the offset, and the cursor only when it is on that page', () => {
    expect(queueView({ cursorId: 1051, offset: 50 }, IDS)).toEqual({ first: 50, end: 100, cursorIndex: 50 });
    expect(queueView({ cursorId: 1001, offset: 50 }, IDS)).toEqual({ first: 50, end: 100, cursorIndex: -1 });
    expect(queueView({ cursorId: null, offset: 100 }, IDS)).toEqual({
      first: 100,
      end: 120,
      cursorIndex: -1,
    });
  });

  it('stays on the last page when the queue shrank under the offset', () => {
    expect(queueView({ cursorId: null, offset: 100 }, IDS.slice(0, 60))).toEqual({
      first: 50,
      end: 60,
      cursorIndex: -1,
    });
    expect(queueView({ cursorId: null, offset: 50 }, [])).toEqual({ first: 0, end: 0, cursorIndex: -1 });
  });
});

describe('queue selection and keyboard navigation', () => {
  it('j from no cursor takes the first row of the page, k the last', () => {
    const top = initialQueueState(null);
    expect(run(top, { type: 'move', delta: 1, ids: IDS }).cursorId).toBe(1001);
    expect(run(top, { type: 'move', delta: -1, ids: IDS }).cursorId).toBe(1050);
    const second = run(top, { type: 'page', offset: 50 });
    expect(run(second, { type: 'move', delta: 1, ids: IDS }).cursorId).toBe(1051);
    expect(run(second, { type: 'move', delta: -1, ids: IDS }).cursorId).toBe(1100);
  });

  it('moving past the end of a page goes on to the next page, and back', () => {
    let s = run(initialQueueState(null), { type: 'move', delta: -1, ids: IDS });
    expect(s).toMatchObject({ cursorId: 1050, offset: 0 });
    s = run(s, { type: 'move', delta: 1, ids: IDS });
    expect(s).toMatchObject({ cursorId: 1051, offset: 50 });
    s = run(s, { type: 'move', delta: -1, ids: IDS });
    expect(s).toMatchObject({ cursorId: 1050, offset: 0 });
  });

  it('stops at the first and the last row', () => {
    let s = run(initialQueueState(null), { type: 'move', delta: 1, ids: IDS });
    s = run(s, { type: 'move', delta: -1, ids: IDS });
    expect(s.cursorId).toBe(1001);
    s = run(s, { type: 'page', offset: 100 }, { type: 'move', delta: -1, ids: IDS });
    expect(s.cursorId).toBe(1120);
    s = run(s, { type: 'move', delta: 1, ids: IDS });
    expect(s).toMatchObject({ cursorId: 1120, offset: 100 });
  });

  it('does nothing on an empty queue', () => {
    const s = initialQueueState(null);
    expect(run(s, { type: 'move', delta: 1, ids: [] })).toBe(s);
  });

  it('the pager leaves the cursor behind', () => {
    const s = run(initialQueueState(null), { type: 'cursor', id: 1003 }, { type: 'page', offset: 50 });
    expect(s).toMatchObject({ cursorId: null, offset: 50 });
  });

  it('a cursor off the page: j starts again from the top of the page shown', () => {
    // the cursor on page 1, the page shown is 2 (e.g. after a filter change kept the id)
    const s = { ...initialQueueState(null), cursorId: 1003, offset: 50 };
    expect(run(s, { type: 'move', delta: 1, ids: IDS }).cursorId).toBe(1051);
  });

  it('an opened incident takes the cursor and its page is shown once the rows hold it', () => {
    let s = initialQueueState(1075);
    expect(s).toMatchObject({ cursorId: 1075, reveal: 1075, offset: 0 });
    // the queue has not loaded yet
    s = run(s, { type: 'sync', openedId: 1075, ids: [] });
    expect(s).toMatchObject({ reveal: 1075, offset: 0 });
    s = run(s, { type: 'sync', openedId: 1075, ids: IDS });
    expect(s).toMatchObject({ cursorId: 1075, reveal: null, offset: 50 });
    // once shown, paging away is not undone by the next load
    s = run(s, { type: 'page', offset: 0 }, { type: 'sync', openedId: 1075, ids: IDS });
    expect(s.offset).toBe(0);
    // opening another one from the URL
    s = run(s, { type: 'sync', openedId: 1110, ids: IDS });
    expect(s).toMatchObject({ cursorId: 1110, reveal: null, offset: 100 });
    // closing keeps the cursor where it is
    s = run(s, { type: 'sync', openedId: null, ids: IDS });
    expect(s).toMatchObject({ cursorId: 1110, offset: 100, openedId: null });
  });

  it('the same rows again change nothing (no render loop)', () => {
    const s = run(initialQueueState(null), { type: 'sync', openedId: null, ids: IDS });
    expect(run(s, { type: 'sync', openedId: null, ids: IDS })).toBe(s);
  });

  it('a filter change goes back to the first page', () => {
    const s = run(initialQueueState(null), { type: 'page', offset: 100 }, { type: 'filtered' });
    expect(s.offset).toBe(0);
  });

  it('help, a proposed dispatch and the shortcut outcome', () => {
    const pending = { incident: incident(1002), candidate: { teamId: 7, name: '城管执法一队' } as Candidate };
    let s = run(initialQueueState(null), { type: 'toggleHelp' });
    expect(s.help).toBe(true);
    s = run(s, { type: 'toggleHelp' });
    expect(s.help).toBe(false);
    s = run(s, { type: 'propose', pending });
    expect(s.confirm).toBe(pending);
    s = run(
      s,
      { type: 'closeConfirm' },
      { type: 'outcome', outcome: { kind: 'dispatched', incidentId: 1002, teamName: '城管执法一队' } },
    );
    expect(s.confirm).toBeNull();
    expect(s.outcome).toEqual({ kind: 'dispatched', incidentId: 1002, teamName: '城管执法一队' });
    expect(run(s, { type: 'clearOutcome' }).outcome).toBeNull();
  });
});

describe('shortcut keys', () => {
  const queue = { confirming: false, help: false, cursor: true };
  it('maps the keys of the help text', () => {
    expect(shortcutCommand('j', queue)).toEqual({ type: 'move', delta: 1 });
    expect(shortcutCommand('ArrowDown', queue)).toEqual({ type: 'move', delta: 1 });
    expect(shortcutCommand('k', queue)).toEqual({ type: 'move', delta: -1 });
    expect(shortcutCommand('ArrowUp', queue)).toEqual({ type: 'move', delta: -1 });
    expect(shortcutCommand('Enter', queue)).toEqual({ type: 'open' });
    expect(shortcutCommand('a', queue)).toEqual({ type: 'accept' });
    expect(shortcutCommand('d', queue)).toEqual({ type: 'dispatch' });
    expect(shortcutCommand('/', queue)).toEqual({ type: 'search' });
    expect(shortcutCommand('?', queue)).toEqual({ type: 'toggleHelp' });
    expect(shortcutCommand('Escape', queue)).toEqual({ type: 'clearOutcome' });
    expect(shortcutCommand('x', queue)).toBeNull();
  });

  it('row actions need a row under the cursor; moving does not', () => {
    const none = { ...queue, cursor: false };
    expect(shortcutCommand('Enter', none)).toBeNull();
    expect(shortcutCommand('a', none)).toBeNull();
    expect(shortcutCommand('d', none)).toBeNull();
    expect(shortcutCommand('j', none)).toEqual({ type: 'move', delta: 1 });
  });

  it('while confirming only Enter and Escape count', () => {
    const confirming = { ...queue, confirming: true };
    expect(shortcutCommand('Enter', confirming)).toEqual({ type: 'confirm' });
    expect(shortcutCommand('Escape', confirming)).toEqual({ type: 'cancelConfirm' });
    expect(shortcutCommand('j', confirming)).toBeNull();
    expect(shortcutCommand('a', confirming)).toBeNull();
  });

  it('the help closes with Escape or ?, other keys still work under it', () => {
    const help = { ...queue, help: true };
    expect(shortcutCommand('Escape', help)).toEqual({ type: 'closeHelp' });
    expect(shortcutCommand('?', help)).toEqual({ type: 'closeHelp' });
    expect(shortcutCommand('j', help)).toEqual({ type: 'move', delta: 1 });
  });
});

describe('queue text filter', () => {
  const rows = [
    incident(5, { category: '0501', categoryName: '无照经营游商', gridCode: 'G-A', townCode: '441900110' }),
    incident(42, { category: '0302', categoryName: '井盖缺失', gridCode: 'G-B', townCode: '441900120' }),
    incident(142, { category: '0302', categoryName: null, gridCode: null, townCode: null }),
  ];
  const towns = new Map([
    ['441900110', '常平镇'],
    ['441900120', '黄江镇'],
  ]);
  const ids = (text: string) => filterQueue(rows, text, towns).map((i) => i.id);

  it('matches id, category code and name, grid, town code and name, ignoring case and spaces', () => {
    expect(ids('')).toEqual([5, 42, 142]);
    expect(ids('  ')).toEqual([5, 42, 142]);
    expect(ids('#42')).toEqual([42]);
    expect(ids('42')).toEqual([42, 142]);
    expect(ids('井盖')).toEqual([42]);
    expect(ids('0302')).toEqual([42, 142]);
    expect(ids('g-a')).toEqual([5]);
    expect(ids('黄江')).toEqual([42]);
    expect(ids('441900110')).toEqual([5]);
    expect(ids('nothing')).toEqual([]);
  });
});
