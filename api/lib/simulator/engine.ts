/**
 * The city simulator: keeps the sample city's synthetic teams and reports going. On-duty
 * teams patrol along the road graph at their kind's speed and send position fixes; a team
 * sent to an incident drives the fastest route, arrives, works a plausible time and
 * completes; shifts change on and off duty; new reports come in across the channels at the
 * daily rhythm; the desk handles the synthetic incidents. Everything it does goes through
 * `SimulatorPorts` — the same repository calls the API's routes make — so this module holds
 * only the decisions and can be run against a fake clock and fake ports.
 */
import type { RoadGraph } from '../road-graph.ts';
import type { Clock } from './clock.ts';
import { SimClock } from './clock.ts';
import { deskDecision, deskDue, type DeskAction, type DeskIncident } from './desk.ts';
import { FIX_WEIGHT, pickFixes, type FixClaim } from './fixes.ts';
import { MOVEMENT, ms, workMinutes } from './movement.ts';
import { describe, pickCategory, pickChannel } from './reports.ts';
import { nextReportAt } from './rhythm.ts';
import { patrolLeg, pointAt, roadRoute, type LonLat, type Route } from './route.ts';
import { nextDutyChange, onDutyAt, type TeamKind } from './schedule.ts';
import { between, randomStream, unitHash } from './time.ts';

/** A dispatch of a synthetic team that is still open, with where its incident is. */
export interface OpenDispatch {
  id: number;
  incidentId: number;
  status: 'active' | 'on_scene';
  /** The incident's position. */
  lon: number;
  lat: number;
  /** The capability the incident needs (how long the work takes). */
  capability: string | null;
  /** When the team arrived (real time), for a dispatch on scene. */
  arrivedAtMs: number | null;
}

/** A synthetic team as the database has it. */
export interface TeamRow {
  id: number;
  kind: TeamKind;
  onDuty: boolean;
  lon: number | null;
  lat: number | null;
  dispatch: OpenDispatch | null;
}

/** A place reports come from: a key site with its address. */
export interface ReportPlace {
  siteId: number;
  address: string;
  lon: number;
  lat: number;
}

export interface SyntheticReport {
  clientKey: string;
  category: string;
  channel: string;
  description: string;
  lon: number;
  lat: number;
  siteId?: number;
}

/** What the simulator may do, and read: the plugin binds these to the repositories. */
export interface SimulatorPorts {
  /** Every synthetic team, with its open dispatch. */
  teams(): Promise<TeamRow[]>;
  /** The open dispatches of synthetic teams, by team id. */
  openDispatches(): Promise<Map<number, OpenDispatch>>;
  /** On duty or not, by team id (people may change it). */
  duty(): Promise<Map<number, boolean>>;
  /** A position fix, through the trackers' path (taken at `at`, real time). */
  sendFix(teamId: number, lon: number, lat: number, at: Date): Promise<void>;
  /** The dispatch's arrive / complete step; false when it is no longer open. */
  arrive(dispatchId: number): Promise<boolean>;
  complete(dispatchId: number): Promise<boolean>;
  /** Puts a team on or off duty; false when refused (on a dispatch, gone). */
  setDuty(teamId: number, onDuty: boolean): Promise<boolean>;
  /** Key sites reports are placed at. */
  places(): Promise<ReportPlace[]>;
  /** Files a report through the intake and marks it synthetic; its id and possible duplicates. */
  report(r: SyntheticReport): Promise<{ id: number; duplicates: number[] } | null>;
  /** Synthetic incidents the desk may act on (reported, accepted, resolved, verified). */
  deskQueue(): Promise<DeskIncident[]>;
  /**
   * One desk step. `dispatch` sends the fastest eligible team; 'retry' when none can go now.
   * `into`: the master of a merge.
   */
  deskStep(incidentId: number, action: DeskAction, into?: number): Promise<'done' | 'retry'>;
  /** Deletes synthetic teams' fixes recorded before `beforeMs`; how many. */
  pruneFixes(beforeMs: number): Promise<number>;
}

