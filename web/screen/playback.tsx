import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useMemo, useReducer } from 'react';
import type { AreaFeature } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { errorMessage } from '../lib/error-message.ts';
import type { ScreenMapState } from '../map/layers/index.ts';
import { publishTestState, readTestState } from '../test-hooks.ts';
import { initialPlayback, playbackReducer, type PlaybackAction } from './playback-clock.ts';
import { PlaybackControls } from './playback-controls.tsx';
import { playbackFrame } from './playback-data.ts';
import { usePlaybackWindow } from './queries.ts';
import { ScreenOverlay } from './screen-overlay.tsx';

/** While playing, advances the clock by the real time between animation frames. */
function usePlaybackTicker(playing: boolean, dispatch: (action: PlaybackAction) => void): void {
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function step(ts) {
      const ms = ts - last;
      last = ts;
      dispatch({ type: 'tick', ms });
      frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, dispatch]);
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
  towns: readonly AreaFeature[];
  scale: number;
}) {
  const { t } = useI18n();
  const [clock, dispatch] = useReducer(playbackReducer, Date.now(), initialPlayback);
  const query = usePlaybackWindow(clock.request);
  // the window shown: while another loads, the previous one stays
  const data = query.data ?? null;
  const fresh = query.isPlaceholderData ? null : data;
  useEffect(() => {
    if (fresh) dispatch({ type: 'loaded', span: { from: fresh.from, to: fresh.to } });
  }, [fresh]);
  usePlaybackTicker(clock.playing, dispatch);

  const shown = clock.span ? data : null;
  const frame = useMemo(() => playbackFrame(shown, clock.now, clock.speed), [shown, clock.now, clock.speed]);
  const screen = useMemo<ScreenMapState>(
    () => ({ scale, towns, highlightTown: null, playback: frame }),
    [scale, towns, frame],
  );

  useEffect(() => {
    const screenState = readTestState()?.screen;
    if (!screenState) return;
    publishTestState({
      screen: {
        ...screenState,
        playback: {
          at: clock.span ? new Date(clock.now).toISOString() : null,
          incidents: frame.incidents.length,
          teams: frame.teams.length,
          playing: clock.playing,
          speed: clock.speed,
        },
      },
    });
  }, [clock.span, clock.now, clock.playing, clock.speed, frame]);
  useEffect(
    () => () => {
      const screenState = readTestState()?.screen;
      if (screenState) publishTestState({ screen: { ...screenState, playback: undefined } });
    },
    [],
  );

  const error = clock.badWindow ? t('playback.badWindow') : query.error ? errorMessage(query.error, t) : null;
  return (
    <>
      <ScreenOverlay map={map} screen={screen} />
      <PlaybackControls
        clock={clock}
        dispatch={dispatch}
        loading={query.isFetching}
        counts={{
          incidents: frame.incidents.length,
          total: shown ? shown.incidents.length : null,
          teams: frame.teams.length,
          truncated: shown?.truncated ?? false,
        }}
        error={error}
      />
    </>
  );
}
