import { toPolygon, type Position } from './edit-geometry.ts';

/**
 * The grid editor's draft as a pure state machine: what the map's clicks do (the mode), the
 * outline being drawn or reshaped (open rings, [lon, lat]), the split line, and the undo
 * history of these edits. No map, no server: the page dispatches actions from pointer and
 * key events, and reads the outline to check and save.
 */

/** What the map's clicks do: select grids, draw a new outline, reshape one, draw a split line. */
export type Mode = 'view' | 'draw' | 'reshape' | 'split';

/** The edited shape: an outline (outer ring and holes, open) and the split line. */
export interface Shape {
  ring: readonly Position[];
  holes: readonly (readonly Position[])[];
  /** The outline is finished: no more corners are appended; corners can be dragged, added, removed. */
  closed: boolean;
  /** Split mode: the line drawn so far. */
  line: readonly Position[];
}

export interface DraftState extends Shape {
  mode: Mode;
  /** Shapes before each edit, oldest first (at most HISTORY_LIMIT). */
  past: readonly Shape[];
  /** A corner being dragged: its index; its drag is one edit however far it moves. */
  dragging: number | null;
  /** The shape when the drag began: what undo returns to once the drag moved something. */
  dragFrom: Shape | null;
}

/** Edits remembered for undo. */
export const HISTORY_LIMIT = 200;

const EMPTY_SHAPE: Shape = { ring: [], holes: [], closed: false, line: [] };

export const INITIAL_DRAFT: DraftState = {
  ...EMPTY_SHAPE,
  mode: 'view',
  past: [],
  dragging: null,
  dragFrom: null,
};

export type DraftAction =
  /** Start drawing a new outline. */
  | { type: 'draw' }
  /** Start reshaping an existing outline (its outer ring and holes, open). */
  | { type: 'reshape'; rings: readonly (readonly Position[])[] }
  /** Start drawing a split line. */
  | { type: 'split' }
  /** Back to selecting, the draft dropped. */
  | { type: 'leave' }
  /**
   * A click at `at` (already snapped): appends a corner while drawing (or finishes the outline
   * when `onFirst`, the click hit its first corner and there are three), a point of the split line.
   */
  | { type: 'click'; at: Position; onFirst?: boolean }
  /** Finish the outline being drawn (three corners at least). */
  | { type: 'finish' }
  /** Add a corner after corner `after` (a click on the midpoint of its edge). */
  | { type: 'insert'; after: number; at: Position }
  /** Press on corner `index` of a finished outline: a drag begins. */
  | { type: 'dragStart'; index: number }
  /** The dragged corner follows the pointer (snapped). */
  | { type: 'dragTo'; at: Position }
  | { type: 'dragEnd' }
  /** Remove corner `index` of a finished outline (right-click); a ring keeps three. */
  | { type: 'remove'; index: number }
  /** Step back one edit. */
  | { type: 'undo' };

function shapeOf(s: DraftState): Shape {
  return { ring: s.ring, holes: s.holes, closed: s.closed, line: s.line };
}

/** The history with `shape` remembered last, the oldest forgotten past HISTORY_LIMIT. */
function remember(past: readonly Shape[], shape: Shape): Shape[] {
  const out = [...past, shape];
  if (out.length > HISTORY_LIMIT) out.shift();
  return out;
}

/** Applies an edit, remembering the shape before it. */
function edit(s: DraftState, next: Partial<Shape>): DraftState {
  return { ...s, ...next, past: remember(s.past, shapeOf(s)) };
}

/** Whether the outline can take corner edits (dragging, adding, removing). */
function editable(s: DraftState): boolean {
  return (s.mode === 'draw' || s.mode === 'reshape') && s.closed;
}

export function draftReducer(s: DraftState, a: DraftAction): DraftState {
  switch (a.type) {
    case 'draw':
      return { ...INITIAL_DRAFT, mode: 'draw' };
    case 'reshape': {
      const [ring = [], ...holes] = a.rings;
      return { ...INITIAL_DRAFT, mode: 'reshape', ring, holes, closed: true };
    }
    case 'split':
      return { ...INITIAL_DRAFT, mode: 'split' };
    case 'leave':
      return INITIAL_DRAFT;
    case 'click':
      if (s.mode === 'split') return edit(s, { line: [...s.line, a.at] });
      if (s.mode !== 'draw' || s.closed) return s;
      if (a.onFirst && s.ring.length >= 3) return edit(s, { closed: true });
      return edit(s, { ring: [...s.ring, a.at] });
    case 'finish':
      return s.mode === 'draw' && !s.closed && s.ring.length >= 3 ? edit(s, { closed: true }) : s;
    case 'insert': {
      if (!editable(s) || a.after < 0 || a.after >= s.ring.length) return s;
      const ring = [...s.ring];
      ring.splice(a.after + 1, 0, a.at);
      return edit(s, { ring });
    }
    case 'dragStart':
      if (!editable(s) || s.dragging !== null || a.index < 0 || a.index >= s.ring.length) return s;
      return { ...s, dragging: a.index, dragFrom: shapeOf(s) };
    case 'dragTo': {
      const i = s.dragging;
      if (i === null) return s;
      return { ...s, ring: s.ring.map((p, k) => (k === i ? a.at : p)) };
    }
    case 'dragEnd': {
      const from = s.dragFrom;
      if (s.dragging === null || !from) return s;
      // the whole drag is one edit; a press that moved nothing is none
      const past = from.ring === s.ring ? s.past : remember(s.past, from);
      return { ...s, dragging: null, dragFrom: null, past };
    }
    case 'remove':
      if (!editable(s) || s.ring.length <= 3 || a.index < 0 || a.index >= s.ring.length) return s;
      return edit(s, { ring: s.ring.filter((_, k) => k !== a.index) });
    case 'undo': {
      const prev = s.past[s.past.length - 1];
      if (!prev || s.dragging !== null) return s;
      return { ...s, ...prev, past: s.past.slice(0, -1) };
    }
  }
}

/** Whether undo would change anything (there is an edit to step back, and no drag under way). */
export function canUndo(s: DraftState): boolean {
  return s.past.length > 0 && s.dragging === null;
}

/** Whether the outline is finished and being drawn or reshaped: what the live check looks at. */
export function isOutlineEdit(s: Pick<DraftState, 'mode' | 'closed' | 'ring'>): boolean {
  return (s.mode === 'draw' || s.mode === 'reshape') && s.closed && s.ring.length >= 3;
}

/** The finished outline as the API takes it (closed rings, 7 decimals), or null while unfinished. */
export function draftPolygon(
  s: Pick<Shape, 'ring' | 'holes' | 'closed'>,
): ReturnType<typeof toPolygon> | null {
  return s.closed && s.ring.length >= 3 ? toPolygon(s.ring, s.holes) : null;
}

/** The split line as the API takes it, or null with fewer than two points. */
export function draftLine(s: Pick<Shape, 'line'>): { type: 'LineString'; coordinates: number[][] } | null {
  return s.line.length >= 2 ? { type: 'LineString', coordinates: s.line.map((p) => [p[0], p[1]]) } : null;
}
