import { describe, expect, it } from 'vitest';
import { ALL_LAYERS_OFF, NO_AREAS } from '../../web/components/layer-visibility.ts';
import { buildLayers, countLayerItems, type GridEditorMapState } from '../../web/map/layers/index.ts';
import {
  canUndo,
  draftLine,
  draftPolygon,
  draftReducer,
  HISTORY_LIMIT,
  INITIAL_DRAFT,
  isOutlineEdit,
  type DraftAction,
  type DraftState,
} from '../../web/grids/draft.ts';
import { contains, midpoints, snap, vertexAt, type Position } from '../../web/grids/edit-geometry.ts';

/** The state after a sequence of actions from `from`. */
function run(actions: DraftAction[], from: DraftState = INITIAL_DRAFT): DraftState {
  return actions.reduce(draftReducer, from);
}

const A: Position = [113.7, 22.9];
const B: Position = [113.71, 22.9];
const C: Position = [113.71, 22.91];
const D: Position = [113.7, 22.91];

/** A finished square A B C D, drawn corner by corner. */
const SQUARE: DraftAction[] = [
  { type: 'draw' },
  { type: 'click', at: A },
  { type: 'click', at: B },
  { type: 'click', at: C },
  { type: 'click', at: D },
  { type: 'finish' },
];

describe('grid draft: drawing', () => {
  it('appends a corner per click and finishes with three or more', () => {
    const open = run(SQUARE.slice(0, 5));
    expect(open.mode).toBe('draw');
    expect(open.ring).toEqual([A, B, C, D]);
    expect(open.closed).toBe(false);
    expect(draftPolygon(open)).toBeNull();
    expect(isOutlineEdit(open)).toBe(false);

    const done = draftReducer(open, { type: 'finish' });
    expect(done.closed).toBe(true);
    expect(isOutlineEdit(done)).toBe(true);
    expect(draftPolygon(done)).toEqual({
      type: 'Polygon',
      coordinates: [[A, B, C, D, A]],
    });
  });

  it('finishes when the first corner is clicked again, only from three corners', () => {
    const two = run([{ type: 'draw' }, { type: 'click', at: A }, { type: 'click', at: B }]);
    // with two corners a click on the first one is just another corner
    expect(draftReducer(two, { type: 'click', at: A, onFirst: true }).ring).toEqual([A, B, A]);
    const three = draftReducer(two, { type: 'click', at: C });
    const closed = draftReducer(three, { type: 'click', at: A, onFirst: true });
    expect(closed.closed).toBe(true);
    expect(closed.ring).toEqual([A, B, C]);
  });

  it('refuses to finish with fewer than three corners, and adds no corner once finished', () => {
    const two = run([{ type: 'draw' }, { type: 'click', at: A }, { type: 'click', at: B }]);
    expect(draftReducer(two, { type: 'finish' })).toBe(two);
    const done = run(SQUARE);
    expect(draftReducer(done, { type: 'click', at: [113.8, 23] })).toBe(done);
  });

  it('ignores clicks while selecting', () => {
    expect(draftReducer(INITIAL_DRAFT, { type: 'click', at: A })).toBe(INITIAL_DRAFT);
  });

  it('rounds the polygon it hands the API to 7 decimals', () => {
    const s = run([
      { type: 'draw' },
      { type: 'click', at: [113.123456789, 22.987654321] },
      { type: 'click', at: [113.2, 22.9] },
      { type: 'click', at: [113.2, 23] },
      { type: 'finish' },
    ]);
    expect(draftPolygon(s)?.coordinates[0]?.[0]).toEqual([113.1234568, 22.9876543]);
  });
});

