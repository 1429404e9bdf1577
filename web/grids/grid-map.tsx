import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GridListing } from '../api/client.ts';
import { ALL_LAYERS_OFF, NO_AREAS } from '../components/layer-visibility.ts';
import { useI18n } from '../i18n.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import { buildLayers, type GridEditorMapState } from '../map/layers/index.ts';
import { MapView } from '../map/map-view.tsx';
import { publishTestState } from '../test-hooks.ts';
import { bboxOf } from './edit-geometry.ts';
import { useMapEditing, type MapEditing } from './use-map-editing.ts';

/** Room kept around the parent when the map fits it: the panels float left and right. */
const FIT_PADDING = { top: 40, bottom: 40, left: 300, right: 340 };

/** Props of GridMap. */
export interface GridMapProps {
  listing: GridListing | null;
  /** What the registry draws (see GridEditorMapState). */
  drawn: GridEditorMapState | null;
  /** What the pointer does. */
  editing: MapEditing;
  /** The live check's status, for the test hook. */
  checkStatus: 'idle' | 'pending' | 'ok' | 'errors';
}

/**
 * The grid editor's map: the basemap, the editor's layers built by the layer registry from
 * `drawn`, the pointer interaction, and a fit to the parent whenever another one is shown.
 */
export function GridMap({ listing, drawn, editing, checkStatus }: GridMapProps) {
  const { t, language } = useI18n();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const onLoad = useCallback((m: MapLibreMap) => {
    // a double click would zoom while drawing corners
    m.doubleClickZoom.disable();
    setMap(m);
  }, []);

  useMapEditing(map, editing);

  const layers = useMemo(
    () =>
      buildLayers({
        zoom: 14,
        language,
        visible: ALL_LAYERS_OFF,
        areas: NO_AREAS,
        tiles: {},
        gridEditor: drawn,
      }),
    [language, drawn],
  );

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
      { padding: FIT_PADDING, maxZoom: 17, duration: 0 },
    );
  }, [map, listing]);

  const gridCount = listing?.grids.features.length ?? 0;
  const mode = editing.draft.mode;
  useEffect(() => {
    publishTestState({
      grids: {
        ready: map !== null && listing !== null,
        parent: listing?.parent.id ?? null,
        gridCount,
        gapCount: listing?.gaps.features.length ?? 0,
        validation: checkStatus,
        mode,
        project: (lon: number, lat: number) => {
          const p = map?.project([lon, lat]);
          return p ? [p.x, p.y] : [0, 0];
        },
      },
    });
  }, [map, listing, gridCount, checkStatus, mode]);
  useEffect(() => () => publishTestState({ grids: undefined }), []);

  return (
    <>
      <MapView basemap="light" ariaLabel={t('grids.mapAria')} onLoad={onLoad} />
      {map && <DeckOverlay map={map} layers={layers} />}
    </>
  );
}
