import { scopeCovers, type Scope } from '../auth/scope.ts';

/** One change in the live event log (table live_events, written by triggers). */
export interface LiveEvent {
  seq: number;
  at: Date;
  kind: 'incident' | 'dispatch' | 'team' | 'risk_source' | 'area';
  entity_id: string;
  op: 'insert' | 'update' | 'delete';
  area_code: string | null;
  data: Record<string, unknown>;
}

/**
 * Where a hub reads the event log and hears of new events: the database, through
 * liveEventLog (api/db/live-repository.ts); something simpler in a test.
 */
export interface LiveEventLog {
  /** The newest event's sequence number (0 when there is none). */
  latestSeq(): Promise<number>;
  /** The oldest event still kept (null when there is none). */
  oldestSeq(): Promise<number | null>;
  /** Events after `seq`, in sequence order, at most `limit`, of every area. */
  eventsAfter(seq: number, limit: number): Promise<LiveEvent[]>;
  /** Forgets events older than `hours`. */
  prune(hours: number): Promise<number>;
  /**
   * Calls `onNotify` whenever events were committed, and `onRelisten` when listening
   * resumed after a gap (what was committed meanwhile was announced to nobody); resolves to a
   * function that stops listening.
   */
  listen(onNotify: () => void, onRelisten: () => void): Promise<() => Promise<void>>;
}

/** What a live client receives (JSON text frames). */
export type LiveMessage =
  | { type: 'hello'; seq: number }
  | {
      type: 'event';
      seq: number;
      at: string;
      kind: LiveEvent['kind'];
      id: string;
      op: LiveEvent['op'];
      data: Record<string, unknown>;
    }
  | { type: 'snapshot'; seq: number; reason: string }
  | { type: 'tick'; seq: number };

/** One connected client: its scope, where it is in the stream and how to reach it. */
export interface LiveClient {
  scope: Scope;
  send(message: LiveMessage): void;
  /** Bytes queued on the socket and not yet sent (slow clients are dropped). */
  buffered(): number;
  close(code: number, reason: string): void;
}

interface Subscriber {
  client: LiveClient;
  scope: Scope;
  /** Last sequence number this client has been brought up to (sent or skipped as outside its scope). */
  seq: number;
  /** Still catching up from `since`: live events wait in `pending`. */
  pending: LiveEvent[] | null;
}

export interface LiveHubOptions {
  /** A client further behind than this many events gets a snapshot instead of a replay. */
  maxReplay: number;
  /** Events are kept this many hours. */
  keepHours: number;
  /** A client with more than this many bytes unsent is disconnected (it reconnects and resumes). */
  maxBufferedBytes: number;
}

const DEFAULTS: LiveHubOptions = { maxReplay: 10_000, keepHours: 24, maxBufferedBytes: 4 << 20 };

function toMessage(e: LiveEvent): LiveMessage {
  return {
    type: 'event',
    seq: e.seq,
    at: new Date(e.at).toISOString(),
    kind: e.kind,
    id: e.entity_id,
    op: e.op,
    data: e.data,
  };
}

/**
 * Fans the live event log (live_events, written by triggers in the same transaction as
 * each change) out to WebSocket clients. Every API process runs one hub: NOTIFY 'live'
 * wakes it, it reads the new events in sequence order and sends each client the ones in
 * its scope. A client that connects with `since` first gets exactly the events after it
 * (or a snapshot notice when it is too far behind), then the live ones, never one twice.
 */