describe('grid draft: corner edits', () => {
  it('moves a corner by a drag, snapped positions taken as given', () => {
    const s = run([
      ...SQUARE,
      { type: 'dragStart', index: 2 },
      { type: 'dragTo', at: [113.72, 22.92] },
      { type: 'dragTo', at: [113.715, 22.915] },
      { type: 'dragEnd' },
    ]);
    expect(s.ring).toEqual([A, B, [113.715, 22.915], D]);
    expect(s.dragging).toBeNull();
  });

  it('inserts a corner after the given one (a click on the midpoint of its edge)', () => {
    const mid: Position = [113.705, 22.91];
    const s = draftReducer(run(SQUARE), { type: 'insert', after: 2, at: mid });
    expect(s.ring).toEqual([A, B, C, mid, D]);
    // the closing edge D → A: after the last corner
    const closing: Position = [113.7, 22.905];
    expect(draftReducer(s, { type: 'insert', after: 4, at: closing }).ring).toEqual([
      A,
      B,
      C,
      mid,
      D,
      closing,
    ]);
  });

  it('deletes a corner, keeping at least three', () => {
    const s = draftReducer(run(SQUARE), { type: 'remove', index: 1 });
    expect(s.ring).toEqual([A, C, D]);
    expect(draftReducer(s, { type: 'remove', index: 0 })).toBe(s);
  });

  it('edits corners only of a finished outline', () => {
    const open = run(SQUARE.slice(0, 5));
    expect(draftReducer(open, { type: 'insert', after: 0, at: C })).toBe(open);
    expect(draftReducer(open, { type: 'remove', index: 0 })).toBe(open);
    expect(draftReducer(open, { type: 'dragStart', index: 0 })).toBe(open);
  });

  it('ignores corner indexes out of range', () => {
    const s = run(SQUARE);
    expect(draftReducer(s, { type: 'remove', index: 4 })).toBe(s);
    expect(draftReducer(s, { type: 'insert', after: -1, at: A })).toBe(s);
    expect(draftReducer(s, { type: 'dragStart', index: 9 })).toBe(s);
  });
});

describe('grid draft: reshaping with holes', () => {
  const hole: Position[] = [
    [113.703, 22.903],
    [113.706, 22.903],
    [113.706, 22.906],
  ];

  it('starts from the outline’s open rings, finished, and keeps its holes through edits', () => {
    const s = run([
      { type: 'reshape', rings: [[A, B, C, D], hole] },
      { type: 'remove', index: 3 },
      { type: 'insert', after: 0, at: [113.705, 22.899] },
    ]);
    expect(s.mode).toBe('reshape');
    expect(s.closed).toBe(true);
    expect(s.ring).toEqual([A, [113.705, 22.899], B, C]);
    expect(s.holes).toEqual([hole]);
    expect(draftPolygon(s)).toEqual({
      type: 'Polygon',
      coordinates: [
        [A, [113.705, 22.899], B, C, A],
        [...hole, hole[0]],
      ],
    });
    // back to the start: undo returns the outline as it was, holes and all
    const back = run([{ type: 'undo' }, { type: 'undo' }], s);
    expect(back.ring).toEqual([A, B, C, D]);
    expect(back.holes).toEqual([hole]);
    expect(canUndo(back)).toBe(false);
  });

  it('has nothing to undo right after it starts', () => {
    const s = draftReducer(INITIAL_DRAFT, { type: 'reshape', rings: [[A, B, C]] });
    expect(canUndo(s)).toBe(false);
    expect(draftReducer(s, { type: 'undo' })).toBe(s);
  });
});

describe('grid draft: split line', () => {
  it('collects the points of the line, a LineString from two points', () => {
    const one = run([{ type: 'split' }, { type: 'click', at: A }]);
    expect(draftLine(one)).toBeNull();
    const two = draftReducer(one, { type: 'click', at: C });
    expect(draftLine(two)).toEqual({ type: 'LineString', coordinates: [A, C] });
    expect(draftPolygon(two)).toBeNull();
    expect(draftReducer(two, { type: 'undo' }).line).toEqual([A]);
  });

  it('draws no outline and edits no corners in split mode', () => {
    const s = run([{ type: 'split' }, { type: 'click', at: A }, { type: 'click', at: B }]);
    expect(s.ring).toEqual([]);
    expect(draftReducer(s, { type: 'finish' })).toBe(s);
    expect(draftReducer(s, { type: 'dragStart', index: 0 })).toBe(s);
  });
});

