import { describe, expect, it } from 'vitest';
import { RoadGraph } from '../../api/lib/road-graph.ts';
import { DEFAULT_PERIODS } from '../../api/lib/working-time.ts';
import { safeSpanMin } from '../../geodata/generate/history.ts';
import { deskDecision, deskDue } from '../../api/lib/simulator/desk.ts';
import { CitySimulator, type OpenDispatch, type SimulatorPorts } from '../../api/lib/simulator/engine.ts';
import { FIX_WEIGHT, pickFixes } from '../../api/lib/simulator/fixes.ts';
import { foldTimeline, historyShift, type TimelineEvent } from '../../api/lib/simulator/history.ts';
import { MOVEMENT, ms, workMinutes } from '../../api/lib/simulator/movement.ts';
import { pickChannel } from '../../api/lib/simulator/reports.ts';
import { nextReportAt, ratePerHour } from '../../api/lib/simulator/rhythm.ts';
import { makeRoute, pointAt, roadRoute } from '../../api/lib/simulator/route.ts';
import { nextDutyChange, onDutyAt, TEAM_KINDS, type TeamKind } from '../../api/lib/simulator/schedule.ts';
import { randomStream } from '../../api/lib/simulator/time.ts';

const MIN = 60_000;
const H = 3_600_000;
const DAY = 86_400_000;

/** An instant given as China time (UTC+8), written out by hand: Date.UTC minus eight hours. */
function china(y: number, mo: number, d: number, h = 0, mi = 0): number {
  return Date.UTC(y, mo - 1, d, h - 8, mi);
}

/** 2026-11-30 was a Monday (a fixed calendar fact): a week Monday 00:00 → next Monday 00:00. */
const MONDAY = china(2026, 11, 30);

/** Minutes on duty in [from, to), sampled minute by minute. */
function minutesOnDuty(id: number, kind: TeamKind, from: number, to: number): number {
  let n = 0;
  for (let t = from; t < to; t += MIN) if (onDutyAt(id, kind, t + 30_000)) n++;
  return n;
}

describe('shifts (schedule)', () => {
  it('keeps fire and medical stations staffed around the clock', () => {
    for (const kind of ['fire', 'medical'] as const)
      for (const id of [1, 77, 3001]) {
        expect(minutesOnDuty(id, kind, MONDAY, MONDAY + DAY)).toBe(1440);
        expect(nextDutyChange(id, kind, MONDAY)).toBeNull();
      }
  });

  it('works each kind the hours of its pattern, week after week', () => {
    // [hours a week, hours a shift]: grid workers 6 days × 9 h, police 7 × 8 h, urban
    // management 6 × 12 h, volunteers 4 × 8 h, mediators 5 × 9 h
    const pattern: Record<string, [number, number]> = {
      grid_worker: [6 * 9, 9],
      police: [7 * 8, 8],
      urban_management: [6 * 12, 12],
      volunteer: [4 * 8, 8],
      mediator: [5 * 9, 9],
    };
    for (const [kind, [weekly, shift]] of Object.entries(pattern))
      for (const id of [3, 41, 2048]) {
        // four weeks: only a shift crossing either end of the span is cut
        const total = minutesOnDuty(id, kind as TeamKind, MONDAY, MONDAY + 28 * DAY);
        expect(Math.abs(total - 4 * weekly * 60)).toBeLessThanOrEqual(shift * 60);
      }
  });

  it('sends grid workers out by day only: never before 08:00 or after 18:30', () => {
    for (let id = 1; id <= 50; id++) {
      for (let day = 0; day < 7; day++) {
        const d = MONDAY + day * DAY;
        expect(onDutyAt(id, 'grid_worker', d + 7 * H + 59 * MIN)).toBe(false);
        expect(onDutyAt(id, 'grid_worker', d + 18 * H + 31 * MIN)).toBe(false);
      }
      // working days: on duty from 09:30 to 17:00; exactly one rest day a week
      let worked = 0;
      for (let day = 0; day < 7; day++) {
        const at10 = onDutyAt(id, 'grid_worker', MONDAY + day * DAY + 10 * H);
        expect(onDutyAt(id, 'grid_worker', MONDAY + day * DAY + 16 * H + 59 * MIN)).toBe(at10);
        if (at10) worked++;
      }
      expect(worked).toBe(6);
    }
  });

  it('names the next change of duty: the state flips there and nowhere before', () => {
    for (const kind of TEAM_KINDS.filter((k) => k !== 'fire' && k !== 'medical'))
      for (const id of [5, 600]) {
        const from = MONDAY + 13 * H + 7 * MIN;
        const next = nextDutyChange(id, kind, from)!;
        expect(next).toBeGreaterThan(from);
        expect(next - from).toBeLessThanOrEqual(4 * DAY);
        const before = onDutyAt(id, kind, from);
        for (let t = from; t < next; t += 5 * MIN) expect(onDutyAt(id, kind, t)).toBe(before);
        expect(onDutyAt(id, kind, next)).toBe(!before);
      }
  });
});

