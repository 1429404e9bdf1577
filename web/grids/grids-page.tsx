import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import {
  ApiError,
  createGrid,
  deleteGrid,
  getAreas,
  getGridHistory,
  getGrids,
  getReassignments,
  getWorkerCandidates,
  gridExportUrl,
  gridProblems,
  importGrids,
  mergeGrids,
  reassignIncidents,
  splitGrid,
  updateGrid,
  validateGrid,
  type GridFeature,
  type GridHistory,
  type GridListing,
  type GridProblem,
  type ImportReport,
  type Me,
  type Reassignment,
  type WorkerCandidate,
} from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { Header } from '../components/header.tsx';
import { useI18n, type MessageKey } from '../i18n.ts';
import { MapView } from '../map/map-view.tsx';
import { publishTestState } from '../test-hooks.ts';
import {
  allRings,
  midpoints,
  ringsOf,
  snap,
  toPolygon,
  UndoHistory,
  vertexAt,
  type Position,
  type SnapTargets,
} from './edit-geometry.ts';
import { addGridLayers, GRID_FILL_LAYER, setGridData } from './grid-layers.ts';

/** What the map's clicks do. */
type Mode = 'view' | 'draw' | 'reshape' | 'split';

/** The outline being drawn or reshaped (open rings), or the split line. */
interface Draft {
  ring: Position[];
  holes: Position[][];
  /** The polygon is finished (drawing adds no more vertices; vertices can be dragged). */
  closed: boolean;
  /** Split mode: the line drawn so far. */
  line: Position[];
}

const EMPTY_DRAFT: Draft = { ring: [], holes: [], closed: false, line: [] };

interface Validation {
  status: 'idle' | 'pending' | 'ok' | 'errors';
  errors: GridProblem[];
  warnings: GridProblem[];
}

const IDLE: Validation = { status: 'idle', errors: [], warnings: [] };

type FC = GeoJSON.FeatureCollection;
const fc = (features: GeoJSON.Feature[]): FC => ({ type: 'FeatureCollection', features });
const asGeometry = (g: { type: string; coordinates: unknown[] }) => g as unknown as GeoJSON.Geometry;

function bboxOf(
  geometry: { type: string; coordinates: unknown[] } | null,
): [number, number, number, number] | null {
  const rings = allRings(geometry);
  if (rings.length === 0) return null;
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings)
    for (const [x, y] of ring) {
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    }
  return b;
}

/** The message of an error, in words for the user. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Named {
  code: string;
  name: string;
}

/**
 * The grid editor (/grids): pick a village (or a town) in scope, see its grids, the parent
 * outline and the gaps; draw, reshape (drag vertices, click a midpoint to add one, right-click
 * a vertex to remove it), split along a line, merge, delete, rename; every outline is checked
 * on the server as it changes and again on save. Vertices snap to the neighbours' corners and
 * edges and to the parent boundary. Undo (Ctrl+Z) steps back through the draft's edits.
 * Also: history per grid, the map as of a date, incidents to reassign, import and export.
 */
export function GridsPage() {
  const { me } = useSession();
  if (!me) return null;
  return <GridsEditor me={me} />;
}

