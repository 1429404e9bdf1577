import { ScatterplotLayer } from '@deck.gl/layers';
import type { Rgba } from '../colors.ts';
import { TEAM_STALE_RING_COLOR, TEAM_STATUS_COLOR } from '../colors.ts';
import type { TilePoint } from '../use-point-tiles.ts';
import { pointLayers, thematicShown } from './point-common.ts';
import {
  DEFAULT_FIX_MAX_AGE_S,
  isStaleFix,
  pointScale,
  type MapLayerState,
  type TeamFreshness,
} from './types.ts';

/** Layer id of response teams (治理力量); equal to the API layer id. */
export const TEAM_LAYER_ID = 'teams';

/** Layer id of the rings marking teams whose last position fix is stale. */
export const TEAM_STALE_LAYER_ID = 'teams-stale';

const CLUSTER_COLOR: Rgba = [22, 163, 74, 150];

const staleCache = new WeakMap<readonly TilePoint[], { key: string; points: TilePoint[] }>();

/** The team points with a stale fix, memoised per points array and freshness (per minute). */
function stalePoints(points: readonly TilePoint[], f: TeamFreshness): TilePoint[] {
  const key = `${f.maxAgeS}|${Math.floor(f.nowS / 60)}`;
  const hit = staleCache.get(points);
  if (hit?.key === key) return hit.points;
  const out = points.filter((p) => p.count === null && isStaleFix(p.properties.fix_at, f));
  staleCache.set(points, { key, points: out });
  return out;
}

/**
 * Teams at their last position, coloured by status (available, dispatched, on scene, off duty);
 * a team whose last fix is older than the freshness limit is drawn faded inside a dark ring.
 */
export function teamLayer(state: MapLayerState) {
  const data = state.tiles.teams;
  if (!state.visible.teams || !data) return null;
  const freshness = state.teamFreshness ?? { maxAgeS: DEFAULT_FIX_MAX_AGE_S, nowS: Date.now() / 1000 };
  const stale = stalePoints(data.points, freshness);
  const staleIds = new Set(stale.map((p) => p.id));
  const dimmed = thematicShown(state);
  const [dots, labels] = pointLayers({
    id: TEAM_LAYER_ID,
    points: data.points,
    zoom: state.zoom,
    dimmed,
    getFillColor: (p) => {
      if (p.count !== null) return CLUSTER_COLOR;
      const c = TEAM_STATUS_COLOR[String(p.properties.status)] ?? [120, 120, 120, 200];
      return staleIds.has(p.id) ? [c[0], c[1], c[2], 90] : c;
    },
    getRadius: 6,
    lineColor: [255, 255, 255, 255],
    updateKey: `${freshness.maxAgeS}|${stale.length}`,
  });
  const rings =
    stale.length === 0
      ? null
      : new ScatterplotLayer<TilePoint>({
          id: TEAM_STALE_LAYER_ID,
          data: stale,
          getPosition: (p) => p.position,
          filled: false,
          stroked: true,
          radiusUnits: 'pixels',
          getRadius: 9,
          radiusScale: pointScale(state.zoom),
          lineWidthUnits: 'pixels',
          getLineWidth: 2,
          getLineColor: TEAM_STALE_RING_COLOR,
          opacity: dimmed ? 0.3 : 1,
          pickable: false,
        });
  return [dots, rings, labels];
}
