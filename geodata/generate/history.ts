/**
 * The sample city's recent past: 30 days of incidents with their timelines (reported →
 * accepted → dispatched → on_scene → resolved → verified → closed; some rejected, merged into
 * an earlier report of the same matter, extended or reworked), the dispatches that sent the
 * teams, and the teams' position fixes of the last two days.
 *
 * Everything is written as of the reference instant HISTORY_REFERENCE_MS (a local midnight)
 * plus one day: the dataset loader moves it by whole days so that the load time falls inside
 * that last day (api/lib/simulator/history.ts) and leaves out what would lie in the future;
 * the files themselves hold exactly what the city looks like at the end of that day (the cut
 * here is the loader's, at HORIZON_MS).
 *
 * Deadlines are working time on the calendar (api/lib/working-time.ts, calendar-2026.csv).
 * The loader computes them again for the days the history lands on, so the on-time share
 * must not hinge on the weekday: an incident meant to be on time is resolved within a clock
 * span that can never hold more working time than its deadline (safeSpanMin), whatever the
 * weekday; a late one takes well beyond its deadline. Open ones were reported recently
 * enough to be within their deadline on any weekday, except those meant to be late.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetColumns } from '../../api/db/dataset-loader.ts';
import { RoadGraph } from '../../api/lib/road-graph.ts';
import { foldTimeline } from '../../api/lib/simulator/history.ts';
import { MOVEMENT, ms, workMinutes } from '../../api/lib/simulator/movement.ts';
import { describe, pickCategory, pickChannel } from '../../api/lib/simulator/reports.ts';
import { HOUR_WEIGHTS } from '../../api/lib/simulator/rhythm.ts';
import { patrolLeg, pointAt, roadRoute, type LonLat, type Route } from '../../api/lib/simulator/route.ts';
import { dutyIntervals, onDutyAt, type TeamKind } from '../../api/lib/simulator/schedule.ts';
import {
  DAY_MS,
  MINUTE_MS,
  localDay,
  localDayStart,
  localHour,
  localMinuteOfDay,
} from '../../api/lib/simulator/time.ts';
import {
  DEFAULT_PERIODS,
  addWorkingMinutes,
  dayMinutes,
  type WorkingCalendar,
} from '../../api/lib/working-time.ts';
import type { Category } from './categories.ts';
import { CsvWriter } from './csv-writer.ts';
import { geomPoint, isoUtc, pgTextArray } from './format.ts';
import { villageShortName } from './grid-numbering.ts';
import type { Placed, Placer } from './placement.ts';
import type { Rng } from './prng.ts';
import type { RoadNetwork } from './roads.ts';

/** 2026-11-27 00:00 China time: the day the sample's last day starts. */
export const HISTORY_REFERENCE_MS = Date.UTC(2026, 10, 26, 16, 0, 0);
/** The files describe the city at the end of that day. */
export const HORIZON_MS = HISTORY_REFERENCE_MS + DAY_MS;
/** Reports cover the 30 days before the last day, and the last day. */
export const HISTORY_DAYS = 30;
/** Position fixes cover the last two days (the loader keeps the 24 h before the load time). */
export const TRACK_FROM_MS = HISTORY_REFERENCE_MS - DAY_MS;

const H = 3_600_000;
const MIN = MINUTE_MS;

/** A team as the history needs it. */
export interface TeamRec {
  id: number;
  name: string;
  kind: TeamKind;
  capabilities: readonly string[];
  home: LonLat;
  homeArea: string;
  townCode: string;
}

/** A risk source: a report inside the impact zone of a level-1/2 one is raised a level. */
export interface RiskRec {
  id: number;
  level: number;
  radiusM: number;
  lon: number;
  lat: number;
}

interface Ev {
  at: number;
  actor: string;
  action: string;
  from: string | null;
  to: string | null;
  note: string | null;
  /** Order among events at the same instant. */
  seq: number;
}

interface Disp {
  id: number;
  incidentId: number;
  team: TeamRec;
  createdAt: number;
  arrivedAt: number;
  endedAt: number;
  /** How the dispatch ended: completed at resolve (cancelled never happens here). */
  travelS: number;
  distanceM: number;
  note: string | null;
}

