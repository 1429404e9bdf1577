import type { Map as MapLibreMap } from 'maplibre-gl';
import { useMemo } from 'react';
import type { AreaFeature } from '../api/client.ts';
import type { LonLat } from '../map/layers/geometry.ts';
import type { ScreenMapState } from '../map/layers/index.ts';
import type { ScreenData } from './screen-data.ts';
import { ScreenOverlay } from './screen-overlay.tsx';

const NONE: readonly never[] = [];

function values<T>(map: ReadonlyMap<number, T> | undefined): readonly T[] {
  return map ? [...map.values()] : NONE;
}

/**
 * The live map's layers: the town outlines (the town in view emphasised), the risk zones, the
 * teams, the open incidents, and a ring around the incident of the alarm shown.
 */
export function LiveMap({
  map,
  data,
  towns,
  highlightTown,
  alarm,
  scale,
}: {
  map: MapLibreMap;
  data: ScreenData | null;
  towns: readonly AreaFeature[];
  highlightTown: string | null;
  alarm: LonLat | null;
  scale: number;
}) {
  // an event changes one of the three maps: the others keep their arrays
  const incidentMap = data?.incidents;
  const teamMap = data?.teams;
  const riskMap = data?.risks;
  const incidents = useMemo(() => values(incidentMap), [incidentMap]);
  const teams = useMemo(() => values(teamMap), [teamMap]);
  const risks = useMemo(() => values(riskMap), [riskMap]);
  const screen = useMemo<ScreenMapState>(
    () => ({
      scale,
      towns,
      highlightTown,
      live: data ? { incidents, teams, risks, alarm } : null,
    }),
    [scale, towns, highlightTown, data, incidents, teams, risks, alarm],
  );
  return <ScreenOverlay map={map} screen={screen} />;
}
