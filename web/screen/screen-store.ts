import type { LiveEvent } from '../api/client.ts';
import { applyEvents, type ScreenData } from './screen-data.ts';

/**
 * Events are remembered this long (ms) after they came, so that data whose loading began
 * before them can take them in; a load of the screen's data takes seconds.
 */
export const EVENT_MEMORY_MS = 10 * 60_000;

/** An event with the instant it came (the clock of `performance.now()`). */
export interface TimedEvent {
  at: number;
  event: LiveEvent;
}

/** The live map's data: the last load with every event since applied, and the recent events. */
export interface ScreenStore {
  data: ScreenData | null;
  recent: readonly TimedEvent[];
}

export type ScreenStoreAction =
  /** Events came (in stream order). */
  | { type: 'events'; events: readonly TimedEvent[] }
  /** Data arrived whose loading began at `startedAt`. */
  | { type: 'loaded'; data: ScreenData; startedAt: number };

export const EMPTY_STORE: ScreenStore = { data: null, recent: [] };

/**
 * The live map's state machine. Events change the data as they come; loaded data replaces it,
 * with the events that came since its loading began applied on top: the server may have read
 * before or after them, and applying an event twice changes nothing.
 */
export function screenStoreReducer(store: ScreenStore, action: ScreenStoreAction): ScreenStore {
  if (action.type === 'loaded') {
    const since = store.recent.filter((e) => e.at >= action.startedAt).map((e) => e.event);
    return { ...store, data: applyEvents(action.data, since) };
  }
  if (action.events.length === 0) return store;
  const last = action.events[action.events.length - 1]?.at ?? 0;
  const recent = [...store.recent, ...action.events].filter((e) => e.at >= last - EVENT_MEMORY_MS);
  const data =
    store.data &&
    applyEvents(
      store.data,
      action.events.map((e) => e.event),
    );
  return { data, recent };
}