export interface SimulatorOptions {
  clock: Clock;
  /** Simulated time runs this many times as fast as real time. */
  speed: number;
  graph: RoadGraph;
  /** Reports a simulated day. */
  reportsPerDay: number;
  /** A fix every this many simulated seconds per team, budget allowing. */
  fixIntervalS: number;
  /** Fixes per tick (one tick a second). */
  fixBudget: number;
  /** Synthetic fixes older than this many hours are deleted (hourly). */
  keepFixesH: number;
  seed: number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

type Activity =
  | { kind: 'stay'; at: LonLat; untilSim: number }
  | { kind: 'patrol'; route: Route; startSim: number; speedMs: number }
  | { kind: 'respond'; route: Route; startSim: number; speedMs: number; dispatchId: number }
  | { kind: 'work'; at: LonLat; untilSim: number; dispatchId: number };

interface SimTeam {
  id: number;
  kind: TeamKind;
  /** Where it patrols around: its position when the simulator first saw it. */
  base: LonLat;
  onDuty: boolean;
  dispatch: OpenDispatch | null;
  activity: Activity;
  /** The schedule's last verdict (undefined: not looked at yet). */
  scheduled: boolean | undefined;
  /** Next simulated instant the schedule changes (null: never). */
  nextChange: number | null;
  lastFixReal: number;
  lastFixSim: number;
  /** A step of its dispatch is being written. */
  busy: boolean;
}

export interface TickReport {
  fixes: number;
  arrived: number;
  completed: number;
  dutyChanges: number;
  reports: number;
  deskSteps: number;
}

const DUTY_CHANGES_PER_TICK = 5;
const DESK_STEPS_PER_ROUND = 5;
const REFRESH_EVERY_MS = 2000;
const DESK_EVERY_MS = 5000;
const PRUNE_EVERY_MS = 3_600_000;
const SECOND_REPORT_SHARE = 0.04;

export class CitySimulator {
  readonly sim: SimClock;
  private readonly random: () => number;
  private readonly teams = new Map<number, SimTeam>();
  private places: ReportPlace[] = [];
  private nextReportSim = Infinity;
  private lastRefresh = -Infinity;
  private lastDesk = -Infinity;
  private lastPrune: number;
  /** Simulator reports that repeat an open incident (merged by the desk). */
  private readonly duplicateOf = new Map<number, number>();
  /** Recent simulator reports, some of which get a second report. */
  private readonly recent: Array<{
    id: number;
    category: string;
    description: string;
    lon: number;
    lat: number;
  }> = [];
  /** Incidents the desk could not dispatch: retried after this simulated time. */
  private readonly retryAfter = new Map<number, number>();
  private reportSeq = 0;

  constructor(
    private readonly ports: SimulatorPorts,
    private readonly o: SimulatorOptions,
  ) {
    this.sim = new SimClock(o.clock, o.speed);
    this.random = randomStream(o.seed);
    this.lastPrune = o.clock.now() - PRUNE_EVERY_MS + 60_000;
  }

  /** Reads the teams and report places; the first tick starts from there. */
  async start(): Promise<void> {
    const now = this.sim.simAt();
    for (const row of await this.ports.teams()) {
      if (row.lon === null || row.lat === null) continue;
      const at: LonLat = [row.lon, row.lat];
      this.teams.set(row.id, {
        id: row.id,
        kind: row.kind,
        base: at,
        onDuty: row.onDuty,
        dispatch: row.dispatch,
        // stagger the first patrol legs over a few minutes
        activity: { kind: 'stay', at, untilSim: now + this.random() * 5 * 60_000 },
        scheduled: undefined,
        nextChange: null,
        // its position is as fresh as the start (the loader or the last process left it so): it
        // waits for its first fix from then, like any other, not ahead of everyone else
        lastFixReal: this.sim.startRealMs,
        lastFixSim: -Infinity,
        busy: false,
      });
    }
    this.places = await this.ports.places();
    this.nextReportSim = nextReportAt(now, this.o.reportsPerDay, this.random);
    this.o.log.info(
      { teams: this.teams.size, places: this.places.length, speed: this.o.speed },
      'simulator: started',
    );
  }