describe('movement', () => {
  it('has the team kinds move at plausible speeds, stations waiting where they are', () => {
    expect(MOVEMENT.fire.patrolKmh).toBe(0);
    expect(MOVEMENT.medical.patrolKmh).toBe(0);
    for (const kind of TEAM_KINDS) {
      const m = MOVEMENT[kind];
      expect(m.respondKmh).toBeGreaterThan(m.patrolKmh);
      // on foot 3–6 km/h, in town traffic at most 60 km/h
      if (!m.vehicle && m.patrolKmh > 0) expect(m.patrolKmh).toBeLessThanOrEqual(12);
      expect(m.respondKmh).toBeLessThanOrEqual(60);
    }
    // 36 km/h is 10 m/s
    expect(ms(36)).toBeCloseTo(10, 12);
  });

  it('takes the work time of the capability, and a default for an unknown one', () => {
    expect(workMinutes('medical', 0)).toBe(15);
    expect(workMinutes('medical', 0.999999)).toBe(40);
    expect(workMinutes('municipal_repair', 0.5)).toBe(150);
    expect(workMinutes(null, 0)).toBe(20);
    expect(workMinutes('something_else', 0.5)).toBe(40);
  });

  it('places a team along its route by distance run', () => {
    // due north along a meridian: 0.01° of latitude is 1,105.74 m (110,574 m per degree)
    const route = makeRoute([
      [113.7, 23.0],
      [113.7, 23.0],
      [113.7, 23.01],
      [113.7, 23.02],
    ]);
    expect(route.points).toHaveLength(3);
    expect(route.lengthM).toBeCloseTo(2211.48, 1);
    expect(pointAt(route, -5)).toEqual([113.7, 23.0]);
    const mid = pointAt(route, 1105.74 * 1.5);
    expect(mid[0]).toBeCloseTo(113.7, 9);
    expect(mid[1]).toBeCloseTo(23.015, 6);
    expect(pointAt(route, 1e9)).toEqual([113.7, 23.02]);
    // 45 km/h for 60 s is 750 m
    expect(pointAt(route, ms(45) * 60)[1]).toBeCloseTo(23.0 + 750 / 110_574, 7);
  });

  it('drives the fastest way on the road graph: around by the fast road, not through the slow one', () => {
    // 1 — 2 — 3 along the bottom at 10 km/h; 1 — 4 — 5 — 3 around the top at 60 km/h
    const nodes = [
      { id: 1, lon: 113.7, lat: 23.0 },
      { id: 2, lon: 113.71, lat: 23.0 },
      { id: 3, lon: 113.72, lat: 23.0 },
      { id: 4, lon: 113.7, lat: 23.01 },
      { id: 5, lon: 113.72, lat: 23.01 },
    ];
    const edge = (source: number, target: number, lengthM: number, speedKmh: number) => ({
      source,
      target,
      lengthM,
      speedKmh,
      oneway: false,
    });
    const graph = new RoadGraph(nodes, [
      edge(1, 2, 1024, 10),
      edge(2, 3, 1024, 10),
      edge(1, 4, 1106, 60),
      edge(4, 5, 2048, 60),
      edge(5, 3, 1106, 60),
    ]);
    const route = roadRoute(graph, [113.7, 23.0], [113.72, 23.0]);
    const lats = route.points.map((p) => p[1]);
    expect(lats).toContain(23.01);
    expect(route.points[0]).toEqual([113.7, 23.0]);
    expect(route.points[route.points.length - 1]).toEqual([113.72, 23.0]);
  });
});