export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly options: LiveHubOptions;
  private seq = 0;
  private pumping: Promise<void> | null = null;
  private again = false;
  private unlisten: (() => Promise<void>) | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** Reads that failed in a row (the database away): the next try waits longer. */
  private failures = 0;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly log: LiveEventLog,
    options: Partial<LiveHubOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The last sequence number this hub has read. */
  get currentSeq(): number {
    return this.seq;
  }

  /** Connected clients. */
  get size(): number {
    return this.subscribers.size;
  }

  async start(): Promise<void> {
    this.seq = await this.log.latestSeq();
    // after listening again (the server ended the connection), read what was committed
    // while nobody listened: the events after `seq`, as for any wake-up
    this.unlisten = await this.log.listen(
      () => this.wake(),
      () => this.wake(),
    );
    // ticks keep clients whose events are all outside their scope up to date, and the
    // connection alive through proxies
    this.timers.push(setInterval(() => this.tick(), 15_000).unref());
    this.timers.push(
      setInterval(
        () => void this.log.prune(this.options.keepHours).catch(() => undefined),
        3_600_000,
      ).unref(),
    );
    await this.log.prune(this.options.keepHours);
    // catch anything committed between reading the latest seq and listening
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.retry) clearTimeout(this.retry);
    await this.unlisten?.();
    await this.pumping;
    for (const s of this.subscribers) s.client.close(1001, 'server stopping');
    this.subscribers.clear();
  }

  /** Reads and sends new events; a wake-up while reading reads again afterwards. */
  wake(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const rows = await this.log.eventsAfter(this.seq, 1000);
            for (const e of rows) this.broadcast(e);
            if (rows.length < 1000) break;
          }
        } while (this.again);
        this.failures = 0;
      } catch {
        // the database is away: try again soon, whether or not a notification comes
        this.failures++;
        this.retryLater();
      } finally {
        this.pumping = null;
      }
    })();
  }

  /** Wakes again after 100 ms, doubling with each failure up to 1 s. */
  private retryLater(): void {
    if (this.retry || this.stopped) return;
    const delay = Math.min(100 * 2 ** (this.failures - 1), 1000);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.wake();
    }, delay).unref();
  }

  /** Waits until every event committed so far has been read and sent (tests, benchmarks). */
  async settle(): Promise<void> {
    this.wake();
    while (this.pumping) await this.pumping;
  }

  private broadcast(e: LiveEvent): void {
    this.seq = Math.max(this.seq, e.seq);
    for (const s of this.subscribers) {
      if (s.pending) s.pending.push(e);
      else this.deliver(s, e);
    }
  }

  private deliver(s: Subscriber, e: LiveEvent): void {
    if (e.seq <= s.seq) return;
    s.seq = e.seq;
    if (!scopeCovers(s.scope, e.area_code)) return;
    if (s.client.buffered() > this.options.maxBufferedBytes) {
      this.subscribers.delete(s);
      s.client.close(1013, 'too far behind: reconnect with since');
      return;
    }
    s.client.send(toMessage(e));
  }

  private tick(): void {
    this.wake();
    for (const s of this.subscribers) {
      if (!s.pending && s.seq < this.seq) s.seq = this.seq;
      if (!s.pending) s.client.send({ type: 'tick', seq: s.seq });
    }
  }

  /**
   * Adds a client. Without `since` it starts at the hub's current position; with it, it
   * first receives every event after `since` in its scope, or a snapshot notice when
   * those are no longer kept or more than `maxReplay`.
   */
  async subscribe(client: LiveClient, since?: number): Promise<() => void> {
    const s: Subscriber = {
      client,
      scope: client.scope,
      seq: this.seq,
      pending: since === undefined ? null : [],
    };
    this.subscribers.add(s);
    const remove = () => void this.subscribers.delete(s);
    if (since === undefined) {
      client.send({ type: 'hello', seq: s.seq });
      return remove;
    }
    try {
      const oldest = await this.log.oldestSeq();
      const newest = Math.max(this.seq, await this.log.latestSeq());
      client.send({ type: 'hello', seq: newest });
      const kept = oldest === null || since >= oldest - 1;
      if (since >= newest) {
        s.seq = since;
      } else if (!kept || newest - since > this.options.maxReplay) {
        s.seq = newest;
        client.send({
          type: 'snapshot',
          seq: newest,
          reason: kept
            ? `more than ${this.options.maxReplay} events behind`
            : 'events since then are no longer kept',
        });
      } else {
        s.seq = since;
        for (let after = since; ;) {
          const rows = await this.log.eventsAfter(after, 1000);
          for (const e of rows) this.deliver(s, e);
          if (rows.length < 1000) break;
          after = rows[rows.length - 1]!.seq;
        }
      }
    } finally {
      const pending = s.pending ?? [];
      s.pending = null;
      for (const e of pending) this.deliver(s, e);
    }
    return remove;
  }
}
