import { foldTimeline, historyShift, type TimelineEvent } from '../lib/simulator/history.ts';
import { isTeamKind, onDutyAt } from '../lib/simulator/schedule.ts';
import {
  DEFAULT_PERIODS,
  addWorkingMinutes,
  deadline,
  type DeadlineUnit,
  type WorkingCalendar,
} from '../lib/working-time.ts';
import type { Queryable } from './database.ts';

/**
 * The tables a dataset with a history (manifest `history`) loads through staging tables,
 * moved in time: teams, incidents and their timelines, dispatches and position fixes.
 */
export const HISTORY_TABLES: ReadonlySet<string> = new Set([
  'teams',
  'incidents',
  'incident_events',
  'dispatches',
  'team_positions',
]);

/** The fixes kept: the last day before the load, what playback shows. */
const TRACK_HOURS = 24;

type Step = (table: string, load: () => Promise<number>) => Promise<number>;

/** The working calendar as loaded into calendar_days (the reference data comes first). */
async function calendar(tx: Queryable): Promise<WorkingCalendar> {
  const r = await tx.query<{ day: string; kind: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days`,
  );
  return {
    holidays: new Set(r.rows.filter((x) => x.kind === 'holiday').map((x) => x.day)),
    workdays: new Set(r.rows.filter((x) => x.kind === 'workday').map((x) => x.day)),
    periods: DEFAULT_PERIODS,
  };
}

/**
 * Loads the dated tables of a dataset so that its history ends at the load time `now`: every
 * time moves by the whole days that put `now` inside the dataset's last day (the day starting
 * at `reference`, see api/lib/simulator/history.ts), and whatever would then lie after `now`
 * is left out — reports not yet made, steps not yet taken, fixes not yet sent. Each incident
 * gets the state its remaining timeline leads to (the state machine's own fold), and its
 * deadline in working time on the calendar for the days it now falls on. Teams are on a
 * dispatch if one is open at `now`, otherwise on duty by their shift; they stand at their
 * last fix. `files` have been checked against the allow-list (dataset-loader.ts).
 */
export async function loadHistory(
  tx: Queryable,
  files: ReadonlyArray<{ table: string; file: string; columns: readonly string[] }>,
  reference: Date,
  now: Date,
  step: Step,
): Promise<Record<string, number>> {
  const shiftS = historyShift(reference.getTime(), now.getTime()) / 1000;
  const counts: Record<string, number> = {};
  const has = new Set(files.map((f) => f.table));
  for (const { table, file, columns } of files) {
    // the staging tables take the CSV as it is; team_positions' staging names a road node
    await tx.exec(
      table === 'team_positions'
        ? `CREATE TEMP TABLE stage_team_positions (team_id bigint, recorded_at timestamptz, road_node bigint,
             geom geometry(Point, 4326)) ON COMMIT DROP`
        : `CREATE TEMP TABLE stage_${table} ON COMMIT DROP AS SELECT * FROM ${table} WITH NO DATA`,
    );
    await tx.copyCsv(`stage_${table}`, columns, file);
  }
  const cols = (table: string) => files.find((f) => f.table === table)?.columns ?? [];
  // $1 = the shift in seconds, $2 = now
  const moved = (c: string) => `s.${c} + $1 * interval '1 second'`;

  if (has.has('teams')) {
    const c = cols('teams');
    counts.teams = await step('teams', async () => {
      const r = await tx.query(
        `INSERT INTO teams (${c.join(', ')})
         SELECT ${c.map((x) => (x === 'position_at' ? moved(x) : `s.${x}`)).join(', ')} FROM stage_teams s`,
        [shiftS],
      );
      return r.rowCount;
    });
  }

  if (has.has('incidents')) {
    counts.incidents = await step('incidents', async () => {
      const cal = await calendar(tx);
      const incs = await tx.query<{
        id: number;
        reported_at: Date;
        deadline_amount: number | null;
        deadline_unit: DeadlineUnit | null;
      }>(
        `SELECT s.id, ${moved('reported_at')} AS reported_at, c.deadline_amount, c.deadline_unit
         FROM stage_incidents s LEFT JOIN categories c ON c.kind = 'incident' AND c.code = s.category
         WHERE ${moved('reported_at')} <= $2 ORDER BY s.id`,
        [shiftS, now],
      );
      const events = new Map<number, TimelineEvent[]>();
      if (has.has('incident_events')) {
        const ev = await tx.query<{
          incident_id: number;
          at: Date;
          action: string;
          from_status: string | null;
          to_status: string | null;
          note: string | null;
        }>(
          `SELECT s.incident_id, ${moved('at')} AS at, s.action, s.from_status, s.to_status, s.note
           FROM stage_incident_events s WHERE ${moved('at')} <= $2 ORDER BY s.incident_id, s.at, s.id`,
          [shiftS, now],
        );
        for (const e of ev.rows) {
          const list = events.get(e.incident_id) ?? [];
          list.push({
            at: new Date(e.at).getTime(),
            action: e.action,
            fromStatus: e.from_status,
            toStatus: e.to_status,
            note: e.note,
          });
          events.set(e.incident_id, list);
        }
      }
      const u = {
        id: [] as number[],
        status: [] as string[],
        deadline: [] as Array<string | null>,
        closed: [] as Array<string | null>,
        pending: [] as Array<number | null>,
        extended: [] as number[],
        rework: [] as number[],
        merged: [] as boolean[],
        updated: [] as string[],
      };
      for (const inc of incs.rows) {
        const reported = new Date(inc.reported_at);
        const timeline = events.get(inc.id) ?? [
          { at: reported.getTime(), action: 'report', fromStatus: null, toStatus: 'reported', note: null },
        ];
        let s;
        try {
          s = foldTimeline(timeline);
        } catch (err) {
          throw new Error(`incident ${inc.id}: ${(err as Error).message}`, { cause: err });
        }
        let due =
          inc.deadline_amount && inc.deadline_unit
            ? deadline(cal, reported, inc.deadline_amount, inc.deadline_unit)
            : null;
        if (due && s.extendedMinutes > 0) due = addWorkingMinutes(cal, due, s.extendedMinutes);
        u.id.push(inc.id);
        u.status.push(s.status);
        u.deadline.push(due ? due.toISOString() : null);
        u.closed.push(s.closedAt === null ? null : new Date(s.closedAt).toISOString());
        u.pending.push(s.extensionPendingMinutes);
        u.extended.push(s.extendedMinutes);
        u.rework.push(s.reworkCount);
        u.merged.push(s.merged);
        u.updated.push(new Date(s.updatedAt).toISOString());
      }
      // what the timeline decides replaces the file's; times move; the rest is the file's
      const derived: Record<string, string> = {
        status: 'u.status',
        deadline_at: 'u.deadline',
        closed_at: 'u.closed',
        extension_pending_minutes: 'u.pending',
        extended_minutes: 'u.extended',
        rework_count: 'u.rework',
        merged_into: 'CASE WHEN u.merged THEN s.merged_into END',
        updated_at: 'u.updated',
        reported_at: moved('reported_at'),
      };
      const c = [...new Set([...cols('incidents'), ...Object.keys(derived)])];
      const r = await tx.query(
        `INSERT INTO incidents (${c.join(', ')})
         SELECT ${c.map((x) => derived[x] ?? `s.${x}`).join(', ')}
         FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::int[],
                     $8::int[], $9::boolean[], $10::timestamptz[])
              AS u(id, status, deadline, closed, pending, extended, rework, merged, updated)
         JOIN stage_incidents s ON s.id = u.id
         ORDER BY s.id`,
        [shiftS, u.id, u.status, u.deadline, u.closed, u.pending, u.extended, u.rework, u.merged, u.updated],
      );
      return r.rowCount;
    });
  }

  if (has.has('incident_events')) {
    counts.incident_events = await step('incident_events', async () => {
      const r = await tx.query(
        `INSERT INTO incident_events (id, incident_id, at, actor, action, from_status, to_status, note)
         SELECT s.id, s.incident_id, ${moved('at')}, s.actor, s.action, s.from_status, s.to_status, s.note
         FROM stage_incident_events s JOIN incidents i ON i.id = s.incident_id
         WHERE ${moved('at')} <= $2 ORDER BY s.id`,
        [shiftS, now],
      );
      await tx.query(
        `SELECT setval('incident_events_id_seq', greatest((SELECT max(id) FROM incident_events), 1))`,
      );
      return r.rowCount;
    });
  }

  if (has.has('dispatches')) {
    counts.dispatches = await step('dispatches', async () => {
      // a step after `now` has not happened: the dispatch is still on its way or on scene
      const r = await tx.query(
        `INSERT INTO dispatches (id, incident_id, team_id, status, created_at, created_by, arrived_at, ended_at,
                                 travel_time_s, distance_m, note)
         SELECT s.id, s.incident_id, s.team_id,
                CASE WHEN ${moved('ended_at')} <= $2 THEN s.status
                     WHEN ${moved('arrived_at')} <= $2 THEN 'on_scene' ELSE 'active' END,
                ${moved('created_at')}, s.created_by,
                CASE WHEN ${moved('arrived_at')} <= $2 THEN ${moved('arrived_at')} END,
                CASE WHEN ${moved('ended_at')} <= $2 THEN ${moved('ended_at')} END,
                s.travel_time_s, s.distance_m, s.note
         FROM stage_dispatches s JOIN incidents i ON i.id = s.incident_id
         WHERE ${moved('created_at')} <= $2 ORDER BY s.id`,
        [shiftS, now],
      );
      await tx.query(`SELECT setval('dispatches_id_seq', greatest((SELECT max(id) FROM dispatches), 1))`);
      return r.rowCount;
    });
  }

  if (has.has('team_positions')) {
    counts.team_positions = await step('team_positions', async () => {
      const r = await tx.query(
        `INSERT INTO team_positions (team_id, recorded_at, received_at, geom, applied)
         SELECT s.team_id, ${moved('recorded_at')}, ${moved('recorded_at')}, coalesce(s.geom, n.geom), true
         FROM stage_team_positions s LEFT JOIN road_nodes n ON n.id = s.road_node
         WHERE ${moved('recorded_at')} BETWEEN $2::timestamptz - $3 * interval '1 hour' AND $2
         ORDER BY s.recorded_at, s.team_id`,
        [shiftS, now, TRACK_HOURS],
      );
      return r.rowCount;
    });
  }

  if (has.has('teams')) {
    // duty by each team's shift at `now` (api/lib/simulator/schedule.ts); a team with an open
    // dispatch is on it; everyone stands at their last fix
    const teams = await tx.query<{ id: number; kind: string }>('SELECT id, kind FROM teams WHERE synthetic');
    const ids: number[] = [];
    const duty: boolean[] = [];
    for (const t of teams.rows) {
      ids.push(t.id);
      duty.push(isTeamKind(t.kind) ? onDutyAt(t.id, t.kind, now.getTime()) : true);
    }
    await tx.query(
      `UPDATE teams t
       SET status = CASE d.status WHEN 'active' THEN 'dispatched' WHEN 'on_scene' THEN 'on_scene'
                    ELSE CASE WHEN u.on_duty THEN 'available' ELSE 'off_duty' END END,
           on_duty = (d.status IS NOT NULL OR u.on_duty),
           geom = coalesce(f.geom, t.geom),
           position_at = coalesce(f.recorded_at, t.position_at)
       FROM unnest($1::bigint[], $2::boolean[]) AS u(id, on_duty)
       LEFT JOIN dispatches d ON d.team_id = u.id AND d.status IN ('active', 'on_scene')
       LEFT JOIN LATERAL (SELECT p.geom, p.recorded_at FROM team_positions p WHERE p.team_id = u.id
                          ORDER BY p.recorded_at DESC, p.id DESC LIMIT 1) f ON true
       WHERE t.id = u.id`,
      [ids, duty],
    );
  }
  return counts;
}