interface Inc {
  id: number;
  draw: number;
  reportedAt: number;
  category: Category;
  channel: string;
  description: string;
  priority: number;
  raisedBy: number[];
  place: Placed;
  lon: number;
  lat: number;
  reportedBy: string;
  extendedMin: number;
  mergedInto: number | null;
  events: Ev[];
  duplicate: boolean;
}

/** Reads geodata/reference/calendar-2026.csv into a working calendar. */
export function loadCalendar(file: string): WorkingCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [day, kind] = line.split(',');
    if (!day) continue;
    if (kind === 'holiday') holidays.add(day);
    else if (kind === 'workday') workdays.add(day);
  }
  return { holidays, workdays, periods: DEFAULT_PERIODS };
}

/** Working minutes of a category's deadline. */
export function deadlineMinutes(cal: WorkingCalendar, c: Category): number {
  const amount = c.deadlineAmount ?? 1;
  return c.deadlineUnit === 'working_hours' ? amount * 60 : amount * dayMinutes(cal);
}

/**
 * The clock span, in minutes, from a report at `startMinute` after local midnight to its
 * deadline of `workingMin` working minutes when every day is a working day: the earliest the
 * deadline can fall. Moving the history by whole days keeps the time of day and changes only
 * which days are worked, and days off only put the deadline later: work done within this
 * span is on time whatever day the history lands on.
 */
export function safeSpanMin(cal: WorkingCalendar, workingMin: number, startMinute: number): number {
  const periods = cal.periods;
  const perDay = periods.reduce((a, [s, e]) => a + (e - s), 0);
  // working minutes in [0, t) from a local midnight, every day working
  const cum = (t: number): number => {
    const days = Math.floor(t / 1440);
    const m = t - days * 1440;
    return days * perDay + periods.reduce((a, [s, e]) => a + Math.max(0, Math.min(e, m) - s), 0);
  };
  const s = Math.ceil(startMinute);
  let lo = 0;
  let hi = workingMin * 10 + 2880;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cum(s + mid) - cum(s) >= workingMin) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** Grid index of risk sources (cells of 0.02°, wider than any impact radius). */
class RiskIndex {
  private readonly cells = new Map<string, RiskRec[]>();
  constructor(risks: readonly RiskRec[]) {
    for (const r of risks) {
      if (r.level > 2) continue;
      const k = `${Math.floor(r.lon / 0.02)},${Math.floor(r.lat / 0.02)}`;
      const list = this.cells.get(k);
      if (list) list.push(r);
      else this.cells.set(k, [r]);
    }
  }
  /** Level-1/2 risk sources whose impact zone holds the point, by level then id. */
  hits(lon: number, lat: number): RiskRec[] {
    const cx = Math.floor(lon / 0.02);
    const cy = Math.floor(lat / 0.02);
    const out: RiskRec[] = [];
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const r of this.cells.get(`${cx + dx},${cy + dy}`) ?? [])
          if (metres(lon, lat, r.lon, r.lat) <= r.radiusM) out.push(r);
    return out.sort((a, b) => a.level - b.level || a.id - b.id);
  }
}

function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const k = Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  const dx = (lon2 - lon1) * 111_320 * k;
  const dy = (lat2 - lat1) * 110_574;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Who reports through each channel, as the timeline names them. */
const CHANNEL_ACTOR: Record<string, string> = {
  citizen: '市民',
  open311: 'open311',
  video: '视频监控',
  iot: '物联感知',
  hotline: '12345热线',
  venue_code: '场所码',
  desk: '指挥中心',
};
const DESK = '指挥中心';

export interface HistoryCounts {
  incidents: number;
  incident_events: number;
  dispatches: number;
  team_positions: number;
}

export interface HistoryInput {
  outDir: string;
  incidents: number;
  tracks: boolean;
  cats: readonly Category[];
  cal: WorkingCalendar;
  placer: Placer;
  teams: readonly TeamRec[];
  risks: readonly RiskRec[];
  roads: RoadNetwork;
  rng: Rng;
}

/** Team state at the horizon and its last position, for teams.csv. */
export interface TeamAtHorizon {
  status: 'available' | 'dispatched' | 'on_scene' | 'off_duty';
  lon: number;
  lat: number;
  positionAt: number;
}