  /** Where a team is at simulated time `t`. */
  positionOf(team: SimTeam, t: number): LonLat {
    const a = team.activity;
    if (a.kind === 'stay' || a.kind === 'work') return a.at;
    return pointAt(a.route, ((t - a.startSim) / 1000) * a.speedMs);
  }

  /** One step: run every ~1 s of real time. */
  async tick(): Promise<TickReport> {
    const real = this.o.clock.now();
    const now = this.sim.simAt(real);
    const out: TickReport = { fixes: 0, arrived: 0, completed: 0, dutyChanges: 0, reports: 0, deskSteps: 0 };
    if (real - this.lastRefresh >= REFRESH_EVERY_MS) {
      this.lastRefresh = real;
      await this.refresh(now);
    }
    for (const team of this.teams.values()) await this.advance(team, now, out);
    await this.changeDuty(now, out);
    await this.sendFixes(real, now, out);
    await this.makeReports(now, out);
    if (real - this.lastDesk >= DESK_EVERY_MS) {
      this.lastDesk = real;
      await this.runDesk(real, now, out);
    }
    if (real - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = real;
      const n = await this.ports.pruneFixes(real - this.o.keepFixesH * 3_600_000);
      if (n > 0) this.o.log.info({ deleted: n }, 'simulator: old synthetic fixes deleted');
    }
    return out;
  }

  /** Takes in what people changed: dispatches made, cancelled or stepped, duty set. */
  private async refresh(now: number): Promise<void> {
    const [dispatches, duty] = await Promise.all([this.ports.openDispatches(), this.ports.duty()]);
    for (const team of this.teams.values()) {
      if (team.busy) continue;
      const d = dispatches.get(team.id) ?? null;
      const had = team.dispatch;
      team.dispatch = d;
      if (had && (!d || d.id !== had.id)) {
        // cancelled, reassigned or completed by someone: back on patrol from here
        const a = team.activity;
        if (a.kind === 'respond' || a.kind === 'work')
          team.activity = { kind: 'stay', at: this.positionOf(team, now), untilSim: now + 60_000 };
      }
      const on = duty.get(team.id);
      if (on !== undefined) team.onDuty = on;
    }
  }

  /** Moves a team along to `now` and takes its dispatch's steps when they are due. */
  private async advance(team: SimTeam, now: number, out: TickReport): Promise<void> {
    if (team.busy) return;
    const m = MOVEMENT[team.kind];
    const d = team.dispatch;
    const a = team.activity;
    if (d) {
      if (d.status === 'active') {
        if (a.kind !== 'respond' || a.dispatchId !== d.id) {
          const from = this.positionOf(team, now);
          team.activity = {
            kind: 'respond',
            route: roadRoute(this.o.graph, from, [d.lon, d.lat]),
            startSim: now,
            speedMs: ms(m.respondKmh),
            dispatchId: d.id,
          };
          return;
        }
        if (((now - a.startSim) / 1000) * a.speedMs < a.route.lengthM) return;
        team.busy = true;
        try {
          // the tracker's fix at the scene goes in before the arrival, as a real one would
          await this.fixAt(team, d.lon, d.lat, now, out);
          const ok = await this.ports.arrive(d.id);
          if (ok) {
            out.arrived++;
            d.status = 'on_scene';
            d.arrivedAtMs = this.o.clock.now();
            team.activity = {
              kind: 'work',
              at: [d.lon, d.lat],
              untilSim: now + this.workMs(d),
              dispatchId: d.id,
            };
          } else {
            team.dispatch = null;
            team.activity = { kind: 'stay', at: [d.lon, d.lat], untilSim: now + 60_000 };
          }
        } finally {
          team.busy = false;
        }
        return;
      }
      // on scene
      if (a.kind !== 'work' || a.dispatchId !== d.id) {
        // found on scene (after a start): the work left, counted from the arrival in real time
        const done = d.arrivedAtMs === null ? 0 : (this.o.clock.now() - d.arrivedAtMs) * this.o.speed;
        team.activity = {
          kind: 'work',
          at: [d.lon, d.lat],
          untilSim: now + Math.max(60_000, this.workMs(d) - done),
          dispatchId: d.id,
        };
        return;
      }
      if (now < a.untilSim) return;
      team.busy = true;
      try {
        if (await this.ports.complete(d.id)) out.completed++;
        team.dispatch = null;
        team.activity = { kind: 'stay', at: a.at, untilSim: now + between(this.random(), 2, 6) * 60_000 };
      } finally {
        team.busy = false;
      }
      return;
    }
    if (a.kind === 'respond' || a.kind === 'work') {
      team.activity = { kind: 'stay', at: this.positionOf(team, now), untilSim: now + 60_000 };
      return;
    }
    if (!team.onDuty) {
      if (a.kind === 'patrol')
        team.activity = { kind: 'stay', at: this.positionOf(team, now), untilSim: Infinity };
      return;
    }
    if (a.kind === 'patrol') {
      if (((now - a.startSim) / 1000) * a.speedMs < a.route.lengthM) return;
      const end = a.route.points[a.route.points.length - 1]!;
      team.activity = { kind: 'stay', at: end, untilSim: now + this.dwellMs(team) };
      return;
    }
    if (now < a.untilSim) return;
    const leg = m.patrolKmh > 0 ? patrolLeg(this.o.graph, a.at, team.base, m.radiusM, this.random) : null;
    team.activity = leg
      ? { kind: 'patrol', route: leg, startSim: now, speedMs: ms(m.patrolKmh) }
      : { kind: 'stay', at: a.at, untilSim: now + this.dwellMs(team) };
  }

