import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { useEffect, useRef, type Dispatch } from 'react';
import type { GridFeature } from '../api/client.ts';
import type { DraftAction, DraftState } from './draft.ts';
import { contains, midpoints, snap, vertexAt, type Position, type SnapTargets } from './edit-geometry.ts';

/** What the map's pointer does, read afresh on every event. */
export interface MapEditing {
  draft: DraftState;
  dispatch: Dispatch<DraftAction>;
  /** Viewing the past or without the right to edit: clicks only select. */
  readOnly: boolean;
  /** Outlines a corner snaps to. */
  snapTargets: SnapTargets;
  /** The grids a click selects from. */
  grids: readonly GridFeature[];
  /** A click while selecting: the grid under it (null: none), and whether Shift/Ctrl/⌘ was held. */
  onPick: (code: string | null, multi: boolean) => void;
}

/**
 * The map interaction of the grid editor: while selecting, a click picks the grid under it
 * (Shift, Ctrl or ⌘ adds to the selection); while drawing, a click adds a corner (snapped to the
 * neighbours' corners and edges and the parent boundary) and a click on the first corner
 * finishes; on a finished outline a corner is dragged, a click on an edge's midpoint adds a
 * corner and a right-click removes one; while splitting, clicks lay the line. Every edit goes to
 * the draft reducer; the map is only read (project, the pointer) and its panning paused during a
 * drag.
 */
export function useMapEditing(map: MapLibreMap | null, editing: MapEditing): void {
  const live = useRef(editing);
  live.current = editing;

  useEffect(() => {
    if (!map) return;
    const project = (p: Position): [number, number] => {
      const pt = map.project(p);
      return [pt.x, pt.y];
    };
    const pointer = (e: MapMouseEvent): Position => [e.lngLat.lng, e.lngLat.lat];
    const pixel = (e: MapMouseEvent): [number, number] => [e.point.x, e.point.y];
    const snapped = (e: MapMouseEvent) => snap(pointer(e), live.current.snapTargets, project).position;
    let dragging = false;

    const onClick = (e: MapMouseEvent) => {
      const { draft, dispatch, readOnly, grids, onPick } = live.current;
      if (draft.mode === 'view') {
        const at = pointer(e);
        const hit = grids.find((g) => contains(g.geometry, at));
        const o = e.originalEvent;
        onPick(hit?.id ?? null, o.shiftKey || o.ctrlKey || o.metaKey);
        return;
      }
      if (readOnly) return;
      if (draft.mode === 'split') {
        dispatch({ type: 'click', at: snapped(e) });
        return;
      }
      if (!draft.closed) {
        const first = draft.ring[0];
        const onFirst =
          draft.ring.length >= 3 && first !== undefined && vertexAt(pixel(e), [first], project) === 0;
        dispatch({ type: 'click', at: snapped(e), onFirst });
        return;
      }
      // a click on an edge's midpoint (not on a corner) adds a corner there
      const mids = midpoints(draft.ring);
      const mid = vertexAt(pixel(e), mids, project);
      if (mid >= 0 && vertexAt(pixel(e), draft.ring, project) < 0)
        dispatch({ type: 'insert', after: mid, at: mids[mid]! });
    };
    const onDown = (e: MapMouseEvent) => {
      const { draft, dispatch, readOnly } = live.current;
      if (readOnly || !draft.closed || (draft.mode !== 'draw' && draft.mode !== 'reshape')) return;
      const index = vertexAt(pixel(e), draft.ring, project);
      if (index < 0) return;
      e.preventDefault();
      dragging = true;
      map.dragPan.disable();
      dispatch({ type: 'dragStart', index });
    };
    const onMove = (e: MapMouseEvent) => {
      if (dragging) live.current.dispatch({ type: 'dragTo', at: snapped(e) });
    };
    const onUp = () => {
      if (!dragging) return;
      dragging = false;
      map.dragPan.enable();
      live.current.dispatch({ type: 'dragEnd' });
    };
    const onContext = (e: MapMouseEvent) => {
      const { draft, dispatch, readOnly } = live.current;
      if (readOnly || !draft.closed) return;
      const index = vertexAt(pixel(e), draft.ring, project);
      if (index < 0) return;
      e.preventDefault();
      dispatch({ type: 'remove', index });
    };
    map.on('click', onClick);
    map.on('mousedown', onDown);
    map.on('mousemove', onMove);
    map.on('mouseup', onUp);
    map.on('contextmenu', onContext);
    return () => {
      map.off('click', onClick);
      map.off('mousedown', onDown);
      map.off('mousemove', onMove);
      map.off('mouseup', onUp);
      map.off('contextmenu', onContext);
      if (dragging) map.dragPan.enable();
    };
  }, [map]);

  // A crosshair while the clicks draw (set on the container: the overlay resets the canvas's own).
  const mode = editing.draft.mode;
  useEffect(() => {
    if (map) map.getCanvasContainer().style.cursor = mode === 'view' ? '' : 'crosshair';
  }, [map, mode]);
}

/** Ctrl+Z (⌘Z) undoes an edit of the draft, Escape leaves the mode. */
export function useDraftKeys(dispatch: Dispatch<DraftAction>, onLeave: () => void): void {
  const leave = useRef(onLeave);
  leave.current = onLeave;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'z') {
        e.preventDefault();
        dispatch({ type: 'undo' });
      } else if (e.key === 'Escape') leave.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dispatch]);
}