describe('the daily rhythm of reports', () => {
  it('brings the asked number a day, most by day and few at night', () => {
    const random = randomStream(42);
    const perDay = 200;
    const days = 100;
    const byHour = new Array<number>(24).fill(0);
    let n = 0;
    for (
      let t = nextReportAt(MONDAY, perDay, random);
      t < MONDAY + days * DAY;
      t = nextReportAt(t, perDay, random)
    ) {
      byHour[new Date(t + 8 * H).getUTCHours()]!++;
      n++;
    }
    // a Poisson count of 20,000 has a standard deviation of about 141: within 3 %
    expect(n / days).toBeGreaterThan(perDay * 0.97);
    expect(n / days).toBeLessThan(perDay * 1.03);
    const day = byHour.slice(8, 18).reduce((a, b) => a + b, 0);
    const night = byHour.slice(0, 6).reduce((a, b) => a + b, 0);
    // 08:00–18:00 holds most of the day's reports; midnight to 06:00 a few per cent
    expect(day / n).toBeGreaterThan(0.6);
    expect(night / n).toBeLessThan(0.05);
    expect(byHour[10]!).toBeGreaterThan(byHour[3]! * 10);
  });

  it('has hourly rates that add up to the day’s reports', () => {
    let sum = 0;
    for (let h = 0; h < 24; h++) sum += ratePerHour(96, MONDAY + h * H + 30 * MIN);
    expect(sum).toBeCloseTo(96, 9);
  });

  it('has grid workers report on patrol by day only', () => {
    for (let k = 0; k < 200; k++) expect(pickChannel(MONDAY + 2 * H, k / 200)).not.toBe('patrol');
    const byDay = new Set(Array.from({ length: 200 }, (_, k) => pickChannel(MONDAY + 10 * H, k / 200)));
    expect(byDay.has('patrol')).toBe(true);
  });
});

describe('the history fold', () => {
  const ev = (
    min: number,
    action: string,
    from: string | null,
    to: string | null,
    note: string | null = null,
  ) => ({ at: MONDAY + min * MIN, action, fromStatus: from, toStatus: to, note }) satisfies TimelineEvent;

  it('follows a whole lifecycle to closed', () => {
    const s = foldTimeline([
      ev(0, 'report', null, 'reported'),
      ev(5, 'accept', 'reported', 'accepted'),
      ev(9, 'dispatch', 'accepted', 'dispatched'),
      ev(30, 'arrive', 'dispatched', 'on_scene'),
      ev(80, 'resolve', 'on_scene', 'resolved'),
      ev(200, 'verify_pass', 'resolved', 'verified'),
      ev(300, 'close', 'verified', 'closed'),
    ]);
    expect(s).toEqual({
      status: 'closed',
      closedAt: MONDAY + 300 * MIN,
      extensionPendingMinutes: null,
      extendedMinutes: 0,
      reworkCount: 0,
      merged: false,
      updatedAt: MONDAY + 300 * MIN,
    });
  });

  it('counts granted extensions, pending requests and rework', () => {
    const s = foldTimeline([
      ev(0, 'report', null, 'reported'),
      ev(5, 'accept', 'reported', 'accepted'),
      ev(10, 'request_extension', 'accepted', 'accepted', 'asks 7 working hours'),
      ev(20, 'grant_extension', 'accepted', 'accepted'),
      ev(30, 'dispatch', 'accepted', 'dispatched'),
      ev(40, 'resolve', 'dispatched', 'resolved'),
      ev(50, 'verify_fail', 'resolved', 'dispatched', 'rework'),
      ev(60, 'request_extension', 'dispatched', 'dispatched', 'asks 14 working hours'),
    ]);
    expect(s).toMatchObject({
      status: 'dispatched',
      extendedMinutes: 420,
      extensionPendingMinutes: 840,
      reworkCount: 1,
      closedAt: null,
    });
  });

  it('marks a merged duplicate and leaves the master as it is when one joins it', () => {
    expect(
      foldTimeline([ev(0, 'report', null, 'reported'), ev(7, 'merge', 'reported', 'merged')]),
    ).toMatchObject({ status: 'merged', merged: true });
    expect(
      foldTimeline([
        ev(0, 'report', null, 'reported'),
        ev(3, 'accept', 'reported', 'accepted'),
        ev(7, 'merged_in', null, null),
      ]),
    ).toMatchObject({ status: 'accepted', merged: false, updatedAt: MONDAY + 7 * MIN });
  });

  it('refuses a history the API could not have written', () => {
    expect(() => foldTimeline([ev(0, 'accept', 'reported', 'accepted')])).toThrow(/starts with its report/);
    expect(() =>
      foldTimeline([ev(0, 'report', null, 'reported'), ev(1, 'arrive', 'dispatched', 'on_scene')]),
    ).toThrow(/not allowed/);
    expect(() =>
      foldTimeline([
        ev(0, 'report', null, 'reported'),
        ev(1, 'accept', 'reported', 'accepted'),
        ev(2, 'grant_extension', 'accepted', 'accepted'),
      ]),
    ).toThrow(/without a request/);
  });

  it('moves the history by whole days so that the load falls on its last day, same time of day', () => {
    const reference = MONDAY;
    // loaded 3 days 10 h 15 min later: moved 3 days
    expect(historyShift(reference, reference + 3 * DAY + 10 * H + 15 * MIN)).toBe(3 * DAY);
    // at the reference exactly: not moved; just before it: a day back
    expect(historyShift(reference, reference)).toBe(0);
    expect(historyShift(reference, reference - 1)).toBe(-DAY);
  });
});

