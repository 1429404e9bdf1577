import { useCallback, useEffect, useReducer, useRef } from 'react';
import { useLive } from '../api/use-live.ts';
import { alarmFromMessage, alarmQueueReducer, type Alarm } from './alarm-queue.ts';
import { useScreenMapData } from './queries.ts';
import type { ScreenData } from './screen-data.ts';
import { EMPTY_STORE, screenStoreReducer, type TimedEvent } from './screen-store.ts';

/**
 * Events are applied to the map at most this often (ms): a burst (an import, a batch dispatch)
 * is applied as one change rather than one per event.
 */
const APPLY_EVERY_MS = 100;

/** What useScreenLive() returns. */
export interface ScreenLive {
  /** The map's data with every event applied; null until first loaded. */
  data: ScreenData | null;
  /** The alarms: the first on screen, the others waiting. */
  alarms: readonly Alarm[];
  dismissAlarm: (id: number) => void;
}

/**
 * The live side of the screen: its map's data, loaded once and then changed by each live event
 * (new incidents, teams moving, status colours), loaded again on a snapshot notice; and an alarm
 * for every new level-1 incident.
 */
export function useScreenLive(): ScreenLive {
  const mapData = useScreenMapData();
  const [store, dispatch] = useReducer(screenStoreReducer, EMPTY_STORE);
  const [alarms, dispatchAlarm] = useReducer(alarmQueueReducer, []);

  const loaded = mapData.data;
  useEffect(() => {
    if (loaded) dispatch({ type: 'loaded', data: loaded.data, startedAt: loaded.startedAt });
  }, [loaded]);

  const queue = useRef<TimedEvent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const { refetch } = mapData;
  useEffect(() => {
    void refetch();
  }, [refetch]);
  useLive((m) => {
    if (m.type === 'snapshot') {
      void refetch();
      return;
    }
    if (m.type !== 'event') return;
    queue.current.push({ at: performance.now(), event: m });
    timer.current ??= setTimeout(() => {
      timer.current = null;
      const events = queue.current;
      queue.current = [];
      dispatch({ type: 'events', events });
    }, APPLY_EVERY_MS);
    const alarm = alarmFromMessage(m);
    if (alarm) dispatchAlarm({ type: 'raise', alarm });
  });

  const dismissAlarm = useCallback((id: number) => dispatchAlarm({ type: 'dismiss', id }), []);
  return { data: store.data, alarms, dismissAlarm };
}