/**
 * Generates and writes incidents.csv, incident_events.csv, dispatches.csv and (with
 * `tracks`) team_positions.csv; returns the row counts and each team's state at the horizon.
 */
export function writeHistory(inp: HistoryInput): {
  counts: HistoryCounts;
  teams: Map<number, TeamAtHorizon>;
} {
  const { cats, cal, placer, rng } = inp;
  const leaves = cats.filter((c) => c.kind === 'incident' && c.parentCode !== null);
  const byCode = new Map(leaves.map((c) => [c.code, c]));
  const risk = new RiskIndex(inp.risks);
  const hourTable = HOUR_WEIGHTS.map((w, h) => [h, w] as const);
  const start = HISTORY_REFERENCE_MS - HISTORY_DAYS * DAY_MS;

  // ---- the reports, in time order (ids follow it, so a cut at any time keeps ids 1..k)
  const drawn: Inc[] = [];
  for (let i = 0; i < inp.incidents; i++) {
    const day = rng.int(0, HISTORY_DAYS);
    const hour = rng.weighted(hourTable);
    const reportedAt = start + day * DAY_MS + hour * H + rng.int(0, 59) * MIN + rng.int(0, 59) * 1000;
    const category = byCode.get(pickCategory(rng.next()))!;
    const place = placer.place(rng);
    const channel = pickChannel(reportedAt, rng.next());
    const where = `${place.town.name}${villageShortName(place.village.name)}${rng.pick(STREETS)}${rng.int(1, 300)}号附近`;
    drawn.push({
      id: 0,
      draw: i,
      reportedAt,
      category,
      channel,
      description: describe(category.code, where, rng.next()),
      priority: category.defaultPriority ?? 3,
      raisedBy: [],
      place,
      lon: place.lon,
      lat: place.lat,
      reportedBy: '',
      extendedMin: 0,
      mergedInto: null,
      events: [],
      duplicate: rng.chance(0.03),
    });
  }
  drawn.sort((a, b) => a.reportedAt - b.reportedAt || a.draw - b.draw);
  drawn.forEach((inc, k) => (inc.id = k + 1));

  // ---- teams by capability and town, and when each is busy
  const byCap = new Map<string, TeamRec[]>();
  for (const t of inp.teams)
    for (const c of t.capabilities) (byCap.get(c) ?? byCap.set(c, []).get(c)!).push(t);
  const busy = new Map<number, Array<[number, number]>>();
  const isFree = (t: TeamRec, from: number, to: number) =>
    (busy.get(t.id) ?? []).every(([s, e]) => e <= from || s >= to) && onDutyAt(t.id, t.kind, from);
  const gridWorkerOf = new Map(inp.teams.filter((t) => t.kind === 'grid_worker').map((t) => [t.homeArea, t]));
  const dispatches: Disp[] = [];

  /** The team to send at `at` for `inc`, free until its job is done; null when none can go. */
  const pickTeam = (
    inc: Inc,
    at: number,
    work: number,
  ): { team: TeamRec; travelS: number; distanceM: number } | null => {
    const cap = inc.category.teamCapability ?? '';
    const teams = byCap.get(cap) ?? [];
    const timed = (t: TeamRec) => {
      const d = metres(t.home[0], t.home[1], inc.lon, inc.lat) * 1.35;
      return { team: t, distanceM: d, travelS: d / ms(MOVEMENT[t.kind].respondKmh) + 60 };
    };
    const own = cap === 'grid_patrol' ? gridWorkerOf.get(inc.place.grid.code) : undefined;
    const options = [
      ...(own ? [timed(own)] : []),
      ...teams
        .filter((t) => t.townCode === inc.place.town.code && t !== own)
        .map(timed)
        .sort((a, b) => a.distanceM - b.distanceM || a.team.id - b.team.id),
    ];
    const free = (o: ReturnType<typeof timed>) =>
      isFree(o.team, at, at + (o.travelS + work * 60) * 1000 + MIN);
    for (const o of options) if (free(o)) return o;
    // nobody in the town: the nearest free one in the city
    let best: ReturnType<typeof timed> | null = null;
    for (const t of teams) {
      const o = timed(t);
      if ((!best || o.distanceM < best.distanceM) && free(o)) best = o;
    }
    return best;
  };

  for (const inc of drawn) {
    const ev = (
      at: number,
      actor: string,
      action: string,
      from: string | null,
      to: string | null,
      note: string | null,
    ) =>
      inc.events.push({
        at: Math.round(at / 1000) * 1000,
        actor,
        action,
        from,
        to,
        note,
        seq: inc.events.length,
      });
    // a second report of a matter still open: same category and place, merged into the first
    if (inc.duplicate) {
      const master = masterFor(inc, drawn);
      if (master) {
        inc.category = master.category;
        inc.place = master.place;
        const [lon, lat] = nudge(master.lon, master.lat, rng);
        [inc.lon, inc.lat] = placer.inGrid(master.place.grid, lon, lat)
          ? [lon, lat]
          : [master.lon, master.lat];
        inc.description = `再次反映：${master.description}`;
      } else inc.duplicate = false;
      const hits = risk.hits(inc.lon, inc.lat);
      raise(inc, hits);
      inc.reportedBy = reporter(inc, gridWorkerOf);
      ev(inc.reportedAt, inc.reportedBy, 'report', null, 'reported', reportNote(inc.channel, hits));
      if (master) {
        let status = 'reported';
        let t = inc.reportedAt + rng.int(3, 20) * MIN;
        if (rng.chance(0.3)) {
          ev(t, DESK, 'accept', 'reported', 'accepted', null);
          status = 'accepted';
          t += rng.int(5, 40) * MIN;
        }
        ev(t, DESK, 'merge', status, 'merged', `duplicate of incident ${master.id}`);
        master.events.push({
          at: Math.round(t / 1000) * 1000,
          actor: DESK,
          action: 'merged_in',
          from: null,
          to: null,
          note: `incident ${inc.id} merged into this one`,
          seq: master.events.length,
        });
        inc.mergedInto = master.id;
        continue;
      }
    } else {
      const hits = risk.hits(inc.lon, inc.lat);
      raise(inc, hits);
      inc.reportedBy = reporter(inc, gridWorkerOf);
      ev(inc.reportedAt, inc.reportedBy, 'report', null, 'reported', reportNote(inc.channel, hits));
    }

    const r = inc.reportedAt;
    const urgent = inc.priority <= 1;
    // 不予受理: not a matter for the platform
    if (!urgent && rng.chance(0.04)) {
      ev(r + rng.int(3, 40) * MIN, DESK, 'reject', 'reported', 'rejected', '不属于受理范围');
      continue;
    }
    const D = deadlineMinutes(cal, inc.category);
    const days = inc.category.deadlineUnit === 'working_days';
    // the night desk takes emergencies at once and leaves the rest to the morning shift
    const night = localHour(r) >= 22 || localHour(r) < 7;
    const accepted = urgent
      ? r + rng.int(1, 5) * MIN + rng.int(0, 59) * 1000
      : night
        ? localDayStart(localDay(r) + (localHour(r) >= 22 ? 1 : 0), rng.int(480, 570)) + rng.int(0, 59) * 1000
        : r + (days && rng.chance(0.2) ? rng.int(30, 180) : rng.int(2, 25)) * MIN + rng.int(0, 59) * 1000;
    ev(accepted, DESK, 'accept', 'reported', 'accepted', null);

    const extension = days && rng.chance(0.06) ? (rng.chance(0.5) ? 7 : 14) : 0;
    const granted = extension > 0 && rng.chance(0.75);
    // an emergency is always seen to at once; other matters are late once in a while
    const onTime = urgent || rng.chance(0.87);
    let work = workMinutes(inc.category.teamCapability, rng.next());
    const safe = safeSpanMin(cal, D, localMinuteOfDay(r)) * MIN;
    let span: number;
    if (!onTime) {
      // late by hours rather than days: past the deadline as the calendar has it here (on
      // another weekday a few of these end up on time after all)
      const due = addWorkingMinutes(cal, new Date(r), D + (granted ? extension * 60 : 0)).getTime();
      span = Math.max(safe * 1.1, due - r + rng.range(0.5, 36) * H);
    } else if (granted)
      span = rng.range(safe, safeSpanMin(cal, D + extension * 60, localMinuteOfDay(r)) * MIN);
    else span = safe * Math.pow(rng.next(), 1.4);
    // sent so that, with about 15 min on the road, the work is done at r + span
    let sendAt = Math.max(
      accepted + rng.int(2, 10) * MIN,
      r + span - work * MIN - 15 * MIN - rng.int(0, 10) * MIN,
    );
    let choice = pickTeam(inc, sendAt, work);
    // at night the day shifts are off: the next morning's
    for (let k = 0; !choice && k < 72; k++) {
      sendAt += 20 * MIN;
      choice = pickTeam(inc, sendAt, work);
    }
    // a team farther than planned is sent earlier, so that work meant to be on time is
    const done = choice ? sendAt + choice.travelS * 1000 + work * MIN : 0;
    if (choice && onTime && done > r + span && sendAt > accepted + 2 * MIN) {
      const earlier = Math.max(accepted + 2 * MIN, sendAt - (done - (r + span)));
      const other = pickTeam(inc, earlier, work);
      if (other) [sendAt, choice] = [earlier, other];
    }
    if (choice && onTime) {
      // short work on a tight deadline (street order: two working hours)
      const limit = r + (granted ? safeSpanMin(cal, D + extension * 60, localMinuteOfDay(r)) * MIN : safe);
      const over = sendAt + choice.travelS * 1000 + work * MIN - limit;
      if (over > 0) work = Math.max(10, work - Math.ceil(over / MIN) - 1);
    }
    let status = 'accepted';
    if (extension > 0) {
      // asked while the work is under way, answered within a few hours
      const asked = accepted + (sendAt - accepted) * rng.range(0.3, 0.8);
      ev(
        asked,
        inc.category.teamCapability ?? DESK,
        'request_extension',
        status,
        status,
        `asks ${extension} working hours`,
      );
      const answer = Math.min(asked + rng.int(10, 180) * MIN, (asked + sendAt) / 2);
      if (granted) {
        ev(answer, DESK, 'grant_extension', status, status, null);
        inc.extendedMin = extension * 60;
      } else ev(answer, DESK, 'deny_extension', status, status, null);
    }
    if (!choice) continue; // nobody could go: it waits in the queue
    let last = send(inc, choice, sendAt, work, null, ev, dispatches, busy);
    status = 'resolved';
    // 返工: the check on site fails once in a while; the team that did it goes again
    if (rng.chance(0.05)) {
      const failAt = last + rng.int(20, 240) * MIN;
      const again = workMinutes(inc.category.teamCapability, rng.next());
      const team = choice.team;
      const travelS = choice.travelS;
      if (isFree(team, failAt, failAt + (travelS + again * 60) * 1000 + MIN)) {
        ev(
          failAt,
          DESK,
          'verify_fail',
          'resolved',
          'dispatched',
          `rework: team ${team.id} ${team.name} sent again`,
        );
        last = send(
          inc,
          { team, travelS, distanceM: choice.distanceM },
          failAt,
          again,
          'rework',
          ev,
          dispatches,
          busy,
          false,
        );
      } else {
        ev(
          failAt,
          DESK,
          'verify_fail',
          'resolved',
          'accepted',
          'rework: the team that resolved it cannot take it now; back to accepted for a new dispatch',
        );
        const resendAt = failAt + rng.int(10, 40) * MIN;
        const other = pickTeam(inc, resendAt, again);
        if (!other) continue;
        last = send(inc, other, resendAt, again, null, ev, dispatches, busy);
      }
    }
    const verified = last + rng.int(20, 360) * MIN;
    ev(verified, verifier(inc, gridWorkerOf), 'verify_pass', status, 'verified', null);
    ev(verified + rng.int(10, 720) * MIN, DESK, 'close', 'verified', 'closed', null);
  }

  // ---- write what is known at the horizon
  const counts: HistoryCounts = { incidents: 0, incident_events: 0, dispatches: 0, team_positions: 0 };
  const wi = new CsvWriter(join(inp.outDir, 'incidents.csv'), datasetColumns('incidents'));
  const we = new CsvWriter(join(inp.outDir, 'incident_events.csv'), datasetColumns('incident_events'));
  let eventId = 0;
  for (const inc of drawn) {
    const events = inc.events.filter((e) => e.at < HORIZON_MS).sort((a, b) => a.at - b.at || a.seq - b.seq);
    const s = foldTimeline(
      events.map((e) => ({ at: e.at, action: e.action, fromStatus: e.from, toStatus: e.to, note: e.note })),
    );
    const deadline = addWorkingMinutes(
      cal,
      new Date(inc.reportedAt),
      deadlineMinutes(cal, inc.category) + s.extendedMinutes,
    );
    wi.write([
      inc.id,
      `sample-${inc.id}`,
      inc.category.code,
      inc.channel,
      inc.description,
      s.status,
      inc.priority,
      isoUtc(inc.reportedAt),
      isoUtc(deadline.getTime()),
      s.closedAt === null ? null : isoUtc(s.closedAt),
      inc.place.town.code,
      inc.place.village.code,
      inc.place.grid.code,
      inc.category.teamCapability,
      pgTextArray(inc.raisedBy.map(String)),
      inc.reportedBy,
      s.extensionPendingMinutes,
      s.extendedMinutes,
      s.reworkCount,
      s.merged ? inc.mergedInto : null,
      isoUtc(s.updatedAt),
      true,
      geomPoint(inc.lon, inc.lat),
    ]);
    for (const e of events)
      we.write([++eventId, inc.id, isoUtc(e.at), e.actor, e.action, e.from, e.to, e.note]);
  }
  wi.close();
  we.close();
  counts.incidents = wi.rows;
  counts.incident_events = we.rows;

  const wd = new CsvWriter(join(inp.outDir, 'dispatches.csv'), datasetColumns('dispatches'));
  const open = new Map<number, Disp>();
  for (const d of dispatches.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)) {
    if (d.createdAt >= HORIZON_MS) continue;
    const arrived = d.arrivedAt < HORIZON_MS ? d.arrivedAt : null;
    const ended = d.endedAt < HORIZON_MS ? d.endedAt : null;
    const status = ended !== null ? 'completed' : arrived !== null ? 'on_scene' : 'active';
    if (ended === null) open.set(d.team.id, d);
    wd.write([
      d.id,
      d.incidentId,
      d.team.id,
      status,
      isoUtc(d.createdAt),
      DESK,
      arrived === null ? null : isoUtc(arrived),
      ended === null ? null : isoUtc(ended),
      Math.round(d.travelS),
      Math.round(d.distanceM),
      d.note,
    ]);
  }
  wd.close();
  counts.dispatches = wd.rows;

  const atHorizon = new Map<number, TeamAtHorizon>();
  for (const t of inp.teams) {
    const d = open.get(t.id);
    const status = d
      ? d.arrivedAt < HORIZON_MS
        ? 'on_scene'
        : 'dispatched'
      : onDutyAt(t.id, t.kind, HORIZON_MS)
        ? 'available'
        : 'off_duty';
    atHorizon.set(t.id, { status, lon: t.home[0], lat: t.home[1], positionAt: TRACK_FROM_MS });
  }
  if (inp.tracks) counts.team_positions = writeTracks(inp, dispatches, drawn, atHorizon);
  return { counts, teams: atHorizon };
}