function GridsEditor({ me }: { me: Me }) {
  const { t } = useI18n();
  const { can } = useSession();
  const mayEdit = can('edit_grids');
  const home = me.homeAreaCode;

  // ---- which village or town
  const [towns, setTowns] = useState<Named[]>([]);
  const [town, setTown] = useState(home.length >= 9 ? home.slice(0, 9) : '');
  const [villages, setVillages] = useState<Named[]>([]);
  const [village, setVillage] = useState(home.length >= 12 ? home.slice(0, 12) : '');
  const parentCode = village || town;

  useEffect(() => {
    if (home.length >= 9) return;
    const controller = new AbortController();
    getAreas({ level: 'town', geometry: false }, controller.signal).then(
      (c) => setTowns(c.features.map((f) => ({ code: f.properties.code, name: f.properties.name }))),
      () => undefined,
    );
    return () => controller.abort();
  }, [home]);
  useEffect(() => {
    if (!town || home.length >= 12) return;
    const controller = new AbortController();
    getAreas({ level: 'village', parent: town, geometry: false }, controller.signal).then(
      (c) => setVillages(c.features.map((f) => ({ code: f.properties.code, name: f.properties.name }))),
      () => undefined,
    );
    return () => controller.abort();
  }, [town, home]);

  // ---- the listing (current, or as of a date)
  const [asOf, setAsOf] = useState('');
  const [listing, setListing] = useState<GridListing | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const refresh = useCallback(() => setReload((n) => n + 1), []);
  useEffect(() => {
    if (!parentCode) return;
    const controller = new AbortController();
    const at = asOf ? new Date(asOf).toISOString() : undefined;
    getGrids(parentCode, at, controller.signal).then(
      (l) => {
        setListing(l);
        setLoadError(null);
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setLoadError(errorText(e));
      },
    );
    return () => controller.abort();
  }, [parentCode, asOf, reload]);
  const readOnly = !mayEdit || asOf !== '';

  // ---- selection, mode, draft
  const [selected, setSelected] = useState<string[]>([]);
  const [mode, setMode] = useState<Mode>('view');
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const history = useRef(new UndoHistory<Draft>());
  const [undoCount, setUndoCount] = useState(0);
  const [validation, setValidation] = useState<Validation>(IDLE);
  const [problems, setProblems] = useState<GridProblem[]>([]);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [newName, setNewName] = useState('');
  const [newHouseholds, setNewHouseholds] = useState('');
  const [reassignable, setReassignable] = useState(0);

  const grids = useMemo(() => listing?.grids.features ?? [], [listing]);
  const byCode = useMemo(() => new Map(grids.map((g) => [g.id, g])), [grids]);
  const one = selected.length === 1 ? (byCode.get(selected[0]!) ?? null) : null;

  const editDraft = useCallback((next: Draft | ((d: Draft) => Draft)) => {
    setDraft((d) => {
      history.current.push(d);
      setUndoCount(history.current.size);
      return typeof next === 'function' ? next(d) : next;
    });
  }, []);
  const undo = useCallback(() => {
    const prev = history.current.undo();
    setUndoCount(history.current.size);
    if (prev) setDraft(prev);
  }, []);
  const leaveMode = useCallback(() => {
    setMode('view');
    setDraft(EMPTY_DRAFT);
    history.current.clear();
    setUndoCount(0);
    setValidation(IDLE);
    setProblems([]);
  }, []);

  // A different parent or date: start over.
  useEffect(() => {
    setSelected([]);
    leaveMode();
  }, [parentCode, asOf, leaveMode]);

  // ---- the map
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const onLoad = useCallback((m: MapLibreMap) => {
    addGridLayers(m);
    m.doubleClickZoom.disable();
    setMap(m);
  }, []);

  // Fit the parent when it changes.
  const fittedFor = useRef('');
  useEffect(() => {
    if (!map || !listing || fittedFor.current === listing.parent.id) return;
    const b = bboxOf(listing.parent.geometry);
    if (!b) return;
    fittedFor.current = listing.parent.id;
    map.fitBounds(
      [
        [b[0], b[1]],
        [b[2], b[3]],
      ],
      { padding: { top: 40, bottom: 40, left: 300, right: 340 }, maxZoom: 17, duration: 0 },
    );
  }, [map, listing]);

  // Draw the listing.
  useEffect(() => {
    if (!map || !listing) return;
    setGridData(
      map,
      'g-parent',
      fc(
        listing.parent.geometry
          ? [{ type: 'Feature', geometry: asGeometry(listing.parent.geometry), properties: {} }]
          : [],
      ),
    );
    setGridData(
      map,
      'g-villages',
      fc(
        listing.villages
          .filter((v) => v.geometry)
          .map((v) => ({ type: 'Feature', geometry: asGeometry(v.geometry!), properties: { code: v.id } })),
      ),
    );
    setGridData(
      map,
      'g-grids',
      fc(
        grids
          .filter((g) => g.geometry && !(mode === 'reshape' && selected.includes(g.id)))
          .map((g) => ({ type: 'Feature', geometry: asGeometry(g.geometry!), properties: { code: g.id } })),
      ),
    );
    setGridData(
      map,
      'g-gaps',
      fc(
        listing.gaps.features.map((g) => ({
          type: 'Feature',
          geometry: asGeometry(g.geometry),
          properties: {},
        })),
      ),
    );
  }, [map, listing, grids, mode, selected]);

  useEffect(() => {
    if (!map) return;
    setGridData(
      map,
      'g-selected',
      fc(
        mode === 'reshape'
          ? []
          : selected
              .map((c) => byCode.get(c))
              .filter((g): g is GridFeature => Boolean(g?.geometry))
              .map((g) => ({ type: 'Feature', geometry: asGeometry(g.geometry!), properties: {} })),
      ),
    );
  }, [map, selected, byCode, mode]);

  // The problems shown: the last refused save's, else the live validation's.
  const shownProblems = problems.length > 0 ? problems : validation.errors;
  useEffect(() => {
    if (!map) return;
    setGridData(
      map,
      'g-problems',
      fc(
        shownProblems
          .filter((p) => p.geometry)
          .map((p) => ({ type: 'Feature', geometry: asGeometry(p.geometry!), properties: { kind: p.kind } })),
      ),
    );
  }, [map, shownProblems]);

  useEffect(() => {
    if (!map) return;
    const features: GeoJSON.Feature[] = [];
    const handles: GeoJSON.Feature[] = [];
    if (mode === 'split' && draft.line.length > 0) {
      features.push({
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: draft.line },
        properties: {},
      });
      for (const p of draft.line)
        handles.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: p },
          properties: { role: 'vertex' },
        });
    } else if (draft.ring.length > 0) {
      if (draft.closed && draft.ring.length >= 3) {
        features.push({ type: 'Feature', geometry: toPolygon(draft.ring, draft.holes), properties: {} });
        for (const p of midpoints(draft.ring))
          handles.push({
            type: 'Feature',
            geometry: { type: 'Point', coordinates: p },
            properties: { role: 'mid' },
          });
      } else {
        features.push({
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: draft.ring },
          properties: {},
        });
      }
      for (const p of draft.ring)
        handles.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: p },
          properties: { role: 'vertex' },
        });
    }
    setGridData(map, 'g-draft', fc(features));
    setGridData(map, 'g-handles', fc(handles));
  }, [map, draft, mode]);

  // ---- checks while editing
  const editingCode = mode === 'reshape' ? (selected[0] ?? null) : null;
  const draftVillage = editingCode ? editingCode.slice(0, 12) : village;
  useEffect(() => {
    setProblems([]);
    if ((mode !== 'draw' && mode !== 'reshape') || !draft.closed || draft.ring.length < 3 || !draftVillage) {
      setValidation(IDLE);
      return;
    }
    const controller = new AbortController();
    setValidation((v) => ({ ...v, status: 'pending' }));
    const timer = window.setTimeout(() => {
      validateGrid(
        {
          parentCode: draftVillage,
          geometry: toPolygon(draft.ring, draft.holes),
          code: editingCode ?? undefined,
        },
        controller.signal,
      ).then(
        (r) => setValidation({ status: r.ok ? 'ok' : 'errors', errors: r.errors, warnings: r.warnings }),
        (e: unknown) => {
          if (controller.signal.aborted) return;
          setValidation({
            status: 'errors',
            errors: [{ kind: 'invalid', message: errorText(e) }],
            warnings: [],
          });
        },
      );
    }, 250);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [draft, mode, draftVillage, editingCode]);

  // ---- map interaction (handlers read the latest state through a ref)
  const live = useRef({ mode, draft, grids, listing, selected, editDraft, setSelected, readOnly });
  live.current = { mode, draft, grids, listing, selected, editDraft, setSelected, readOnly };

  /** Outlines to snap to: the parent, villages, and every grid but the one being reshaped. */
  const snapTargets = useCallback((): SnapTargets => {
    const { listing: l, grids: gs, mode: m, selected: sel } = live.current;
    if (!l) return [];
    const targets = [...allRings(l.parent.geometry), ...l.villages.flatMap((v) => allRings(v.geometry))];
    for (const g of gs) if (!(m === 'reshape' && sel.includes(g.id))) targets.push(...allRings(g.geometry));
    return targets;
  }, []);

  useEffect(() => {
    if (!map) return;
    const project = (p: Position): [number, number] => {
      const pt = map.project(p);
      return [pt.x, pt.y];
    };
    const pointerPos = (e: MapMouseEvent): Position => [e.lngLat.lng, e.lngLat.lat];
    let dragging = -1;

    const onClick = (e: MapMouseEvent) => {
      const s = live.current;
      if (s.mode === 'view') {
        const hit = map.queryRenderedFeatures(e.point, { layers: [GRID_FILL_LAYER] })[0];
        const code = hit?.properties?.code as string | undefined;
        if (!code) {
          s.setSelected([]);
          return;
        }
        const multi = e.originalEvent.shiftKey || e.originalEvent.ctrlKey || e.originalEvent.metaKey;
        s.setSelected((cur) =>
          multi ? (cur.includes(code) ? cur.filter((c) => c !== code) : [...cur, code]) : [code],
        );
        return;
      }
      if (s.readOnly) return;
      const at = snap(pointerPos(e), snapTargets(), project).position;
      if (s.mode === 'split') {
        s.editDraft((d) => ({ ...d, line: [...d.line, at] }));
        return;
      }
      const d = s.draft;
      if (!d.closed) {
        // clicking the first vertex again finishes the outline
        if (d.ring.length >= 3 && vertexAt([e.point.x, e.point.y], [d.ring[0]!], project) === 0) {
          s.editDraft({ ...d, closed: true });
        } else {
          s.editDraft({ ...d, ring: [...d.ring, at] });
        }
        return;
      }
      // a click on a midpoint handle adds a vertex there
      const mids = midpoints(d.ring);
      const mid = vertexAt([e.point.x, e.point.y], mids, project);
      if (mid >= 0 && vertexAt([e.point.x, e.point.y], d.ring, project) < 0) {
        const ring = [...d.ring];
        ring.splice(mid + 1, 0, mids[mid]!);
        s.editDraft({ ...d, ring });
      }
    };
    const onDown = (e: MapMouseEvent) => {
      const s = live.current;
      if (s.readOnly || !s.draft.closed || (s.mode !== 'draw' && s.mode !== 'reshape')) return;
      const i = vertexAt([e.point.x, e.point.y], s.draft.ring, project);
      if (i < 0) return;
      e.preventDefault();
      dragging = i;
      map.dragPan.disable();
      s.editDraft((d) => d); // remember the state before the drag
    };
    const onMove = (e: MapMouseEvent) => {
      if (dragging < 0) return;
      const at = snap(pointerPos(e), snapTargets(), project).position;
      const i = dragging;
      setDraft((d) => ({ ...d, ring: d.ring.map((p, k) => (k === i ? at : p)) }));
    };
    const onUp = () => {
      if (dragging < 0) return;
      dragging = -1;
      map.dragPan.enable();
    };
    const onContext = (e: MapMouseEvent) => {
      const s = live.current;
      if (s.readOnly || !s.draft.closed || s.draft.ring.length <= 3) return;
      const i = vertexAt([e.point.x, e.point.y], s.draft.ring, project);
      if (i < 0) return;
      e.preventDefault();
      s.editDraft((d) => ({ ...d, ring: d.ring.filter((_, k) => k !== i) }));
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
    };
  }, [map, snapTargets]);

  useEffect(() => {
    if (!map) return;
    map.getCanvas().style.cursor = mode === 'view' ? '' : 'crosshair';
  }, [map, mode]);

  // Ctrl+Z undoes, Escape leaves the mode.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'z') {
        e.preventDefault();
        undo();
      } else if (e.key === 'Escape') leaveMode();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, leaveMode]);

  // ---- actions
  const afterWrite = useCallback(
    (r: { grids: GridFeature[]; warnings: GridProblem[]; reassignable: number }, text: string) => {
      leaveMode();
      setSelected(r.grids.map((g) => g.id).slice(0, 1));
      setReassignable(r.reassignable);
      setMessage({ kind: 'info', text });
      refresh();
    },
    [leaveMode, refresh],
  );
  const onWriteError = useCallback(
    (e: unknown) => {
      const p = gridProblems(e);
      if (p) setProblems(p);
      if (e instanceof ApiError && e.status === 409) refresh();
      setMessage({ kind: 'error', text: errorText(e) });
    },
    [refresh],
  );
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      setMessage(null);
      try {
        await action();
      } catch (e) {
        onWriteError(e);
      } finally {
        setBusy(false);
      }
    },
    [onWriteError],
  );

  const startDraw = () => {
    leaveMode();
    setSelected([]);
    setNewName('');
    setNewHouseholds('');
    setMode('draw');
  };
  const startReshape = () => {
    if (!one) return;
    const [ring, ...holes] = ringsOf(one.geometry);
    leaveMode();
    setMode('reshape');
    setDraft({ ring: ring ?? [], holes, closed: true, line: [] });
  };
  const startSplit = () => {
    leaveMode();
    setMode('split');
  };
  const save = () =>
    run(async () => {
      const geometry = toPolygon(draft.ring, draft.holes);
      if (mode === 'draw') {
        const households = newHouseholds.trim() === '' ? null : Number(newHouseholds);
        const r = await createGrid({ parentCode: village, name: newName.trim(), geometry, households });
        afterWrite(r, `${t('grids.created')} ${r.grids[0]?.id ?? ''}`);
      } else if (mode === 'reshape' && one) {
        const r = await updateGrid(one.id, { version: one.properties.version, geometry });
        afterWrite(r, `${t('grids.saved')} ${one.id} v${r.grids[0]?.properties.version ?? ''}`);
      }
    });
  const doSplit = () =>
    run(async () => {
      if (!one) return;
      const r = await splitGrid(one.id, one.properties.version, {
        type: 'LineString',
        coordinates: draft.line,
      });
      afterWrite(r, `${t('grids.splitDone')} ${r.grids.map((g) => g.id).join(', ')}`);
    });
  const doMerge = () =>
    run(async () => {
      const list = selected.map((c) => byCode.get(c)).filter((g): g is GridFeature => Boolean(g));
      const r = await mergeGrids(list.map((g) => ({ code: g.id, version: g.properties.version })));
      afterWrite(r, `${t('grids.mergeDone')} ${r.grids[0]?.id ?? ''}`);
    });
  const doDelete = () =>
    run(async () => {
      if (!one || !window.confirm(`${t('grids.confirmDelete')} ${one.properties.name} (${one.id})`)) return;
      const r = await deleteGrid(one.id, one.properties.version);
      afterWrite(r, `${t('grids.deleted')} ${one.id}`);
      setSelected([]);
    });

  // ---- attributes of the selected grid
  const [attrName, setAttrName] = useState('');
  const [attrHouseholds, setAttrHouseholds] = useState('');
  useEffect(() => {
    setAttrName(one?.properties.name ?? '');
    setAttrHouseholds(one?.properties.households === null || !one ? '' : String(one.properties.households));
  }, [one]);
  const saveAttributes = () =>
    run(async () => {
      if (!one) return;
      const households = attrHouseholds.trim() === '' ? null : Number(attrHouseholds);
      const r = await updateGrid(one.id, {
        version: one.properties.version,
        name: attrName.trim(),
        households,
      });
      afterWrite(r, `${t('grids.saved')} ${one.id}`);
    });

  // ---- grid workers of the selected grid
  const [candidates, setCandidates] = useState<WorkerCandidate[] | null>(null);
  const [workerIds, setWorkerIds] = useState<Set<number>>(new Set());
  useEffect(() => {
    setWorkerIds(new Set(one?.properties.workers.map((w) => w.id) ?? []));
  }, [one]);
  useEffect(() => {
    if (readOnly || !one) return;
    const controller = new AbortController();
    getWorkerCandidates(one.id.slice(0, 12), controller.signal).then(setCandidates, () =>
      setCandidates(null),
    );
    return () => controller.abort();
  }, [readOnly, one]);
  const saveWorkers = () =>
    run(async () => {
      if (!one) return;
      const r = await updateGrid(one.id, { version: one.properties.version, workerIds: [...workerIds] });
      afterWrite(r, `${t('grids.saved')} ${one.id}`);
    });

  // ---- history of the selected grid
  const [gridHistory, setGridHistory] = useState<GridHistory | null>(null);
  const [historyShown, setHistoryShown] = useState<number | null>(null);
  useEffect(() => {
    setGridHistory(null);
    setHistoryShown(null);
  }, [one?.id]);
  const showHistory = () =>
    run(async () => {
      if (one) setGridHistory(await getGridHistory(one.id));
    });
  useEffect(() => {
    if (!map) return;
    const v = gridHistory?.versions.find((x) => x.properties.version === historyShown);
    setGridData(
      map,
      'g-history',
      fc(v?.geometry ? [{ type: 'Feature', geometry: asGeometry(v.geometry), properties: {} }] : []),
    );
  }, [map, gridHistory, historyShown]);

  // ---- incidents to reassign
  const [pending, setPending] = useState<Reassignment[] | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const loadPending = () =>
    run(async () => {
      const rows = await getReassignments(parentCode);
      setPending(rows);
      setChosen(new Set(rows.map((r) => r.id)));
    });
  const confirmReassign = () =>
    run(async () => {
      const r = await reassignIncidents([...chosen]);
      setMessage({ kind: 'info', text: `${t('grids.reassigned')}: ${r.reassigned.length}` });
      const rows = await getReassignments(parentCode);
      setPending(rows);
      setChosen(new Set(rows.map((x) => x.id)));
      setReassignable(rows.length);
    });

  // ---- import
  const [importFile, setImportFile] = useState<{ name: string; collection: unknown } | null>(null);
  const [importReport, setImportReport] = useState<ImportReport | null>(null);
  const onImportFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    void run(async () => {
      const collection: unknown = JSON.parse(await file.text());
      setImportFile({ name: file.name, collection });
      setImportReport(await dryImport(collection));
    });
  };
  const dryImport = async (collection: unknown): Promise<ImportReport> => {
    try {
      return await importGrids(village, collection, true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.body && 'errors' in e.body)
        return e.body as unknown as ImportReport;
      throw e;
    }
  };
  const confirmImport = () =>
    run(async () => {
      if (!importFile) return;
      const r = await importGrids(village, importFile.collection, false);
      setImportFile(null);
      setImportReport(null);
      setMessage({ kind: 'info', text: `${t('grids.imported')}: ${r.kept.length + r.created.length}` });
      refresh();
    });
  useEffect(() => {
    if (!map) return;
    if (importReport) setProblems(importReport.errors);
  }, [map, importReport]);

  // ---- test hook
  useEffect(() => {
    publishTestState({
      grids: {
        ready: map !== null && listing !== null,
        parent: listing?.parent.id ?? null,
        gridCount: grids.length,
        gapCount: listing?.gaps.features.length ?? 0,
        validation: validation.status,
        mode,
        project: (lon: number, lat: number) => {
          const p = map?.project([lon, lat]);
          return p ? [p.x, p.y] : [0, 0];
        },
      },
    });
  }, [map, listing, grids, validation.status, mode]);
  useEffect(() => () => publishTestState({ grids: undefined }), []);

  const kindText = (p: GridProblem) => t(`grids.problem.${p.kind}` as MessageKey);
  const villageName =
    listing?.villages.find((v) => v.id === village)?.properties.name ?? listing?.parent.properties.name;
  const canDraw = !readOnly && village !== '' && mode === 'view';

  return (
    <div className="app">
      <Header page="grids" />
      <main className="map-area">
        <MapView basemap="light" ariaLabel={t('grids.mapAria')} onLoad={onLoad} />
        <div className="side grids-side">
          <section className="panel grids-panel" data-testid="grids-panel">
            <h2 className="panel-title">{t('grids.title')}</h2>
            {home.length < 9 && (
              <label className="grids-field">
                {t('grids.town')}
                <select
                  data-testid="grids-town"
                  value={town}
                  onChange={(e) => {
                    setTown(e.target.value);
                    setVillage('');
                  }}
                >
                  <option value="">—</option>
                  {towns.map((x) => (
                    <option key={x.code} value={x.code}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {home.length < 12 && (
              <label className="grids-field">
                {t('grids.village')}
                <select
                  data-testid="grids-village"
                  value={village}
                  onChange={(e) => setVillage(e.target.value)}
                >
                  <option value="">{t('grids.wholeTown')}</option>
                  {villages.map((x) => (
                    <option key={x.code} value={x.code}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {home.length >= 12 && <p className="grids-parent">{villageName}</p>}
            <label className="grids-field">
              {t('grids.asOf')}
              <input
                type="datetime-local"
                data-testid="grids-as-of"
                value={asOf}
                onChange={(e) => setAsOf(e.target.value)}
              />
            </label>
            {asOf && (
              <p className="grids-note" data-testid="grids-as-of-note">
                {t('grids.asOfNote')}{' '}
                <button type="button" className="button small" onClick={() => setAsOf('')}>
                  {t('grids.now')}
                </button>
              </p>
            )}
            {loadError && <p className="form-error">{loadError}</p>}
            {listing && (
              <p className="grids-note" data-testid="grids-summary">
                {t('grids.count')}: <span data-testid="grids-count">{grids.length}</span> · {t('grids.gaps')}:{' '}
                <span data-testid="grids-gap-count">{listing.gaps.features.length}</span>
                {listing.gaps.features.length > 0 && (
                  <> ({Math.round(listing.gaps.features.reduce((s, g) => s + g.properties.areaM2, 0))} m²)</>
                )}
              </p>
            )}
            <ul className="grids-list" data-testid="grids-list">
              {grids.map((g) => (
                <li key={g.id}>
                  <button
                    type="button"
                    className={`grids-item${selected.includes(g.id) ? ' active' : ''}`}
                    data-testid={`grid-item-${g.id}`}
                    onClick={(e) =>
                      setSelected((cur) =>
                        e.shiftKey
                          ? cur.includes(g.id)
                            ? cur.filter((c) => c !== g.id)
                            : [...cur, g.id]
                          : [g.id],
                      )
                    }
                  >
                    <span>{g.properties.name}</span>
                    <span className="grids-code">
                      {g.id.slice(12)} · v{g.properties.version}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            {!readOnly && (
              <div className="grids-tools">
                <button
                  type="button"
                  className="button small"
                  data-testid="grid-draw"
                  disabled={!canDraw}
                  onClick={startDraw}
                >
                  {t('grids.draw')}
                </button>
                <button
                  type="button"
                  className="button small"
                  data-testid="grid-reshape"
                  disabled={!one || mode !== 'view'}
                  onClick={startReshape}
                >
                  {t('grids.reshape')}
                </button>
                <button
                  type="button"
                  className="button small"
                  data-testid="grid-split"
                  disabled={!one || mode !== 'view'}
                  onClick={startSplit}
                >
                  {t('grids.split')}
                </button>
                <button
                  type="button"
                  className="button small"
                  data-testid="grid-merge"
                  disabled={selected.length < 2 || mode !== 'view' || busy}
                  onClick={() => void doMerge()}
                >
                  {t('grids.merge')}
                </button>
                <button
                  type="button"
                  className="button small danger"
                  data-testid="grid-delete"
                  disabled={!one || mode !== 'view' || busy}
                  onClick={() => void doDelete()}
                >
                  {t('grids.delete')}
                </button>
              </div>
            )}
            {!readOnly && mode === 'view' && <p className="grids-note">{t('grids.selectHint')}</p>}
            {village && (
              <p className="grids-note">
                {t('grids.export')}:{' '}
                <a href={gridExportUrl(village, 'geojson')} data-testid="grids-export-geojson" download>
                  GeoJSON
                </a>{' '}
                ·{' '}
                <a href={gridExportUrl(village, 'shapefile')} data-testid="grids-export-shapefile" download>
                  Shapefile
                </a>
              </p>
            )}
            {!readOnly && village && (
              <label className="grids-field">
                {t('grids.import')}
                <input
                  type="file"
                  accept=".geojson,.json,application/geo+json"
                  data-testid="grids-import"
                  onChange={onImportFile}
                />
              </label>
            )}
          </section>
        </div>

        <div className="side-right">
          {mode !== 'view' && (
            <section className="panel" data-testid="grid-edit-panel">
              <h2 className="panel-title">{t(`grids.mode.${mode}` as MessageKey)}</h2>
              <p className="grids-note">{t(`grids.hint.${mode}` as MessageKey)}</p>
              {mode === 'draw' && (
                <>
                  <label className="grids-field">
                    {t('grids.name')}
                    <input
                      data-testid="grid-name"
                      value={newName}
                      onChange={(e) => setNewName(e.target.value)}
                      maxLength={200}
                    />
                  </label>
                  <label className="grids-field">
                    {t('grids.households')}
                    <input
                      data-testid="grid-households"
                      inputMode="numeric"
                      value={newHouseholds}
                      onChange={(e) => setNewHouseholds(e.target.value.replace(/[^0-9]/g, ''))}
                    />
                  </label>
                </>
              )}
              {(mode === 'draw' || mode === 'reshape') && draft.closed && (
                <div
                  className="grids-validation"
                  data-testid="grid-validation"
                  data-status={validation.status}
                >
                  {validation.status === 'pending' && t('grids.checking')}
                  {validation.status === 'ok' && <span className="grids-ok">{t('grids.valid')}</span>}
                </div>
              )}
              {shownProblems.length > 0 && (
                <ul className="grids-problems" data-testid="grid-errors">
                  {shownProblems.map((p, i) => (
                    <li key={i}>
                      <strong>{kindText(p)}</strong>
                      {p.feature !== undefined && ` #${p.feature}`}: {p.message}
                    </li>
                  ))}
                </ul>
              )}
              {validation.warnings.length > 0 && (
                <p className="grids-note" data-testid="grid-warnings">
                  {t('grids.problem.gap')}: {validation.warnings.length} (
                  {Math.round(validation.warnings.reduce((s, w) => s + (w.areaM2 ?? 0), 0))} m²)
                </p>
              )}
              <div className="grids-tools">
                {mode === 'draw' && !draft.closed && (
                  <button
                    type="button"
                    className="button small"
                    data-testid="grid-finish"
                    disabled={draft.ring.length < 3}
                    onClick={() => editDraft((d) => ({ ...d, closed: true }))}
                  >
                    {t('grids.finish')}
                  </button>
                )}
                {(mode === 'draw' || mode === 'reshape') && (
                  <button
                    type="button"
                    className="button small primary"
                    data-testid="grid-save"
                    disabled={
                      busy ||
                      !draft.closed ||
                      validation.status !== 'ok' ||
                      (mode === 'draw' && newName.trim() === '')
                    }
                    onClick={() => void save()}
                  >
                    {t('grids.save')}
                  </button>
                )}
                {mode === 'split' && (
                  <button
                    type="button"
                    className="button small primary"
                    data-testid="grid-split-confirm"
                    disabled={busy || draft.line.length < 2}
                    onClick={() => void doSplit()}
                  >
                    {t('grids.splitConfirm')}
                  </button>
                )}
                <button
                  type="button"
                  className="button small"
                  data-testid="grid-undo"
                  disabled={undoCount === 0}
                  onClick={undo}
                >
                  {t('grids.undo')}
                </button>
                <button type="button" className="button small" data-testid="grid-cancel" onClick={leaveMode}>
                  {t('grids.cancel')}
                </button>
              </div>
            </section>
          )}

          {mode === 'view' && one && (
            <section className="panel" data-testid="grid-detail">
              <h2 className="panel-title">{one.properties.name}</h2>
              <dl className="detail-list">
                <div className="detail-row">
                  <dt>{t('grids.code')}</dt>
                  <dd data-testid="grid-detail-code">{one.id}</dd>
                </div>
                <div className="detail-row">
                  <dt>{t('grids.version')}</dt>
                  <dd>
                    v{one.properties.version} · {t(`grids.change.${one.properties.change}` as MessageKey)}
                    {one.properties.changedBy ? ` · ${one.properties.changedBy}` : ''}
                  </dd>
                </div>
                <div className="detail-row">
                  <dt>{t('grids.area')}</dt>
                  <dd>{(one.properties.areaM2 / 10_000).toFixed(2)} ha</dd>
                </div>
                <div className="detail-row">
                  <dt>{t('grids.workers')}</dt>
                  <dd>{one.properties.workers.map((w) => w.displayName).join('、') || '—'}</dd>
                </div>
              </dl>
              {!readOnly && (
                <>
                  <label className="grids-field">
                    {t('grids.name')}
                    <input
                      data-testid="grid-attr-name"
                      value={attrName}
                      onChange={(e) => setAttrName(e.target.value)}
                      maxLength={200}
                    />
                  </label>
                  <label className="grids-field">
                    {t('grids.households')}
                    <input
                      data-testid="grid-attr-households"
                      inputMode="numeric"
                      value={attrHouseholds}
                      onChange={(e) => setAttrHouseholds(e.target.value.replace(/[^0-9]/g, ''))}
                    />
                  </label>
                  <button
                    type="button"
                    className="button small"
                    data-testid="grid-attr-save"
                    disabled={busy || attrName.trim() === ''}
                    onClick={() => void saveAttributes()}
                  >
                    {t('grids.saveAttributes')}
                  </button>
                </>
              )}
              {!readOnly && candidates && candidates.length > 0 && (
                <div className="grids-field" data-testid="grid-workers">
                  {t('grids.workers')}
                  <ul className="grids-list">
                    {candidates.map((w) => (
                      <li key={w.id}>
                        <label>
                          <input
                            type="checkbox"
                            checked={workerIds.has(w.id)}
                            onChange={(e) =>
                              setWorkerIds((cur) => {
                                const n = new Set(cur);
                                if (e.target.checked) n.add(w.id);
                                else n.delete(w.id);
                                return n;
                              })
                            }
                          />{' '}
                          {w.displayName} ({w.username})
                        </label>
                      </li>
                    ))}
                  </ul>
                  <button
                    type="button"
                    className="button small"
                    data-testid="grid-workers-save"
                    disabled={busy}
                    onClick={() => void saveWorkers()}
                  >
                    {t('grids.saveWorkers')}
                  </button>
                </div>
              )}
              <button
                type="button"
                className="button small"
                data-testid="grid-history"
                onClick={() => void showHistory()}
              >
                {t('grids.history')}
              </button>
              {gridHistory && (
                <ol className="grids-history" data-testid="grid-history-list">
                  {gridHistory.versions.map((v) => (
                    <li key={v.properties.version}>
                      <button
                        type="button"
                        className={`grids-item${historyShown === v.properties.version ? ' active' : ''}`}
                        onClick={() => setHistoryShown(v.properties.version)}
                      >
                        v{v.properties.version} · {t(`grids.change.${v.properties.change}` as MessageKey)} ·{' '}
                        {new Date(v.properties.validFrom).toLocaleString()}
                        {v.properties.validTo ? ` → ${new Date(v.properties.validTo).toLocaleString()}` : ''}
                        {v.properties.changedBy ? ` · ${v.properties.changedBy}` : ''}
                      </button>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          )}

          {message && (
            <section
              className={`panel grids-message ${message.kind}`}
              role="status"
              data-testid="grids-message"
            >
              {message.text}
            </section>
          )}

          {!readOnly && (
            <section className="panel" data-testid="grids-reassign">
              <h2 className="panel-title">{t('grids.reassignTitle')}</h2>
              {reassignable > 0 && (
                <p className="grids-note">{`${t('grids.reassignable')}: ${reassignable}`}</p>
              )}
              <button
                type="button"
                className="button small"
                data-testid="grids-reassign-load"
                onClick={() => void loadPending()}
              >
                {t('grids.reassignLoad')}
              </button>
              {pending && pending.length === 0 && <p className="grids-note">{t('grids.reassignNone')}</p>}
              {pending && pending.length > 0 && (
                <>
                  <ul className="grids-list">
                    {pending.map((r) => (
                      <li key={r.id}>
                        <label>
                          <input
                            type="checkbox"
                            checked={chosen.has(r.id)}
                            onChange={(e) =>
                              setChosen((c) => {
                                const n = new Set(c);
                                if (e.target.checked) n.add(r.id);
                                else n.delete(r.id);
                                return n;
                              })
                            }
                          />{' '}
                          #{r.id} {r.gridCode?.slice(12) ?? '—'} →{' '}
                          {r.newGridCode?.slice(12) ?? t('grids.noGrid')}
                        </label>
                      </li>
                    ))}
                  </ul>
                  <button
                    type="button"
                    className="button small primary"
                    data-testid="grids-reassign-confirm"
                    disabled={busy || chosen.size === 0}
                    onClick={() => void confirmReassign()}
                  >
                    {t('grids.reassignConfirm')}
                  </button>
                </>
              )}
            </section>
          )}

          {importReport && importFile && (
            <section className="panel" data-testid="grids-import-report">
              <h2 className="panel-title">
                {t('grids.import')}: {importFile.name}
              </h2>
              {importReport.ok ? (
                <p className="grids-note">
                  {t('grids.importOk')}: {t('grids.kept')} {importReport.kept.length}, {t('grids.closed')}{' '}
                  {importReport.closed.length}
                </p>
              ) : (
                <ul className="grids-problems">
                  {importReport.errors.map((p, i) => (
                    <li key={i}>
                      <strong>{kindText(p)}</strong>
                      {p.feature !== undefined && ` #${p.feature}`}: {p.message}
                    </li>
                  ))}
                </ul>
              )}
              <div className="grids-tools">
                <button
                  type="button"
                  className="button small primary"
                  data-testid="grids-import-confirm"
                  disabled={busy || !importReport.ok}
                  onClick={() => void confirmImport()}
                >
                  {t('grids.importConfirm')}
                </button>
                <button
                  type="button"
                  className="button small"
                  onClick={() => {
                    setImportFile(null);
                    setImportReport(null);
                    setProblems([]);
                  }}
                >
                  {t('grids.cancel')}
                </button>
              </div>
            </section>
          )}
        </div>
      </main>
    </div>
  );
}
