import { useMemo, useState } from 'react';
import type { Me } from '../api/client.ts';
import { Header } from '../components/header.tsx';
import { useI18n } from '../i18n.ts';
import { useSession } from '../lib/session.tsx';
import type { GridEditorMapState } from '../map/layers/index.ts';
import { EditPanel } from './edit-panel.tsx';
import { allRings, type SnapTargets } from './edit-geometry.ts';
import { GridDetail } from './grid-detail.tsx';
import { ImportReportPanel, useImportFlow } from './grid-import.tsx';
import { GridList } from './grid-list.tsx';
import { GridMap } from './grid-map.tsx';
import { GridTools, GridTransfer } from './grid-tools.tsx';
import { homePlace, PlacePicker, type Place } from './place-picker.tsx';
import { useGridHistory, useGridListing } from './queries.ts';
import { ReassignPanel } from './reassign-panel.tsx';
import { useDraftCheck } from './use-draft-check.ts';
import { useGridEditor } from './use-grid-editor.ts';
import { useDraftKeys } from './use-map-editing.ts';

/**
 * The grid editor (/grids): pick a village (or a town) in scope, see its grids, the parent
 * outline and the gaps; draw, reshape (drag corners, click a midpoint to add one, right-click
 * a corner to remove it), split along a line, merge, delete, rename; every outline is checked
 * on the server as it changes and again on save, the problems said in the user's language.
 * Corners snap to the neighbours' corners and edges and to the parent boundary. Undo (Ctrl+Z)
 * steps back through the draft's edits. Also: history per grid, the map as of a date,
 * incidents to reassign, import and export.
 */
export function GridsPage() {
  const { me } = useSession();
  if (!me) return null;
  return <GridsEditor me={me} />;
}

