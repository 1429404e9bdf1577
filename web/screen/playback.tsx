import type { Layer } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getPlayback, type Playback } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { TEAM_STATUS_COLOR } from '../map/colors.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import type { LonLat } from '../map/layers/geometry.ts';
import { publishTestState } from '../test-hooks.ts';
import { screenIncidentColor, townLayer, type ScreenTown } from './screen-data.ts';

/** Playback speeds (× real time). */
export const SPEEDS = [1, 10, 60, 300, 600] as const;

/** An incident of the window with parsed times. */
interface PlayIncident {
  id: number;
  t: number;
  position: LonLat;
  priority: number;
  /** [time ms, status], oldest first. */
  steps: [number, string][];
}

/** A team track with parsed times. */
interface PlayTrack {
  teamId: number;
  times: number[];
  positions: LonLat[];
}

interface Prepared {
  from: number;
  to: number;
  truncated: boolean;
  incidents: PlayIncident[];
  tracks: PlayTrack[];
}

function prepare(p: Playback): Prepared {
  const incidents = p.incidents
    .map((i) => ({
      id: i.id,
      t: Date.parse(i.reportedAt),
      position: [i.lon, i.lat] as LonLat,
      priority: i.priority,
      steps: i.steps.map(([time, status]) => [Date.parse(time), status] as [number, string]),
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
export function statusAt(steps: readonly [number, string][], at: number): string {
  let status = 'reported';
  for (const [time, s] of steps) {
    if (time > at) break;
    status = s;
  }
  return status;
}

/** A team's position at an instant, interpolated between fixes; null before its first fix. */
export function positionAt(track: PlayTrack, at: number): LonLat | null {
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

/** A Date as the value of an <input type="datetime-local"> in China time. */
function toLocalInput(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return d.toISOString().slice(0, 16);
}

function fromLocalInput(value: string): number {
  return Date.parse(`${value}:00+08:00`);
}

function formatChina(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(ms));
}

/**
 * Playback on the screen's map: pick a window (default the last 24 h), then incidents appear at
 * their report time (coloured by priority, status following their steps) and teams move along
 * their tracks, at ×1 to ×600, with play/pause and a scrub slider.
 */
export function PlaybackMode({
  map,
  towns,
  scale,
}: {
  map: MapLibreMap;
  towns: readonly ScreenTown[];
  scale: number;
}) {
  const { t } = useI18n();
  const [fromInput, setFromInput] = useState(() => toLocalInput(Date.now() - 24 * 3_600_000));
  // the window ends at the next whole minute: the input has minutes only, and what was reported
  // in the current minute belongs in it
  const [toInput, setToInput] = useState(() => toLocalInput(Date.now() + 60_000));
  const [data, setData] = useState<Prepared | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [now, setNow] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(600);

  const load = useCallback(() => {
    const from = fromLocalInput(fromInput);
    const to = fromLocalInput(toInput);
    if (!(to > from)) {
      setError(t('playback.badWindow'));
      return;
    }
    setLoading(true);
    setPlaying(false);
    getPlayback(new Date(from).toISOString(), new Date(to).toISOString()).then(
      (p) => {
        const prepared = prepare(p);
        setData(prepared);
        setNow(prepared.from);
        setError(null);
        setLoading(false);
        setPlaying(true);
      },
      (e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setLoading(false);
      },
    );
  }, [fromInput, toInput, t]);
  // the default window loads at once
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => loadRef.current(), []);

  // the clock of the playback
  useEffect(() => {
    if (!playing || !data) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function step(ts) {
      const dt = ts - last;
      last = ts;
      setNow((n) => {
        const next = Math.min(data.to, n + dt * speed);
        if (next >= data.to) setPlaying(false);
        return next;
      });
      frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, data, speed]);

  const shown = useMemo(() => {
    if (!data) return { incidents: [], teams: [] };
    const incidents: { position: LonLat; color: ReturnType<typeof screenIncidentColor>; r: number }[] = [];
    for (const i of data.incidents) {
      if (i.t > now) break;
      const status = statusAt(i.steps, now);
      incidents.push({
        position: i.position,
        color: screenIncidentColor(status, i.priority),
        r: now - i.t < 60_000 * Math.max(1, speed / 10) ? 9 - i.priority : 7 - i.priority,
      });
    }
    const teams: LonLat[] = [];
    for (const tr of data.tracks) {
      const p = positionAt(tr, now);
      if (p) teams.push(p);
    }
    return { incidents, teams };
  }, [data, now, speed]);

  const layers = useMemo(
    () =>
      [
        townLayer(towns, null),
        data &&
          new PathLayer<PlayTrack>({
            id: 'playback-tracks',
            data: data.tracks,
            getPath: (tr) => tr.positions,
            getColor: [34, 197, 94, 70],
            widthUnits: 'pixels',
            getWidth: 1.5 * scale,
          }),
        new ScatterplotLayer<(typeof shown.incidents)[number]>({
          id: 'playback-incidents',
          data: shown.incidents,
          getPosition: (i) => i.position,
          getFillColor: (i) => i.color,
          getLineColor: [255, 255, 255, 200],
          stroked: true,
          radiusUnits: 'pixels',
          getRadius: (i) => i.r * scale,
          lineWidthUnits: 'pixels',
          getLineWidth: scale,
        }),
        new ScatterplotLayer<LonLat>({
          id: 'playback-teams',
          data: shown.teams,
          getPosition: (p) => p,
          getFillColor: TEAM_STATUS_COLOR.available ?? [22, 163, 74, 240],
          getLineColor: [15, 23, 42, 255],
          stroked: true,
          radiusUnits: 'pixels',
          getRadius: 5 * scale,
          lineWidthUnits: 'pixels',
          getLineWidth: scale,
        }),
      ].filter(Boolean) as Layer[],
    [towns, data, shown, scale],
  );

  useEffect(() => {
    const screen = window.__riskmap?.screen;
    if (!screen) return;
    publishTestState({
      screen: {
        ...screen,
        playback: {
          at: data ? new Date(now).toISOString() : null,
          incidents: shown.incidents.length,
          teams: shown.teams.length,
          playing,
          speed,
        },
      },
    });
  }, [data, now, shown, playing, speed]);
  useEffect(
    () => () => {
      const screen = window.__riskmap?.screen;
      if (screen) publishTestState({ screen: { ...screen, playback: undefined } });
    },
    [],
  );

  return (
    <>
      <DeckOverlay map={map} layers={layers} />
      <div className="screen-playback" data-testid="playback">
        <div className="screen-playback-row">
          <label>
            {t('playback.from')}
            <input
              type="datetime-local"
              data-testid="playback-from"
              value={fromInput}
              onChange={(e) => setFromInput(e.target.value)}
            />
          </label>
          <label>
            {t('playback.to')}
            <input
              type="datetime-local"
              data-testid="playback-to"
              value={toInput}
              onChange={(e) => setToInput(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="screen-button"
            data-testid="playback-load"
            disabled={loading}
            onClick={load}
          >
            {loading ? t('playback.loading') : t('playback.load')}
          </button>
          <span className="screen-playback-counts" data-testid="playback-counts">
            {t('playback.incidents')} {shown.incidents.length}
            {data ? ` / ${data.incidents.length}` : ''} · {t('playback.teams')} {shown.teams.length}
            {data?.truncated ? ` · ${t('playback.truncated')}` : ''}
          </span>
        </div>
        <div className="screen-playback-row">
          <button
            type="button"
            className="screen-button"
            data-testid="playback-play"
            disabled={!data}
            onClick={() => {
              if (data && now >= data.to) setNow(data.from);
              setPlaying((p) => !p);
            }}
          >
            {playing ? t('playback.pause') : t('playback.play')}
          </button>
          <select
            data-testid="playback-speed"
            value={speed}
            onChange={(e) => setSpeed(Number(e.target.value))}
            aria-label={t('playback.speed')}
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                ×{s}
              </option>
            ))}
          </select>
          <input
            type="range"
            className="screen-playback-slider"
            data-testid="playback-slider"
            aria-label={t('playback.scrub')}
            min={data?.from ?? 0}
            max={data?.to ?? 1}
            step={1000}
            value={data ? now : 0}
            disabled={!data}
            onChange={(e) => setNow(Number(e.target.value))}
          />
          <span className="screen-playback-time" data-testid="playback-time">
            {data ? formatChina(now) : '—'}
          </span>
        </div>
        {error && (
          <div className="screen-playback-error" role="alert">
            {error}
          </div>
        )}
      </div>
    </>
  );
}