const STREETS = [
  '人民路',
  '建设路',
  '兴业路',
  '振兴路',
  '环城路',
  '新城路',
  '工业大道',
  '富民路',
  '育才路',
  '文明路',
];

/** An earlier report of the same kind of matter that is still open at `inc`'s report, within 24 h. */
function masterFor(inc: Inc, all: readonly Inc[]): Inc | null {
  for (let k = inc.id - 2; k >= 0; k--) {
    const m = all[k]!;
    if (m.reportedAt < inc.reportedAt - 20 * H) break;
    if (m.duplicate || m.events.length === 0) continue;
    const at = inc.reportedAt;
    const done = m.events.some((e) => e.at <= at && ['reject', 'resolve', 'merge'].includes(e.action));
    if (!done) return m;
  }
  return null;
}

/** A point within about 20 m. */
function nudge(lon: number, lat: number, rng: Rng): [number, number] {
  const r = 20 * Math.sqrt(rng.next());
  const a = 2 * Math.PI * rng.next();
  return [
    Math.round((lon + (r * Math.cos(a)) / (111_320 * Math.cos((lat * Math.PI) / 180))) * 1e7) / 1e7,
    Math.round((lat + (r * Math.sin(a)) / 110_574) * 1e7) / 1e7,
  ];
}