describe('the desk and the fix budget', () => {
  it('acts on an urgent report within minutes, on a routine one later, and waits on teams', () => {
    const urgent = deskDecision({ id: 9, status: 'reported', priority: 1, reworkCount: 0, sinceMs: 0 })!;
    expect(urgent.action).toBe('accept');
    expect(urgent.afterMin).toBeLessThanOrEqual(3);
    expect(deskDecision({ id: 9, status: 'dispatched', priority: 1, reworkCount: 0, sinceMs: 0 })).toBeNull();
    expect(
      deskDecision({ id: 9, status: 'reported', priority: 3, reworkCount: 0, sinceMs: 0 }, 4)?.action,
    ).toBe('merge');
    // due after that many simulated minutes: at speed 60 a simulated hour is a real minute
    const d = { action: 'close' as const, afterMin: 30 };
    const inc = { id: 1, status: 'verified', priority: 3, reworkCount: 0, sinceMs: 0 };
    expect(deskDue(inc, d, 29 * 1000, 60)).toBe(false);
    expect(deskDue(inc, d, 30 * 1000, 60)).toBe(true);
  });

  it('gives the budget to teams on the way to an incident first, then by time waited', () => {
    const now = 1_000_000;
    const claims = [
      { teamId: 1, weight: FIX_WEIGHT.onFoot, lastRealMs: now - 100_000, lastSimMs: now - 100_000 },
      { teamId: 2, weight: FIX_WEIGHT.vehicle, lastRealMs: now - 40_000, lastSimMs: now - 40_000 },
      { teamId: 3, weight: FIX_WEIGHT.responding, lastRealMs: now - 31_000, lastSimMs: now - 31_000 },
      // fixed 10 s ago: not due (every 30 s)
      { teamId: 4, weight: FIX_WEIGHT.responding, lastRealMs: now - 10_000, lastSimMs: now - 10_000 },
      { teamId: 5, weight: FIX_WEIGHT.onFoot, lastRealMs: -Infinity, lastSimMs: -Infinity },
    ];
    // 3 is on its way to an incident: first; then 5 has never sent one; then the claims
    // weight × waited: 2: 10 × 40,000 = 400,000 before 1: 1 × 100,000
    expect(pickFixes(claims, now, now, 30_000, 10)).toEqual([3, 5, 2, 1]);
    expect(pickFixes(claims, now, now, 30_000, 2)).toEqual([3, 5]);
    // a team on its way goes first even when thousands have never sent a fix
    const crowd = Array.from({ length: 3000 }, (_, k) => ({
      teamId: 100 + k,
      weight: FIX_WEIGHT.vehicle,
      lastRealMs: -Infinity,
      lastSimMs: -Infinity,
    }));
    const responding = {
      teamId: 7,
      weight: FIX_WEIGHT.responding,
      lastRealMs: now - 31_000,
      lastSimMs: now - 31_000,
    };
    expect(pickFixes([...crowd, responding], now, now, 30_000, 10)[0]).toBe(7);
    expect(pickFixes(claims, now, now, 30_000, 0)).toEqual([]);
  });
});

describe('the sample history generator', () => {
  const cal = { holidays: new Set<string>(), workdays: new Set<string>(), periods: DEFAULT_PERIODS };
  it('keeps work meant to be on time inside the earliest its deadline can fall', () => {
    // working hours 08:30–12:00 and 14:00–17:30; the span ends a minute before the deadline
    // reported 08:00, 2 working hours: due 10:30, 150 min later
    expect(safeSpanMin(cal, 120, 8 * 60)).toBe(149);
    // reported 11:00: an hour before lunch, an hour after, due 15:00
    expect(safeSpanMin(cal, 120, 11 * 60)).toBe(239);
    // reported 17:00: half an hour today, 90 min tomorrow from 08:30: due 10:00 next day
    expect(safeSpanMin(cal, 120, 17 * 60)).toBe(1019);
    // one working day (7 h) from 08:30: due 17:30 the same day
    expect(safeSpanMin(cal, 420, 8 * 60 + 30)).toBe(539);
  });
});

