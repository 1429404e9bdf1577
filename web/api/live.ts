/**
 * The live stream client: one WebSocket to `/api/live` (same origin, the session cookie
 * authenticates) that reconnects by itself with backoff and resumes after the last sequence
 * number received, so no event is missed or seen twice. Re-exported by client.ts, the only
 * module of the web client that talks to the API.
 */
import type { LiveMessage } from '../../api/lib/live-hub.ts';

export type { LiveMessage };

/** A change event of the stream. */
export type LiveEvent = Extract<LiveMessage, { type: 'event' }>;

/** What kinds of record an event is about. */
export type LiveKind = LiveEvent['kind'];

/**
 * The connection's state: `connecting` (first attempt), `open` (hello received), `reconnecting`
 * (lost, waiting or trying again), `closed` (stopped).
 */
export type LiveState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The connection's state with its stream position. */
export interface LiveStatus {
  state: LiveState;
  /** Last sequence number received (null before the first hello). */
  seq: number | null;
  /** How many times the connection was re-established. */
  reconnects: number;
}

/** First wait before reconnecting (ms); doubled up to MAX_DELAY_MS, with jitter. */
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15_000;

/** No message (ticks come every 15 s) for this long: the connection is taken as dead. */
const SILENCE_MS = 40_000;

/** The URL of the stream on this page's origin, resuming after `since`. */
export function liveUrl(since: number | null): string {
  const url = new URL('/api/live', window.location.origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (since !== null) url.searchParams.set('since', String(since));
  return url.href;
}

function isMessage(value: unknown): value is LiveMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; seq?: unknown };
  return (
    typeof m.seq === 'number' &&
    (m.type === 'hello' || m.type === 'event' || m.type === 'tick' || m.type === 'snapshot')
  );
}

/**
 * One live connection. `start()` opens it, `stop()` ends it; in between it reconnects after
 * every close or error (1 s doubling to 15 s, ±25 % jitter) with `?since=<last seq>`.
 * Listeners get every message in order (events exactly once); a `snapshot` message means the
 * data must be reloaded.
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private delay = FIRST_DELAY_MS;
  private running = false;
  private everOpened = false;
  private status: LiveStatus = { state: 'closed', seq: null, reconnects: 0 };
  private readonly messageListeners = new Set<(m: LiveMessage) => void>();
  private readonly statusListeners = new Set<(s: LiveStatus) => void>();

  constructor(private readonly makeUrl: (since: number | null) => string = liveUrl) {}

  /** The current state and position. */
  getStatus(): LiveStatus {
    return this.status;
  }

  /** Listen to every message; returns the function that stops listening. */
  onMessage(listener: (m: LiveMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Listen to state changes; returns the function that stops listening. */
  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * Open the connection (nothing if already running). A fresh start begins at the stream's
   * current position: whoever starts it loads its data first.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.everOpened = false;
    this.delay = FIRST_DELAY_MS;
    this.setStatus({ state: 'connecting', seq: null });
    this.connect();
  }

  /** Close the connection and stop reconnecting. The position is kept for a later start(). */
  stop(): void {
    this.running = false;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000, 'done');
    }
    this.setStatus({ state: 'closed' });
  }

  /** Drop the current socket as a network failure would (tests, "reconnect now"). */
  drop(): void {
    this.socket?.close(4000, 'dropped by the client');
  }

  private setStatus(patch: Partial<LiveStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const l of [...this.statusListeners]) l(this.status);
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.timer = this.watchdog = null;
  }

  private armWatchdog(socket: WebSocket): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (this.socket === socket) socket.close(4001, 'silent');
    }, SILENCE_MS);
  }

  private connect(): void {
    if (!this.running) return;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.makeUrl(this.status.seq));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.armWatchdog(socket);
    socket.onmessage = (e: MessageEvent) => {
      if (this.socket !== socket) return;
      let message: unknown;
      try {
        message = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (!isMessage(message)) return;
      this.armWatchdog(socket);
      if (message.type === 'hello') {
        // A resumed stream replays the missed events after the hello: keep our position.
        if (this.status.seq === null) this.setStatus({ seq: message.seq });
        this.delay = FIRST_DELAY_MS;
        const reconnected = this.everOpened;
        this.everOpened = true;
        this.setStatus({
          state: 'open',
          reconnects: this.status.reconnects + (reconnected ? 1 : 0),
        });
      } else if (this.status.seq === null || message.seq >= this.status.seq) {
        this.setStatus({ seq: message.seq });
      }
      for (const l of [...this.messageListeners]) l(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      // a close follows every error; reconnecting is done there
    };
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.clearTimers();
    this.setStatus({ state: 'reconnecting' });
    const jitter = 0.75 + Math.random() * 0.5;
    const wait = Math.round(this.delay * jitter);
    this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, wait);
  }
}

let shared: LiveConnection | null = null;
let users = 0;
let stopTimer: ReturnType<typeof setTimeout> | null = null;

/** After the last user leaves, wait this long before closing (page changes re-acquire it). */
const RELEASE_GRACE_MS = 3000;

/** The page's one live connection, shared by every view that follows the stream. */
export function sharedLive(): LiveConnection {
  shared ??= new LiveConnection();
  return shared;
}

/**
 * Use the shared connection: it opens with the first user and closes with the last (e.g. on
 * sign-out). Returns the function that releases it.
 */
export function acquireLive(): () => void {
  const live = sharedLive();
  users += 1;
  if (stopTimer) clearTimeout(stopTimer);
  stopTimer = null;
  live.start();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    users -= 1;
    if (users === 0) {
      stopTimer = setTimeout(() => {
        stopTimer = null;
        if (users === 0) live.stop();
      }, RELEASE_GRACE_MS);
    }
  };
}
