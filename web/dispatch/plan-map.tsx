import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useMemo, useState } from 'react';
import type { AreaDetail, BBox, PlannedDispatch } from '../api/client.ts';
import { ALL_LAYERS_OFF, NO_AREAS } from '../components/layer-visibility.ts';
import { PRIORITIES, priorityName } from '../lib/incident-format.ts';
import { useI18n } from '../i18n.ts';
import { INCIDENT_PRIORITY_COLOR, TEAM_STATUS_COLOR } from '../map/colors.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import { buildLayers, type MapLayerState, type PlanLine } from '../map/layers/index.ts';
import { MapView } from '../map/map-view.tsx';
import { planBounds, type EditedLine } from './plan-state.ts';

function rgb(c: readonly number[] | undefined): string {
  return `rgb(${(c ?? [0, 0, 0]).slice(0, 3).join(',')})`;
}

/** Props of PlanMap. */
export interface PlanMapProps {
  lines: readonly EditedLine[];
  /** The plan's assignments as generated: the map shows them all when a new plan arrives. */
  planned: readonly PlannedDispatch[] | null;
  /** Lines drawn emphasised (the row under the pointer, the line being edited). */
  hover: number | null;
  editing: number | null;
  homeArea: AreaDetail | null;
  initialBounds: BBox | null;
}

/** The plan's lines incident → team (coloured by priority) over the home area, with a legend. */
export function PlanMap({ lines, planned, hover, editing, homeArea, initialBounds }: PlanMapProps) {
  const { t, language } = useI18n();
  const [map, setMap] = useState<MapLibreMap | null>(null);

  const planLines = useMemo<PlanLine[]>(
    () =>
      lines.map((l) => ({
        incidentId: l.incidentId,
        priority: l.priority,
        incident: [l.incidentLon, l.incidentLat],
        team: [l.teamLon, l.teamLat],
        active: l.incidentId === hover || l.incidentId === editing,
      })),
    [lines, hover, editing],
  );
  const layers = useMemo(() => {
    const state: MapLayerState = {
      zoom: 12,
      language,
      // nothing of the ordinary layers: the plan lines alone
      visible: ALL_LAYERS_OFF,
      areas: NO_AREAS,
      tiles: {},
      homeArea,
      plan: { lines: planLines },
    };
    return buildLayers(state);
  }, [language, homeArea, planLines]);

  // Show the whole plan when a new one arrives.
  useEffect(() => {
    const box = map && planned ? planBounds(planned) : null;
    if (!map || !box) return;
    map.fitBounds(
      [
        [box[0], box[1]],
        [box[2], box[3]],
      ],
      { padding: 50, maxZoom: 15, duration: 0 },
    );
  }, [map, planned]);

  return (
    <div className="split-map">
      <MapView
        basemap="light"
        ariaLabel={t('map.aria')}
        initialBounds={initialBounds}
        initialPadding={{ top: 30, bottom: 30, left: 30, right: 30 }}
        onLoad={setMap}
      />
      {map && <DeckOverlay map={map} layers={layers} />}
      <div className="map-legend-float panel" data-testid="plan-legend">
        <div className="legend-inline">
          {PRIORITIES.map((p) => (
            <span key={p} className="legend-item">
              <span
                className="line-sample"
                style={{ background: rgb(INCIDENT_PRIORITY_COLOR[p]) }}
                aria-hidden="true"
              />
              {priorityName(t, p)}
            </span>
          ))}
          <span className="legend-item">
            <span
              className="dot"
              style={{ background: rgb(TEAM_STATUS_COLOR.available) }}
              aria-hidden="true"
            />
            {t('plan.legendTeam')}
          </span>
        </div>
      </div>
    </div>
  );
}
