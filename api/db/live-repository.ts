import type { LiveEvent, LiveEventLog } from '../lib/live-hub.ts';
import type { Database, Queryable } from './database.ts';

/** A row of live_events. */
export type LiveEventRow = LiveEvent;

/** The newest event's sequence number (0 when there is none). */
export async function latestSeq(db: Queryable): Promise<number> {
  const r = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM live_events');
  return r.rows[0]?.seq ?? 0;
}

/** The oldest event still kept (null when there is none). */
export async function oldestSeq(db: Queryable): Promise<number | null> {
  const r = await db.query<{ seq: number | null }>('SELECT min(seq) AS seq FROM live_events');
  return r.rows[0]?.seq ?? null;
}

/** Events after `seq`, in sequence order, at most `limit` (all areas: the caller filters by scope). */
export async function eventsAfter(db: Queryable, seq: number, limit: number): Promise<LiveEventRow[]> {
  const r = await db.query<LiveEventRow>(
    `SELECT seq, at, kind, entity_id, op, area_code, data FROM live_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [seq, limit],
    { prepare: 'riskmap_live_after' },
  );
  return r.rows;
}

/** Forgets events older than `hours` (clients that far behind get a snapshot instead). */
export async function pruneEvents(db: Queryable, hours: number): Promise<number> {
  const r = await db.query(`DELETE FROM live_events WHERE at < now() - make_interval(hours => $1)`, [hours]);
  return r.rowCount;
}

/** The event log of a database, for a LiveHub: live_events, announced by NOTIFY 'live'. */
export function liveEventLog(db: Database): LiveEventLog {
  return {
    latestSeq: () => latestSeq(db),
    oldestSeq: () => oldestSeq(db),
    eventsAfter: (seq, limit) => eventsAfter(db, seq, limit),
    prune: (hours) => pruneEvents(db, hours),
    listen: (onNotify, onRelisten) => db.listen('live', () => onNotify(), onRelisten),
  };
}