  private workMs(d: OpenDispatch): number {
    return workMinutes(d.capability, unitHash(d.id, 5)) * 60_000;
  }

  private dwellMs(team: SimTeam): number {
    const [lo, hi] = MOVEMENT[team.kind].dwellMin;
    return between(this.random(), lo, hi) * 60_000;
  }

  /** Shift changes: a team goes on or off duty when its schedule turns, not on a dispatch. */
  private async changeDuty(now: number, out: TickReport): Promise<void> {
    for (const team of this.teams.values()) {
      if (out.dutyChanges >= DUTY_CHANGES_PER_TICK) return;
      if (team.busy || team.dispatch) continue;
      if (team.scheduled !== undefined && (team.nextChange === null || now < team.nextChange)) continue;
      const want = onDutyAt(team.id, team.kind, now);
      if (want !== team.onDuty) {
        team.busy = true;
        try {
          if (!(await this.ports.setDuty(team.id, want))) continue;
        } finally {
          team.busy = false;
        }
        out.dutyChanges++;
        team.onDuty = want;
        const at = this.positionOf(team, now);
        team.activity = { kind: 'stay', at, untilSim: want ? now + this.random() * 10 * 60_000 : Infinity };
      }
      team.scheduled = want;
      team.nextChange = nextDutyChange(team.id, team.kind, now);
    }
  }

  private async sendFixes(real: number, now: number, out: TickReport): Promise<void> {
    const claims: FixClaim[] = [];
    for (const team of this.teams.values()) {
      if (!team.onDuty && !team.dispatch) continue;
      const weight =
        team.activity.kind === 'respond'
          ? FIX_WEIGHT.responding
          : MOVEMENT[team.kind].vehicle
            ? FIX_WEIGHT.vehicle
            : FIX_WEIGHT.onFoot;
      claims.push({ teamId: team.id, weight, lastRealMs: team.lastFixReal, lastSimMs: team.lastFixSim });
    }
    const picked = pickFixes(claims, real, now, this.o.fixIntervalS * 1000, this.o.fixBudget);
    for (const id of picked) {
      const team = this.teams.get(id)!;
      const [lon, lat] = this.positionOf(team, now);
      await this.fixAt(team, lon, lat, now, out);
    }
  }

  /** Sends one fix of a team (a refusal is logged, not thrown: the next fix will do). */
  private async fixAt(team: SimTeam, lon: number, lat: number, now: number, out: TickReport): Promise<void> {
    const real = this.o.clock.now();
    try {
      await this.ports.sendFix(team.id, lon, lat, new Date(real));
    } catch (err) {
      this.o.log.warn({ err, teamId: team.id }, 'simulator: a fix was refused');
    }
    team.lastFixReal = real;
    team.lastFixSim = now;
    out.fixes++;
  }

