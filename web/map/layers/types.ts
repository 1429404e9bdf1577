import type { Layer } from '@deck.gl/core';
import type {
  AreaDetail,
  AreaFeature,
  AreaStat,
  AroundResult,
  Coverage,
  ExposureResult,
  Isochrones,
  LayerId,
} from '../../api/client.ts';
import type { Language } from '../../i18n.ts';
import type { TileLayerData } from '../use-point-tiles.ts';
import type { ScreenMapState } from './screen-state.ts';
import type { GridEditorMapState } from './grid-editor-state.ts';

/** The area levels drawn as outlines (the city outline is not drawn). */
export type DrawnAreaLevel = 'town' | 'village' | 'grid';

/** The area levels in drawing order, coarse to fine. */
export const DRAWN_AREA_LEVELS: readonly DrawnAreaLevel[] = ['town', 'village', 'grid'];

/** A switch of the layer panel: one per area level, one per feature layer. */
export type ToggleId = 'towns' | 'villages' | 'grids' | LayerId;

/** The panel switch of each area level. */
export const AREA_TOGGLE: Record<DrawnAreaLevel, ToggleId> = {
  town: 'towns',
  village: 'villages',
  grid: 'grids',
};

/**
 * Zoom levels (MapLibre/web-mercator zoom) from which area outlines and labels are drawn:
 * towns always, villages from z11, grids from z13; labels a little later so they do not crowd.
 */
export const AREA_ZOOM: Record<DrawnAreaLevel, { outline: number; label: number }> = {
  town: { outline: 0, label: 9 },
  village: { outline: 11, label: 12 },
  grid: { outline: 13, label: 14.5 },
};

/**
 * Everything the layer factories read. Factories are pure functions of this state, called on
 * every render; arrays keep their identity between fetches so deck.gl does not re-upload them.
 */
export interface MapLayerState {
  /** Current map zoom, quantised to 0.5. */
  zoom: number;
  language: Language;
  /** Which panel switches are on. */
  visible: Record<ToggleId, boolean>;
  /** Areas with a non-null outline, per level (EPSG:4326). */
  areas: Record<DrawnAreaLevel, readonly AreaFeature[]>;
  /** Points (or clusters) of each layer from the vector tiles of the viewport (EPSG:4326). */
  tiles: Partial<Record<LayerId, TileLayerData>>;
  /** The signed-in user's home area with its outline, drawn emphasised; none for the whole city. */
  homeArea?: AreaDetail | null;
  /** The picked item, ringed on the map. */
  selection?: { position: [number, number] } | null;
  /** The current "what is around" or impact-zone analysis, drawn as a ring and highlighted points. */
  analysis?: Analysis | null;
  /** Areas filled by a statistic. */
  choropleth?: ChoroplethState | null;
  /** Incidents of a time window drawn as a heatmap or hexagons. */
  density?: DensityState | null;
  /**
   * When team positions count as stale (the API's fixMaxAgeS) and the time now, in epoch seconds;
   * teams whose last fix (`fix_at` in the tiles) is older are marked. Without it, 15 minutes.
   */
  teamFreshness?: TeamFreshness | null;
  /** Candidate routes of an incident: team → incident by road, the active one drawn bold. */
  routes?: RouteState | null;
  /** A batch plan: lines incident → team, coloured by the incident's priority. */
  plan?: PlanState | null;
  /** A team's isochrones (5/10/15 minutes by road). */
  isochrones?: Isochrones | null;
  /** The uncovered area (响应盲区). */
  coverage?: Coverage | null;
  /** The big screen's map (/screen): town outlines, and the live picture or a playback. */
  screen?: ScreenMapState | null;
  /** The grid editor (/grids): the listing, the selection, the draft and its problems. */
  gridEditor?: GridEditorMapState | null;
  /** The city overview: one bubble per town, below POINT_MIN_ZOOM. */
  townAggregates?: TownAggregateState | null;
}

/**
 * Zoom from which the point layers are drawn (and their tiles loaded); below it, the city
 * overview shows one bubble per town instead (TownAggregateState).
 */