describe('the simulator engine, on a fake clock', () => {
  it('drives a dispatched team along the road at its speed, has it arrive, work and complete', async () => {
    // a road due east along 23.0°N: three nodes 0.01° apart (1,024.7 m each at this latitude:
    // 111,320 m × cos 23° per degree of longitude)
    const graph = new RoadGraph(
      [
        { id: 1, lon: 113.7, lat: 23.0 },
        { id: 2, lon: 113.71, lat: 23.0 },
        { id: 3, lon: 113.72, lat: 23.0 },
      ],
      [
        { source: 1, target: 2, lengthM: 1025, speedKmh: 40, oneway: false },
        { source: 2, target: 3, lengthM: 1025, speedKmh: 40, oneway: false },
      ],
    );
    const roadM = 2 * 0.01 * 111_320 * Math.cos((23 * Math.PI) / 180);
    let now = MONDAY + 10 * H;
    const fixes: Array<{ at: number; lon: number; lat: number }> = [];
    let dispatch: OpenDispatch | null = {
      id: 11,
      incidentId: 5,
      status: 'active',
      lon: 113.72,
      lat: 23.0,
      capability: 'public_security',
      arrivedAtMs: null,
    };
    const steps: Array<{ step: string; at: number }> = [];
    const ports: SimulatorPorts = {
      teams: async () => [{ id: 7, kind: 'police', onDuty: true, lon: 113.7, lat: 23.0, dispatch }],
      openDispatches: async () => new Map(dispatch ? [[7, { ...dispatch }]] : []),
      duty: async () => new Map([[7, true]]),
      sendFix: async (_id, lon, lat, at) => void fixes.push({ at: at.getTime(), lon, lat }),
      arrive: async () => {
        steps.push({ step: 'arrive', at: now });
        dispatch = { ...dispatch!, status: 'on_scene', arrivedAtMs: now };
        return true;
      },
      complete: async () => {
        steps.push({ step: 'complete', at: now });
        dispatch = null;
        return true;
      },
      setDuty: async () => true,
      places: async () => [],
      report: async () => null,
      deskQueue: async () => [],
      deskStep: async () => 'done',
      pruneFixes: async () => 0,
    };
    const sim = new CitySimulator(ports, {
      clock: { now: () => now },
      speed: 1,
      graph,
      reportsPerDay: 0,
      fixIntervalS: 30,
      fixBudget: 10,
      keepFixesH: 48,
      seed: 1,
      log: { info: () => undefined, warn: () => undefined },
    });
    await sim.start();
    const start = now;
    for (let k = 0; k < 400 && steps.length < 2; k++) {
      await sim.tick();
      now += 10_000;
    }
    const arrive = steps.find((s) => s.step === 'arrive')!;
    const complete = steps.find((s) => s.step === 'complete')!;
    // police drive at 40 km/h: the road takes roadM / (40 / 3.6) seconds; ticks every 10 s
    const driveMs = (roadM / (40 / 3.6)) * 1000;
    expect(arrive.at - start).toBeGreaterThanOrEqual(driveMs);
    expect(arrive.at - start).toBeLessThan(driveMs + 20_000);
    // on scene for a public-security matter: 15 to 60 minutes
    expect(complete.at - arrive.at).toBeGreaterThanOrEqual(15 * MIN);
    expect(complete.at - arrive.at).toBeLessThanOrEqual(60 * MIN + 10_000);
    // fixes on the way: along the road, eastward, every 30 s or so, then at the scene
    const drive = fixes.filter((f) => f.at < arrive.at);
    expect(drive.length).toBeGreaterThanOrEqual(Math.floor(driveMs / 30_000));
    for (let k = 1; k < drive.length; k++) {
      expect(drive[k]!.lat).toBeCloseTo(23.0, 9);
      expect(drive[k]!.lon).toBeGreaterThan(drive[k - 1]!.lon);
    }
    const atScene = fixes.find((f) => f.at >= arrive.at)!;
    expect(atScene).toMatchObject({ lon: 113.72, lat: 23.0 });
  });
});
