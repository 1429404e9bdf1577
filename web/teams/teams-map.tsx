import type { PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { BBox, Coverage, Isochrones, Team } from '../api/client.ts';
import { NO_AREAS, onlyLayers } from '../components/layer-visibility.ts';
import { useI18n } from '../i18n.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import { buildLayers, type MapLayerState } from '../map/layers/index.ts';
import type { TeamFreshness } from '../map/layers/types.ts';
import { MapView } from '../map/map-view.tsx';
import { usePointTiles, type LayerFilters, type TilePoint } from '../map/use-point-tiles.ts';

/** Only the teams of the ordinary layers are drawn on this page's map. */
const TEAMS_VISIBLE = onlyLayers('teams');

/** Zoom quantised to half levels, as the main map does. */
function quantiseZoom(zoom: number): number {
  return Math.floor(zoom * 2) / 2;
}

/** The box around every ring of a set of MultiPolygons. */
export function isochroneBounds(iso: Isochrones): BBox | null {
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const f of iso.features)
    for (const polygon of f.geometry.coordinates)
      for (const ring of polygon)
        for (const p of ring) {
          const [x, y] = [p[0] ?? 0, p[1] ?? 0];
          w = Math.min(w, x);
          e = Math.max(e, x);
          s = Math.min(s, y);
          n = Math.max(n, y);
        }
  return w <= e ? [w, s, e, n] : null;
}

/** Props of TeamsMap. */
export interface TeamsMapProps {
  /** The list's filters, applied to the team tiles too. */
  status: string;
  kind: string;
  selected: Team | null;
  isochrones: Isochrones | null;
  coverage: Coverage | null;
  freshness: TeamFreshness;
  initialBounds: BBox | null;
  /** A team dot was clicked (its id). */
  onPickTeam: (id: number) => void;
}

/**
 * The teams on the map (the list's filters), the picked team's isochrones (the map goes there)
 * and the uncovered area.
 */
export function TeamsMap({
  status,
  kind,
  selected,
  isochrones,
  coverage,
  freshness,
  initialBounds,
  onPickTeam,
}: TeamsMapProps) {
  const { t, language } = useI18n();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [zoom, setZoom] = useState(12);

  useEffect(() => {
    if (!map) return;
    const onZoom = () => setZoom(quantiseZoom(map.getZoom()));
    onZoom();
    map.on('zoom', onZoom);
    return () => {
      map.off('zoom', onZoom);
    };
  }, [map]);

  // The map goes to the picked team: its isochrones once they are there, else its position.
  const lon = selected?.lon ?? null;
  const lat = selected?.lat ?? null;
  useEffect(() => {
    if (!map || lon === null || lat === null) return;
    const box = isochrones ? isochroneBounds(isochrones) : null;
    if (box)
      map.fitBounds(
        [
          [box[0], box[1]],
          [box[2], box[3]],
        ],
        { padding: 30, maxZoom: 15, duration: 0 },
      );
    else map.jumpTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 13) });
  }, [map, lon, lat, isochrones]);

  const tileFilters = useMemo<LayerFilters>(
    () => ({ teams: { ...(status ? { status } : {}), ...(kind ? { kind } : {}) } }),
    [status, kind],
  );
  const tiles = usePointTiles(map, TEAMS_VISIBLE, tileFilters);
  const selection = useMemo(
    () => (lon !== null && lat !== null ? { position: [lon, lat] as [number, number] } : null),
    [lon, lat],
  );
  const layers = useMemo(() => {
    const state: MapLayerState = {
      zoom,
      language,
      visible: TEAMS_VISIBLE,
      areas: NO_AREAS,
      tiles: tiles.data,
      teamFreshness: freshness,
      selection,
      isochrones,
      coverage,
    };
    return buildLayers(state);
  }, [zoom, language, tiles.data, freshness, selection, isochrones, coverage]);

  const onClick = useCallback(
    (info: PickingInfo) => {
      const p = info.object as TilePoint | undefined;
      if (p && p.layer === 'teams' && p.id !== null) onPickTeam(p.id);
    },
    [onPickTeam],
  );

  return (
    <>
      <MapView
        basemap="light"
        ariaLabel={t('map.aria')}
        initialBounds={initialBounds}
        initialPadding={{ top: 30, bottom: 30, left: 30, right: 30 }}
        onLoad={setMap}
      />
      {map && <DeckOverlay map={map} layers={layers} onClick={onClick} />}
    </>
  );
}
