import type { Playback } from '../api/client.ts';
import type { LonLat } from '../map/layers/geometry.ts';
import type { PlaybackFrame, PlaybackIncident, PlaybackTrack } from '../map/layers/screen-state.ts';

/** An incident of the window with parsed times. */
export interface PlayIncident {
  id: number;
  /** Reported at (epoch ms). */
  t: number;
  position: LonLat;
  priority: number;
  /** [time ms, status], oldest first. */
  steps: readonly (readonly [number, string])[];
}

/** A window to replay, times parsed, incidents in report order. */
export interface PreparedPlayback {
  from: number;
  to: number;
  truncated: boolean;
  incidents: readonly PlayIncident[];
  tracks: readonly PlaybackTrack[];
}

export function preparePlayback(p: Playback): PreparedPlayback {
  const incidents = p.incidents
    .map((i) => ({
      id: i.id,
      t: Date.parse(i.reportedAt),
      position: [i.lon, i.lat] as LonLat,
      priority: i.priority,
      steps: i.steps.map(([time, status]) => [Date.parse(time), status] as const),
    }))
    .sort((a, b) => a.t - b.t);
  const tracks = p.tracks
    .filter((tr) => tr.points.length > 0)
    .map((tr) => {
      const pts = [...tr.points].sort((a, b) => Date.parse(a[0]) - Date.parse(b[0]));
      return {
        teamId: tr.teamId,
        times: pts.map((pt) => Date.parse(pt[0])),
        positions: pts.map((pt) => [pt[1], pt[2]] as LonLat),
      };
    });
  return { from: Date.parse(p.from), to: Date.parse(p.to), truncated: p.truncated, incidents, tracks };
}

/** The status of an incident at an instant (its last step not after it). */
export function statusAt(steps: readonly (readonly [number, string])[], at: number): string {
  let status = 'reported';
  for (const [time, s] of steps) {
    if (time > at) break;
    status = s;
  }
  return status;
}

/** A team's position at an instant, interpolated between fixes; null before its first fix. */
export function positionAt(track: PlaybackTrack, at: number): LonLat | null {
  const { times, positions } = track;
  if (times.length === 0 || at < (times[0] ?? Infinity)) return null;
  let lo = 0;
  let hi = times.length - 1;
  if (at >= (times[hi] ?? 0)) return positions[hi] ?? null;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] ?? 0) <= at) lo = mid;
    else hi = mid;
  }
  const t0 = times[lo] ?? 0;
  const t1 = times[hi] ?? t0;
  const a = positions[lo];
  const b = positions[hi];
  if (!a || !b) return a ?? null;
  const f = t1 > t0 ? (at - t0) / (t1 - t0) : 0;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/**
 * What the map shows at an instant: every incident reported by then with its status then (those
 * of the last minute of playback, stretched with the speed, marked fresh), the teams where they were.
 */
export function playbackFrame(p: PreparedPlayback | null, now: number, speed: number): PlaybackFrame {
  if (!p) return { tracks: [], incidents: [], teams: [] };
  const freshMs = 60_000 * Math.max(1, speed / 10);
  const incidents: PlaybackIncident[] = [];
  for (const i of p.incidents) {
    if (i.t > now) break;
    incidents.push({
      position: i.position,
      status: statusAt(i.steps, now),
      priority: i.priority,
      fresh: now - i.t < freshMs,
    });
  }
  const teams: LonLat[] = [];
  for (const tr of p.tracks) {
    const pos = positionAt(tr, now);
    if (pos) teams.push(pos);
  }
  return { tracks: p.tracks, incidents, teams };
}
