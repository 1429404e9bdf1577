import type { AreaFeature } from '../../api/client.ts';
import {
  INCIDENT_DONE_COLOR,
  INCIDENT_DONE_STATUSES,
  INCIDENT_PRIORITY_COLOR,
  type Rgba,
} from '../colors.ts';
import type { LonLat } from './geometry.ts';

/** An incident on the big screen. */
export interface ScreenIncident {
  id: number;
  position: LonLat;
  status: string;
  priority: number;
  category: string;
  townCode: string | null;
}

/** A team on the big screen. */
export interface ScreenTeam {
  id: number;
  position: LonLat;
  status: string;
  kind: string;
  name: string;
}

/** A risk source on the big screen, with its impact zone. */
export interface ScreenRisk {
  id: number;
  position: LonLat;
  level: number;
  radiusM: number;
}

/** The live picture: open incidents, teams, risk zones, and the incident of the current alarm. */
export interface ScreenLiveState {
  incidents: readonly ScreenIncident[];
  teams: readonly ScreenTeam[];
  risks: readonly ScreenRisk[];
  /** Where the alarm shown now is, ringed. */
  alarm: LonLat | null;
}

/** A team's track in a playback, oldest fix first (times in epoch ms). */
export interface PlaybackTrack {
  teamId: number;
  times: readonly number[];
  positions: readonly LonLat[];
}

/** An incident at the playback's current instant. */
export interface PlaybackIncident {
  position: LonLat;
  /** Its status at that instant. */
  status: string;
  priority: number;
  /** Reported just before that instant: drawn larger. */
  fresh: boolean;
}

/** One frame of a playback: the tracks, the incidents reported so far and where the teams are. */
export interface PlaybackFrame {
  tracks: readonly PlaybackTrack[];
  incidents: readonly PlaybackIncident[];
  teams: readonly LonLat[];
}

/** What the big screen (/screen) draws: town outlines, and the live picture or a playback. */
export interface ScreenMapState {
  /** Size unit of the screen: 1 at 1080 px high, 2 on a 4K wall (marker sizes follow it). */
  scale: number;
  /** The town outlines. */
  towns: readonly AreaFeature[];
  /** The town the view shows, outlined bold; null for the whole city. */
  highlightTown: string | null;
  live?: ScreenLiveState | null;
  playback?: PlaybackFrame | null;
}

/** Colour of an incident on the dark screen: by priority while open, grey once handled. */
export function screenIncidentColor(status: string, priority: number): Rgba {
  if (INCIDENT_DONE_STATUSES.has(status)) return INCIDENT_DONE_COLOR;
  const c = INCIDENT_PRIORITY_COLOR[priority] ?? INCIDENT_DONE_COLOR;
  // brighter on the dark basemap
  return priority === 1 ? [244, 63, 94, 255] : c;
}