export const POINT_MIN_ZOOM = 11;

/** One town of the city overview: its figures at its label point. */
export interface TownAggregate {
  code: string;
  name: string;
  /** The town's label point [lon, lat] (the basemap writes the town's name just below it). */
  position: [number, number];
  /** The town's box [w, s, e, n], to zoom to. */
  bbox: [number, number, number, number];
  openIncidents: number;
  riskIndex: number;
}

/** The towns of the city overview, with the largest open-incident count and the risk index classes. */
export interface TownAggregateState {
  towns: readonly TownAggregate[];
  maxOpen: number;
  /** Upper bounds of the risk index classes but the last, ascending (see riskIndexBreaks). */
  breaks: readonly number[];
}

/** Staleness of team positions: the limit and the time now, in seconds. */
export interface TeamFreshness {
  maxAgeS: number;
  nowS: number;
}

/** Default freshness limit of team positions, in seconds (15 minutes; the API's default). */
export const DEFAULT_FIX_MAX_AGE_S = 900;

/** Whether a team tile point's last fix (`fix_at`, epoch seconds) is stale; clusters never are. */
export function isStaleFix(fixAt: unknown, freshness: TeamFreshness): boolean {
  const at = typeof fixAt === 'number' ? fixAt : typeof fixAt === 'string' ? Number(fixAt) : Number.NaN;
  if (!Number.isFinite(at)) return false;
  return freshness.nowS - at > freshness.maxAgeS;
}

/** One candidate route on the map. */
export interface RouteLine {
  teamId: number;
  /** The team's position [lon, lat]. */
  team: [number, number];
  /** The route as [lon, lat] positions, team first. */
  path: readonly (readonly number[])[];
}

/** The routes of an incident's candidates; `activeTeamId` is the hovered or chosen one. */
export interface RouteState {
  incident: [number, number];
  lines: readonly RouteLine[];
  activeTeamId: number | null;
}

/** One line of a plan on the map. */
export interface PlanLine {
  incidentId: number;
  priority: number;
  incident: [number, number];
  team: [number, number];
  /** Drawn emphasised (the row under the pointer). */
  active: boolean;
}

/** A batch plan on the map. */
export interface PlanState {
  lines: readonly PlanLine[];
}

/** A "what is around" (point and radius) or impact-zone (risk source) analysis with its answer. */
export type Analysis =
  | { kind: 'around'; center: [number, number]; radius: number; result: AroundResult | null }
  | { kind: 'exposure'; sourceId: number; result: ExposureResult | null };

/** The statistics a choropleth can show. */
export type ChoroplethMetric = 'openIncidents' | 'riskIndex' | 'openIncidentsPer10k' | 'riskIndexPer10k';

/** A choropleth: the area level, the metric, the statistics and the class breaks. */
export interface ChoroplethState {
  level: 'town' | 'village';
  metric: ChoroplethMetric;
  stats: ReadonlyMap<string, AreaStat>;
  /** Upper bounds of the classes but the last, ascending. */
  breaks: readonly number[];
}

/** Incident density: positions of the incidents in the chosen window. */
export interface DensityState {
  style: 'heatmap' | 'hexagon';
  points: readonly [number, number][];
}

/** What a factory returns: a layer, several, or nothing when it has nothing to draw. */
export type FactoryResult = Layer | null | readonly (Layer | null)[];

/** A pure layer factory. */
export type LayerFactory = (state: MapLayerState) => FactoryResult;

/** Font stack of every deck.gl text layer: the system CJK fonts, else the bundled one (web/fonts/). */
export const LABEL_FONT_FAMILY =
  '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "Noto Sans SC", sans-serif';

/**
 * Scale of point markers (pixel radii) at a zoom: about 0.55 at the city overview, 1 from z13,
 * so thousands of dots do not merge into one blot at low zoom.
 */
export function pointScale(zoom: number): number {
  return Math.min(1, Math.max(0.55, 0.55 + (zoom - 10) * 0.15));
}
