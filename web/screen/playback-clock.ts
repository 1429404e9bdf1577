import { parseTimeField, timeFieldText } from '../lib/format.ts';

/** Playback speeds (× real time). */
export const SPEEDS = [1, 10, 60, 300, 600] as const;

const HOUR_MS = 3_600_000;

/** A time (epoch ms) as the text of a time field, "2025-03-01 10:00" in China time. */
export function toLocalInput(ms: number): string {
  return timeFieldText(ms);
}

/** The text of a time field read in China time (epoch ms; NaN if empty or not a time). */
export function fromLocalInput(value: string): number {
  return parseTimeField(value);
}

/** A time window, epoch ms. */
export interface Span {
  from: number;
  to: number;
}

/** The playback's clock and the window it plays. */
export interface PlaybackClock {
  /** The window's inputs as typed (China time). */
  fromInput: string;
  toInput: string;
  /** The window to load; `n` counts the loads, so that loading the same window again reloads it. */
  request: (Span & { n: number }) | null;
  /** The inputs do not make a window (the end not after the start). */
  badWindow: boolean;
  /** The window loaded. */
  span: Span | null;
  /** The instant shown (epoch ms). */
  now: number;
  playing: boolean;
  speed: number;
}

export type PlaybackAction =
  | { type: 'from'; value: string }
  | { type: 'to'; value: string }
  /** Load the window of the inputs. */
  | { type: 'load' }
  /** A window arrived: play it from its start. */
  | { type: 'loaded'; span: Span }
  /** `ms` of real time went by. */
  | { type: 'tick'; ms: number }
  /** Play or pause; playing again at the end starts over. */
  | { type: 'toggle' }
  | { type: 'speed'; speed: number }
  /** Jump to an instant of the window. */
  | { type: 'scrub'; at: number };

/**
 * The playback at first: the last 24 hours, asked for at once, at the highest speed. The window
 * ends at the next whole minute: the inputs have minutes only, and what was reported in the
 * current minute belongs in it.
 */
export function initialPlayback(nowMs: number): PlaybackClock {
  return playbackReducer(
    {
      fromInput: toLocalInput(nowMs - 24 * HOUR_MS),
      toInput: toLocalInput(nowMs + 60_000),
      request: null,
      badWindow: false,
      span: null,
      now: 0,
      playing: false,
      speed: 600,
    },
    { type: 'load' },
  );
}

/** The playback clock's state machine. */
export function playbackReducer(state: PlaybackClock, action: PlaybackAction): PlaybackClock {
  switch (action.type) {
    case 'from':
      return { ...state, fromInput: action.value };
    case 'to':
      return { ...state, toInput: action.value };
    case 'load': {
      const from = fromLocalInput(state.fromInput);
      const to = fromLocalInput(state.toInput);
      if (!(to > from)) return { ...state, badWindow: true };
      const n = (state.request?.n ?? 0) + 1;
      return { ...state, request: { from, to, n }, badWindow: false, playing: false };
    }
    case 'loaded':
      return { ...state, span: action.span, now: action.span.from, playing: true, badWindow: false };
    case 'tick': {
      if (!state.playing || !state.span) return state;
      const now = Math.min(state.span.to, state.now + action.ms * state.speed);
      return { ...state, now, playing: now < state.span.to };
    }
    case 'toggle': {
      if (!state.span) return state;
      const now = state.now >= state.span.to ? state.span.from : state.now;
      return { ...state, now, playing: !state.playing };
    }
    case 'speed':
      return { ...state, speed: action.speed };
    case 'scrub':
      if (!state.span) return state;
      return { ...state, now: Math.min(state.span.to, Math.max(state.span.from, action.at)) };
  }
}