/** The intake's priority: the category's, raised a level inside a level-1/2 risk source's zone. */
function raise(inc: Inc, hits: readonly RiskRec[]): void {
  inc.raisedBy = hits.map((h) => h.id);
  if (hits.length > 0) inc.priority = Math.max(1, (inc.category.defaultPriority ?? 3) - 1);
}

function reportNote(channel: string, hits: readonly RiskRec[]): string {
  return hits.length > 0
    ? `${channel}; inside the impact zone of risk source(s) ${hits.map((h) => h.id).join(', ')}`
    : channel;
}

function reporter(inc: Inc, gridWorkerOf: ReadonlyMap<string, TeamRec>): string {
  if (inc.channel === 'patrol') return gridWorkerOf.get(inc.place.grid.code)?.name ?? '网格员';
  return CHANNEL_ACTOR[inc.channel] ?? DESK;
}

function verifier(inc: Inc, gridWorkerOf: ReadonlyMap<string, TeamRec>): string {
  return gridWorkerOf.get(inc.place.grid.code)?.name ?? DESK;
}

/** Sends a team: dispatch (unless `redispatch`: verify_fail did), arrive, resolve; returns the resolve time. */
function send(
  inc: Inc,
  choice: { team: TeamRec; travelS: number; distanceM: number },
  at: number,
  workMin: number,
  note: string | null,
  ev: (
    at: number,
    actor: string,
    action: string,
    from: string | null,
    to: string | null,
    note: string | null,
  ) => void,
  dispatches: Disp[],
  busy: Map<number, Array<[number, number]>>,
  withEvent = true,
): number {
  const { team } = choice;
  const created = Math.round(at / 1000) * 1000;
  const arrived = Math.round((created + choice.travelS * 1000) / 1000) * 1000;
  const ended = arrived + Math.round(workMin) * MIN;
  if (withEvent) ev(created, DESK, 'dispatch', 'accepted', 'dispatched', `team ${team.id} ${team.name}`);
  ev(arrived, team.name, 'arrive', 'dispatched', 'on_scene', `team ${team.id}`);
  ev(ended, team.name, 'resolve', 'on_scene', 'resolved', `team ${team.id}`);
  dispatches.push({
    id: dispatches.length + 1,
    incidentId: inc.id,
    team,
    createdAt: created,
    arrivedAt: arrived,
    endedAt: ended,
    travelS: choice.travelS,
    distanceM: choice.distanceM,
    note,
  });
  (busy.get(team.id) ?? busy.set(team.id, []).get(team.id)!).push([created, ended + MIN]);
  return ended;
}