describe('grid draft: undo', () => {
  it('steps back one edit at a time: a finished outline opens again, then loses its corners', () => {
    let s = run(SQUARE);
    s = draftReducer(s, { type: 'undo' });
    expect(s.closed).toBe(false);
    expect(s.ring).toEqual([A, B, C, D]);
    s = draftReducer(s, { type: 'undo' });
    expect(s.ring).toEqual([A, B, C]);
    s = run([{ type: 'undo' }, { type: 'undo' }, { type: 'undo' }], s);
    expect(s.ring).toEqual([]);
    expect(canUndo(s)).toBe(false);
    expect(s.mode).toBe('draw');
  });

  it('undoes a whole drag in one step, however many moves it had', () => {
    const before = run(SQUARE);
    const dragged = run(
      [
        { type: 'dragStart', index: 0 },
        { type: 'dragTo', at: [113.69, 22.89] },
        { type: 'dragTo', at: [113.68, 22.88] },
        { type: 'dragTo', at: [113.695, 22.895] },
        { type: 'dragEnd' },
      ],
      before,
    );
    expect(dragged.past.length).toBe(before.past.length + 1);
    const back = draftReducer(dragged, { type: 'undo' });
    expect(back.ring).toEqual([A, B, C, D]);
    expect(back.closed).toBe(true);
  });

  it('counts a press on a corner that moved nothing as no edit', () => {
    const before = run(SQUARE);
    const pressed = run([{ type: 'dragStart', index: 1 }, { type: 'dragEnd' }], before);
    expect(pressed.past).toEqual(before.past);
    expect(pressed.ring).toEqual(before.ring);
  });

  it('does not undo in the middle of a drag', () => {
    const s = run([...SQUARE, { type: 'dragStart', index: 0 }, { type: 'dragTo', at: [113.6, 22.8] }]);
    expect(canUndo(s)).toBe(false);
    expect(draftReducer(s, { type: 'undo' })).toBe(s);
  });

  it('remembers at most HISTORY_LIMIT edits, forgetting the oldest', () => {
    const clicks: DraftAction[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 25; i++) clicks.push({ type: 'click', at: [113 + i * 1e-4, 22.9] });
    let s = run([{ type: 'split' }, ...clicks]);
    expect(s.line.length).toBe(HISTORY_LIMIT + 25);
    expect(s.past.length).toBe(HISTORY_LIMIT);
    while (canUndo(s)) s = draftReducer(s, { type: 'undo' });
    // the first 25 points are beyond the history: undo stops there
    expect(s.line.length).toBe(25);
    expect(s.line[24]).toEqual([113 + 24 * 1e-4, 22.9]);
  });

  it('a drag at the history limit forgets one old edit only when it moved something', () => {
    const clicks: DraftAction[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++)
      clicks.push({ type: 'click', at: [113 + i * 1e-4, 22.9 + (i % 2) * 1e-4] });
    const full = run([{ type: 'draw' }, ...clicks, { type: 'finish' }]);
    expect(full.past.length).toBe(HISTORY_LIMIT);
    const pressed = run([{ type: 'dragStart', index: 3 }, { type: 'dragEnd' }], full);
    expect(pressed.past).toEqual(full.past);
    const moved = run(
      [{ type: 'dragStart', index: 3 }, { type: 'dragTo', at: [114, 23] }, { type: 'dragEnd' }],
      full,
    );
    expect(moved.past.length).toBe(HISTORY_LIMIT);
    expect(moved.past[0]).toEqual(full.past[1]);
  });

  it('forgets the history when the mode is left', () => {
    const s = draftReducer(run(SQUARE), { type: 'leave' });
    expect(s).toEqual(INITIAL_DRAFT);
    expect(canUndo(s)).toBe(false);
  });
});