  private async makeReports(now: number, out: TickReport): Promise<void> {
    // at most a few per tick: after a long pause the rhythm resumes rather than bursts
    for (let k = 0; k < 3 && this.nextReportSim <= now; k++) {
      const at = this.nextReportSim;
      this.nextReportSim = nextReportAt(at, this.o.reportsPerDay, this.random);
      const r = this.newReport(at);
      if (!r) continue;
      try {
        const made = await this.ports.report(r);
        if (!made) continue;
        out.reports++;
        const master = made.duplicates.find((id) => id !== made.id);
        if (master !== undefined) this.duplicateOf.set(made.id, master);
        else {
          this.recent.push({
            id: made.id,
            category: r.category,
            description: r.description,
            lon: r.lon,
            lat: r.lat,
          });
          if (this.recent.length > 20) this.recent.shift();
        }
      } catch (err) {
        this.o.log.warn({ err }, 'simulator: a report was refused');
      }
    }
  }

  /** A new synthetic report at simulated time `at`: at a key site, or again about a recent one. */
  private newReport(at: number): SyntheticReport | null {
    const key = `sim-${this.sim.startRealMs.toString(36)}-${(++this.reportSeq).toString(36)}`;
    const again = this.recent.length > 0 && this.random() < SECOND_REPORT_SHARE;
    if (again) {
      const prev = this.recent[Math.floor(this.random() * this.recent.length)]!;
      const [lon, lat] = jitter(prev.lon, prev.lat, 30, this.random);
      return {
        clientKey: key,
        category: prev.category,
        channel: pickChannel(at, this.random()),
        description: `再次反映：${prev.description}`,
        lon,
        lat,
      };
    }
    if (this.places.length === 0) return null;
    const place = this.places[Math.floor(this.random() * this.places.length)]!;
    const category = pickCategory(this.random());
    const channel = pickChannel(at, this.random());
    const [lon, lat] =
      channel === 'venue_code' ? [place.lon, place.lat] : jitter(place.lon, place.lat, 150, this.random);
    return {
      clientKey: key,
      category,
      channel,
      description: describe(category, `${place.address}附近`, this.random()),
      lon,
      lat,
      ...(channel === 'venue_code' ? { siteId: place.siteId } : {}),
    };
  }

  private async runDesk(real: number, now: number, out: TickReport): Promise<void> {
    const queue = await this.ports.deskQueue();
    for (const inc of queue) {
      if (out.deskSteps >= DESK_STEPS_PER_ROUND) return;
      const master = this.duplicateOf.get(inc.id) ?? null;
      const d = deskDecision(inc, inc.status === 'reported' ? master : null);
      if (!d || !deskDue(inc, d, real, this.o.speed)) continue;
      if (d.action === 'dispatch' && now < (this.retryAfter.get(inc.id) ?? -Infinity)) continue;
      try {
        const r = await this.ports.deskStep(inc.id, d.action, master ?? undefined);
        if (r === 'retry') this.retryAfter.set(inc.id, now + 5 * 60_000);
        else {
          out.deskSteps++;
          this.retryAfter.delete(inc.id);
          if (d.action === 'merge') this.duplicateOf.delete(inc.id);
        }
      } catch (err) {
        // someone else moved it first: the next round sees its new state
        this.o.log.warn({ err, incidentId: inc.id, action: d.action }, 'simulator: a desk step failed');
        this.retryAfter.set(inc.id, now + 5 * 60_000);
        if (d.action === 'merge') this.duplicateOf.delete(inc.id);
      }
    }
  }
}

/** A point within `radiusM` of another (uniform in the disc). */
function jitter(lon: number, lat: number, radiusM: number, random: () => number): [number, number] {
  const r = radiusM * Math.sqrt(random());
  const a = 2 * Math.PI * random();
  const k = Math.cos((lat * Math.PI) / 180);
  return [
    Math.round((lon + (r * Math.cos(a)) / (111_320 * k)) * 1e7) / 1e7,
    Math.round((lat + (r * Math.sin(a)) / 110_574) * 1e7) / 1e7,
  ];
}
