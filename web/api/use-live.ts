import { useEffect, useRef, useSyncExternalStore } from 'react';
import { acquireLive, sharedLive, type LiveKind, type LiveMessage, type LiveStatus } from './client.ts';
import { publishTestState } from '../test-hooks.ts';

// Test hook: the connection's state and position, and a way to drop it as a network failure would.
sharedLive().onStatus((s) => {
  publishTestState({ live: { ...s, drop: () => sharedLive().drop() } });
});

function subscribeStatus(onChange: () => void): () => void {
  return sharedLive().onStatus(onChange);
}

function currentStatus(): LiveStatus {
  return sharedLive().getStatus();
}

/** The shared live connection's state (without opening it). */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(subscribeStatus, currentStatus);
}

/**
 * Follow the live stream while mounted: opens the shared connection (closed again when the
 * last user leaves) and calls `onMessage` with every message, in order.
 */
export function useLive(onMessage?: (m: LiveMessage) => void): LiveStatus {
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    const off = sharedLive().onMessage((m) => handler.current?.(m));
    const release = acquireLive();
    return () => {
      off();
      release();
    };
  }, []);
  return useLiveStatus();
}

/**
 * Call `refresh` after live events of the given kinds, a snapshot notice or a reconnection,
 * at most once every `intervalMs` (trailing: a burst of events gives one refresh after it).
 */
export function useLiveRefresh(
  kinds: readonly LiveKind[],
  refresh: () => void,
  intervalMs = 2000,
): LiveStatus {
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const kindsKey = kinds.join(',');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);
  const schedule = useRef<() => void>(() => undefined);
  schedule.current = () => {
    if (timer.current) return;
    const wait = Math.max(300, last.current + intervalMs - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      refreshRef.current();
    }, wait);
  };
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );
  const wanted = useRef(new Set<string>());
  wanted.current = new Set(kindsKey.split(','));
  const status = useLive((m) => {
    if (m.type === 'snapshot' || (m.type === 'event' && wanted.current.has(m.kind))) schedule.current();
  });
  // A reconnection may have followed a server restart: refresh once it is open again.
  const reconnects = useRef(status.reconnects);
  useEffect(() => {
    if (status.reconnects !== reconnects.current) {
      reconnects.current = status.reconnects;
      schedule.current();
    }
  }, [status.reconnects]);
  return status;
}