describe('grid draft: what the pointer hits', () => {
  // a plain projection: one degree is 100 000 pixels, y down
  const project = (p: Position): [number, number] => [p[0] * 1e5, -p[1] * 1e5];

  it('finds the corner within the snapping distance, the nearest of two', () => {
    const ring: Position[] = [A, B, C, D];
    // B is at (11371000, -2290000) px: 6 px away hits it, 11 px does not
    expect(vertexAt([11371006, -2290000], ring, project)).toBe(1);
    expect(vertexAt([11371011, -2290000], ring, project)).toBe(-1);
    // two corners 4 and 6 px away: the nearer
    expect(vertexAt([11370004, -2290000], [A, [113.7001, 22.9]], project)).toBe(0);
    expect(vertexAt([11370006, -2290000], [A, [113.7001, 22.9]], project)).toBe(1);
  });

  it('puts the handles that add a corner on the middle of every edge, the closing one too', () => {
    expect(midpoints([A, B, C])).toEqual([
      [113.705, 22.9],
      [113.71, 22.905],
      [113.705, 22.905],
    ]);
  });

  it('snaps to a neighbour’s corner before its edge, and leaves a free point alone', () => {
    const neighbour: Position[] = [B, [113.72, 22.9], [113.72, 22.91], C, B];
    expect(snap([113.71004, 22.90003], [neighbour], project)).toEqual({ position: B, kind: 'vertex' });
    const onEdge = snap([113.71005, 22.905], [neighbour], project);
    expect(onEdge.kind).toBe('edge');
    expect(onEdge.position[0]).toBeCloseTo(113.71, 9);
    expect(onEdge.position[1]).toBeCloseTo(22.905, 9);
    expect(snap([113.75, 22.95], [neighbour], project)).toEqual({ position: [113.75, 22.95], kind: 'none' });
  });

  it('picks a grid by a point inside its shell and outside its holes', () => {
    const grid = {
      type: 'Polygon',
      coordinates: [
        [A, B, C, D, A],
        [
          [113.703, 22.903],
          [113.707, 22.903],
          [113.707, 22.907],
          [113.703, 22.907],
          [113.703, 22.903],
        ],
      ],
    };
    expect(contains(grid, [113.701, 22.901])).toBe(true);
    expect(contains(grid, [113.705, 22.905])).toBe(false);
    expect(contains(grid, [113.72, 22.905])).toBe(false);
    expect(contains({ type: 'MultiPolygon', coordinates: [grid.coordinates] }, [113.701, 22.901])).toBe(true);
    expect(contains(null, A)).toBe(false);
  });
});

describe('grid draft: drawn through the layer registry', () => {
  const base = { zoom: 14, language: 'zh-CN' as const, visible: ALL_LAYERS_OFF, areas: NO_AREAS, tiles: {} };
  function drawn(draft: DraftState): Record<string, number> {
    const gridEditor: GridEditorMapState = {
      parent: { type: 'Polygon', coordinates: [[A, B, C, D, A]] },
      villages: [],
      grids: [],
      gaps: [],
      selected: [],
      history: null,
      problems: [],
      draft,
    };
    return countLayerItems(buildLayers({ ...base, gridEditor }));
  }

  it('a finished outline: its polygon, four corners and four edge midpoints', () => {
    const counts = drawn(run(SQUARE));
    expect(counts).toMatchObject({
      'grid-parent': 1,
      'grid-draft': 1,
      'grid-draft-corners': 4,
      'grid-draft-midpoints': 4,
    });
    expect(counts['grid-draft-path']).toBeUndefined();
  });

  it('an outline under way: the path so far and its corners, no midpoints', () => {
    const counts = drawn(run(SQUARE.slice(0, 4)));
    expect(counts).toMatchObject({ 'grid-draft-path': 1, 'grid-draft-corners': 3 });
    expect(counts['grid-draft']).toBeUndefined();
    expect(counts['grid-draft-midpoints']).toBeUndefined();
  });

  it('a split line: the line and its points', () => {
    const counts = drawn(run([{ type: 'split' }, { type: 'click', at: A }, { type: 'click', at: C }]));
    expect(counts).toMatchObject({ 'grid-draft-path': 1, 'grid-draft-corners': 2 });
  });

  it('nothing of the editor on a map without it', () => {
    const ids = Object.keys(countLayerItems(buildLayers(base)));
    expect(ids.filter((id) => id.startsWith('grid-'))).toEqual([]);
  });
});