/**
 * team_positions.csv: where each team was over the two days before the horizon — patrol legs
 * along the roads and pauses while on duty, the drive to each incident it was sent to and
 * the time on scene — as fixes at the road nodes it passed (`road_node`) and at the points
 * off the network (`geom`: stops, scenes). Sets each team's position at the horizon.
 */
function writeTracks(
  inp: HistoryInput,
  dispatches: readonly Disp[],
  incidents: readonly Inc[],
  atHorizon: Map<number, TeamAtHorizon>,
): number {
  const net = inp.roads;
  const graph = new RoadGraph(
    net.nodes.map(([lon, lat], k) => ({ id: k + 1, lon, lat })),
    net.edges.map((e) => ({
      source: e.source + 1,
      target: e.target + 1,
      lengthM: 1,
      speedKmh: 30,
      oneway: e.oneway,
    })),
  );
  const nodeAt = new Map(net.nodes.map(([lon, lat], k) => [`${lon},${lat}`, k + 1]));
  const incidentAt = new Map(incidents.map((i) => [i.id, [i.lon, i.lat] as LonLat]));
  const jobs = new Map<number, Disp[]>();
  for (const d of dispatches) {
    if (d.endedAt <= TRACK_FROM_MS || d.createdAt >= HORIZON_MS) continue;
    (jobs.get(d.team.id) ?? jobs.set(d.team.id, []).get(d.team.id)!).push(d);
  }
  const rng = inp.rng.fork('tracks');
  const w = new CsvWriter(join(inp.outDir, 'team_positions.csv'), datasetColumns('team_positions'));
  for (const team of inp.teams) {
    const fixes: Array<[number, LonLat]> = [];
    // fixes to the second, one a second at most: a later one in the same second replaces it
    const fix = (t: number, p: LonLat) => {
      if (t < TRACK_FROM_MS || t >= HORIZON_MS) return;
      const at = Math.round(t / 1000) * 1000;
      const last = fixes[fixes.length - 1];
      if (last && last[0] > at) return;
      if (last && last[0] === at) last[1] = p;
      else fixes.push([at, p]);
    };
    const follow = (route: Route, from: number, speedMs: number, until: number): { t: number; p: LonLat } => {
      for (let k = 1; k < route.points.length; k++) {
        const t = from + (route.cum[k]! / speedMs) * 1000;
        if (t >= until) return { t: until, p: pointAt(route, ((until - from) / 1000) * speedMs) };
        fix(t, route.points[k]!);
      }
      return { t: from + (route.lengthM / speedMs) * 1000, p: route.points[route.points.length - 1]! };
    };
    const m = MOVEMENT[team.kind];
    const myJobs = (jobs.get(team.id) ?? []).sort((a, b) => a.createdAt - b.createdAt);
    const duty = dutyIntervals(team.id, team.kind, TRACK_FROM_MS, HORIZON_MS);
    let t = TRACK_FROM_MS;
    let p: LonLat = team.home;
    let j = 0;
    while (t < HORIZON_MS) {
      const job = myJobs[j];
      if (job && job.createdAt <= t) {
        // the drive, timed as the dispatch says, then the work on scene
        const scene = incidentAt.get(job.incidentId)!;
        const route = roadRoute(graph, p, scene);
        const drive = Math.max(1, job.arrivedAt - Math.max(t, job.createdAt));
        fix(Math.max(t, job.createdAt), p);
        follow(route, Math.max(t, job.createdAt), (route.lengthM / drive) * 1000 || 1, job.arrivedAt);
        fix(job.arrivedAt, scene);
        fix(job.endedAt, scene);
        t = Math.max(t, job.endedAt);
        p = scene;
        j++;
        continue;
      }
      const nextJob = job ? job.createdAt : Infinity;
      const span = duty.find(([s, e]) => e > t && s <= t);
      if (!span) {
        // off duty: stays where it is until the next shift or job
        const next = duty.find(([s]) => s > t);
        t = Math.min(next ? next[0] : HORIZON_MS, nextJob);
        continue;
      }
      fix(t, p);
      if (m.patrolKmh <= 0) {
        // a station crew waits where it is until it is sent or its shift ends
        t = Math.min(nextJob, span[1]);
        continue;
      }
      const leave = Math.min(t + rng.range(m.dwellMin[0], m.dwellMin[1]) * MIN, nextJob, span[1]);
      fix(leave, p);
      t = leave;
      if (t >= nextJob || t >= span[1]) continue;
      const leg = patrolLeg(graph, p, team.home, m.radiusM, () => rng.next());
      if (!leg) continue;
      const end = follow(leg, t, ms(m.patrolKmh), nextJob);
      t = end.t;
      p = end.p;
      fix(t, p);
    }
    for (const [at, pos] of fixes) {
      const node = nodeAt.get(`${pos[0]},${pos[1]}`);
      w.write([team.id, isoUtc(at), node ?? null, node === undefined ? geomPoint(pos[0], pos[1]) : null]);
    }
    const last = fixes[fixes.length - 1];
    const h = atHorizon.get(team.id)!;
    if (last) Object.assign(h, { lon: last[1][0], lat: last[1][1], positionAt: last[0] });
  }
  w.close();
  return w.rows;
}