function GridsEditor({ me }: { me: Me }) {
  const { t } = useI18n();
  const { can } = useSession();
  const home = me.homeAreaCode;
  const [place, setPlace] = useState<Place>(() => homePlace(home));
  const parentCode = place.village || place.town;
  const readOnly = !can('edit_grids') || place.asOf !== '';
  const listingQuery = useGridListing(
    parentCode,
    place.asOf ? new Date(place.asOf).toISOString() : undefined,
  );
  const listing = listingQuery.data ?? null;

  const ed = useGridEditor(listing, place.village);
  const { draft, one, grids } = ed;
  useDraftKeys(ed.dispatch, ed.leave);
  const importFlow = useImportFlow(place.village, ed.say, ed.describe);

  // the live check: the village of the grid reshaped, or the one shown
  const editingCode = draft.mode === 'reshape' ? (ed.selected[0] ?? null) : null;
  const check = useDraftCheck(draft, editingCode ? editingCode.slice(0, 12) : place.village, editingCode);

  // a grid's history, once asked for, and the version drawn
  const [historyOf, setHistoryOf] = useState<{ code: string; shown: number | null } | null>(null);
  const historyAsked = historyOf !== null && historyOf.code === one?.id;
  const historyQuery = useGridHistory(one?.id ?? null, historyAsked);
  const history = historyAsked ? (historyQuery.data ?? null) : null;
  const historyShown = historyAsked ? historyOf.shown : null;

  const names = useMemo(() => {
    const out = new Map<string, string>();
    if (listing) {
      out.set(listing.parent.id, listing.parent.properties.name);
      for (const v of listing.villages) out.set(v.id, v.properties.name);
    }
    for (const g of grids) out.set(g.id, g.properties.name);
    return out;
  }, [listing, grids]);

  const reshaping = editingCode;
  const snapTargets = useMemo<SnapTargets>(() => {
    if (!listing) return [];
    const targets = [
      ...allRings(listing.parent.geometry),
      ...listing.villages.flatMap((v) => allRings(v.geometry)),
    ];
    for (const g of grids) if (g.id !== reshaping) targets.push(...allRings(g.geometry));
    return targets;
  }, [listing, grids, reshaping]);

  const importErrors = importFlow.report && !importFlow.report.ok ? importFlow.report.errors : null;
  const problems = ed.refused.length > 0 ? ed.refused : (importErrors ?? check.errors);
  const drawnGrids = useMemo(() => grids.filter((g) => g.geometry && g.id !== reshaping), [grids, reshaping]);
  const villageOutlines = useMemo(
    () => (listing?.villages ?? []).flatMap((v) => (v.geometry ? [v.geometry] : [])),
    [listing],
  );
  const selectedGrids = useMemo(
    () => (reshaping ? [] : grids.filter((g) => g.geometry && ed.selected.includes(g.id))),
    [grids, ed.selected, reshaping],
  );
  const historyGeometry =
    history?.versions.find((v) => v.properties.version === historyShown)?.geometry ?? null;
  const drawn = useMemo<GridEditorMapState | null>(
    () =>
      listing && {
        parent: listing.parent.geometry,
        villages: villageOutlines,
        grids: drawnGrids,
        gaps: listing.gaps.features,
        selected: selectedGrids,
        history: historyGeometry,
        problems,
        draft,
      },
    [listing, villageOutlines, drawnGrids, selectedGrids, historyGeometry, problems, draft],
  );

  const changePlace = (next: Place) => {
    setPlace(next);
    ed.reset();
  };
  const viewing = draft.mode === 'view';
  const villageName =
    listing?.villages.find((v) => v.id === place.village)?.properties.name ?? listing?.parent.properties.name;

  return (
    <div className="app">
      <Header page="grids" />
      <main className="map-area">
        <GridMap
          listing={listing}
          drawn={drawn}
          checkStatus={check.status}
          editing={{
            draft,
            dispatch: ed.dispatch,
            readOnly,
            snapTargets,
            grids: drawnGrids,
            onPick: ed.pick,
          }}
        />
        <div className="side grids-side">
          <section className="panel grids-panel" data-testid="grids-panel">
            <h2 className="panel-title">{t('grids.title')}</h2>
            <PlacePicker home={home} place={place} onPlace={changePlace} villageName={villageName} />
            {listingQuery.isError && <p className="form-error">{ed.describe(listingQuery.error)}</p>}
            {listing && <GridList listing={listing} selected={ed.selected} onPick={ed.pick} />}
            {!readOnly && (
              <GridTools
                viewing={viewing}
                village={place.village}
                selectedCount={ed.selected.length}
                busy={ed.busy}
                onDraw={ed.startDraw}
                onReshape={ed.startReshape}
                onSplit={ed.startSplit}
                onMerge={ed.merge}
                onDelete={ed.remove}
              />
            )}
            {place.village && (
              <GridTransfer village={place.village} canImport={!readOnly} onImportFile={importFlow.choose} />
            )}
          </section>
        </div>

        <div className="side-right">
          {draft.mode !== 'view' && (
            <EditPanel
              draft={draft}
              dispatch={ed.dispatch}
              check={check}
              refused={ed.refused}
              names={names}
              busy={ed.busy}
              onSave={ed.save}
              onSplit={ed.split}
              onLeave={ed.leave}
            />
          )}
          {viewing && one && (
            <GridDetail
              key={`${one.id}@${one.properties.version}`}
              grid={one}
              readOnly={readOnly}
              busy={ed.busy}
              onChange={(c, done) => ed.write(c, () => done)}
              history={history}
              historyError={historyAsked && historyQuery.isError ? ed.describe(historyQuery.error) : null}
              onShowHistory={() => setHistoryOf({ code: one.id, shown: null })}
              historyShown={historyShown}
              onHistoryShown={(version) => setHistoryOf({ code: one.id, shown: version })}
            />
          )}
          {ed.message && (
            <section
              className={`panel grids-message ${ed.message.kind}`}
              role="status"
              data-testid="grids-message"
            >
              {ed.message.text}
            </section>
          )}
          {!readOnly && (
            <ReassignPanel
              key={parentCode}
              parentCode={parentCode}
              reassignable={ed.reassignable}
              busy={ed.busy}
              onMessage={ed.say}
              describe={ed.describe}
            />
          )}
          <ImportReportPanel flow={importFlow} names={names} busy={ed.busy} />
        </div>
      </main>
    </div>
  );
}
