import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessmentRow } from '../../api/lib/assessment.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

/**
 * Assessment (考核) against a hand-counted fixture: seven incidents in one week nobody else
 * reports in, with their timelines, dispatches and ratings written directly, and every figure
 * below counted by hand from the list (working day 08:30–12:00 and 14:00–17:30, China time).
 */
const CHANGPING = '441900110';
const HUMEN = '441900121';

/** A row as the API sends it (the figures' names; the values below are counted by hand). */
type Row = AssessmentRow & { name: string };

describe('assessment (考核): figures read from the timelines, ranked', () => {
  let t: TestApp;
  let commander: Client;
  let changping: Client;
  /** Monday of the fixture's week, 00:00 China time, as YYYY-MM-DD. */
  let monday: string;
  const at = (day: number, hhmm: string) => {
    const d = new Date(`${monday}T${hhmm}:00+08:00`);
    return new Date(d.getTime() + day * 86_400_000).toISOString();
  };
  let window: string;
  let v1: string;
  let v2: string;
  let humenVillage: string;
  let urban: number;
  let police: number;
  let team1: number;
  let team2: number;

  beforeAll(async () => {
    t = await openTestApp();
    commander = await t.as('commander');
    changping = await t.as('changping');
    // a week of the 2000s with no holiday or swapped working day in the calendar, picked at random
    // so that runs against one PostGIS database do not count each other's fixtures
    for (;;) {
      const k = Math.floor(Math.random() * 600);
      const d = new Date(Date.UTC(2001, 0, 1) + k * 7 * 86_400_000); // 2001-01-01 was a Monday
      monday = d.toISOString().slice(0, 10);
      const busy = await t.db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM calendar_days WHERE day BETWEEN $1::date AND $1::date + 6)
              + (SELECT count(*) FROM incidents WHERE reported_at >= $1::date - 1 AND reported_at < $1::date + 8) AS n`,
        [monday],
      );
      if (Number(busy.rows[0]!.n) === 0) break;
    }
    window = `from=${encodeURIComponent(at(0, '00:00'))}&to=${encodeURIComponent(at(7, '00:00'))}`;
    const villages = await t.db.query<{ code: string }>(
      `SELECT code FROM areas WHERE level = 'village' AND valid_to IS NULL AND parent_code = $1 ORDER BY code LIMIT 2`,
      [CHANGPING],
    );
    [v1, v2] = villages.rows.map((r) => r.code) as [string, string];
    humenVillage = (
      await t.db.query<{ code: string }>(
        `SELECT code FROM areas WHERE level = 'village' AND valid_to IS NULL AND parent_code = $1 ORDER BY code LIMIT 1`,
        [HUMEN],
      )
    ).rows[0]!.code;
    const unit = async (dept: string) =>
      (
        await t.db.query<{ id: number }>(
          `SELECT id FROM units WHERE department_code = $1 AND area_code = $2`,
          [dept, CHANGPING],
        )
      ).rows[0]!.id;
    urban = await unit('urban');
    police = await unit('police');
    const teams = await t.db.query<{ id: number }>(
      `SELECT id FROM teams WHERE home_area_code LIKE $1 || '%' ORDER BY id LIMIT 2`,
      [CHANGPING],
    );
    [team1, team2] = teams.rows.map((r) => Number(r.id)) as [number, number];

    const incident = async (o: {
      village: string;
      status: string;
      reported: string;
      deadline: string;
      unit: number | null;
      events?: Array<[string, string | null, string]>; // action, to_status, at
      team?: number;
      rating?: string;
    }): Promise<number> => {
      const town = o.village.slice(0, 9);
      const r = await t.db.query<{ id: string }>(
        `INSERT INTO incidents (category, channel, description, status, priority, reported_at, deadline_at,
                                town_code, village_code, lead_unit_id, geom)
         SELECT '0504', 'desk', '考核测试', $1, 3, $2, $3, $4, $5, $6, a.label_point
         FROM areas a WHERE a.code = $5 AND a.valid_to IS NULL
         RETURNING id`,
        [o.status, o.reported, o.deadline, town, o.village, o.unit],
      );
      const id = Number(r.rows[0]!.id);
      for (const [action, to, when] of o.events ?? [])
        await t.db.query(
          `INSERT INTO incident_events (incident_id, at, actor, action, to_status) VALUES ($1, $2, 'fixture', $3, $4)`,
          [id, when, action, to],
        );
      if (o.team)
        await t.db.query(
          `INSERT INTO dispatches (incident_id, team_id, status, created_at, created_by, ended_at)
           VALUES ($1, $2, 'completed', $3, 'fixture', $3)`,
          [id, o.team, o.reported],
        );
      if (o.rating)
        await t.db.query(`INSERT INTO incident_ratings (incident_id, rating) VALUES ($1, $2)`, [
          id,
          o.rating,
        ]);
      return id;
    };

    // A: resolved in 2 working hours, before its deadline; 满意
    await incident({
      village: v1,
      status: 'closed',
      reported: at(0, '09:00'),
      deadline: at(0, '17:00'),
      unit: urban,
      team: team1,
      rating: 'satisfied',
      events: [
        ['accept', 'accepted', at(0, '09:10')],
        ['resolve', 'resolved', at(0, '11:00')],
        ['verify_pass', 'verified', at(0, '11:30')],
        ['close', 'closed', at(0, '11:40')],
      ],
    });
    // B: first resolved the next morning, past its deadline (7.5 working hours); failed its
    // verification once; transferred and sent back; 不满意
    await incident({
      village: v1,
      status: 'resolved',
      reported: at(0, '09:00'),
      deadline: at(0, '12:00'),
      unit: urban,
      team: team1,
      rating: 'unsatisfied',
      events: [
        ['transfer', null, at(0, '09:20')],
        ['send_back', null, at(0, '09:40')],
        ['resolve', 'resolved', at(1, '09:30')],
        ['verify_fail', 'dispatched', at(1, '10:00')],
        ['resolve', 'resolved', at(1, '11:00')],
      ],
    });
    // C: never resolved, past its deadline; one 督办 order
    await incident({
      village: v2,
      status: 'accepted',
      reported: at(0, '10:00'),
      deadline: at(0, '12:00'),
      unit: police,
      events: [
        ['accept', 'accepted', at(0, '10:05')],
        ['supervise', null, at(0, '15:00')],
      ],
    });
    // D: rejected: received, never due
    await incident({
      village: v2,
      status: 'rejected',
      reported: at(0, '10:00'),
      deadline: at(0, '12:00'),
      unit: police,
      events: [['reject', 'rejected', at(0, '10:30')]],
    });
    // E: a merged duplicate: not counted at all
    await incident({
      village: v2,
      status: 'merged',
      reported: at(0, '10:00'),
      deadline: at(0, '12:00'),
      unit: police,
      events: [['merge', 'merged', at(0, '10:30')]],
    });
    // F: dispatched, its deadline still ahead (a year after now)
    await incident({
      village: v2,
      status: 'dispatched',
      reported: at(0, '14:00'),
      deadline: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      unit: urban,
      team: team2,
      events: [['accept', 'accepted', at(0, '14:05')]],
    });
    // G (虎门镇): resolved in half an hour; 基本满意
    await incident({
      village: humenVillage,
      status: 'closed',
      reported: at(0, '09:00'),
      deadline: at(0, '17:00'),
      unit: null,
      rating: 'basic',
      events: [['resolve', 'resolved', at(0, '09:30')]],
    });
  });
  afterAll(() => t.close());

  const get = async (who: Client, level: string) => {
    const res = await who.inject(`/api/assessment?level=${level}&${window}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ rows: Row[] }>().rows;
  };

  it('counts a town from its incidents as counted by hand, and ranks the towns', async () => {
    const rows = await get(commander, 'town');
    expect(rows.map((r) => [r.rank, r.code])).toEqual([
      [1, HUMEN],
      [2, CHANGPING],
    ]);
    const cp = rows[1]!;
    expect(cp.name).toBe('常平镇');
    expect(cp).toMatchObject({
      received: 5, // A B C D F (E merged)
      resolved: 2, // A B
      onTime: 1, // A
      overdue: 2, // B late, C unresolved past its deadline; D rejected is not due, F not yet due
      reworked: 1, // B
      transfers: 2, // B: 转办 + 退回
      supervisions: 1, // C
      rated: 2,
      satisfied: 1,
      basic: 0,
      unsatisfied: 1,
    });
    expect(cp.onTimeRate).toBeCloseTo(1 / 3, 9);
    expect(cp.avgHandlingHours).toBeCloseTo((2 + 7.5) / 2, 9); // A 09:00→11:00; B Mon 09:00→Tue 09:30
    expect(cp.reworkRate).toBeCloseTo(0.5, 9);
    expect(cp.satisfactionRate).toBeCloseTo(0.5, 9);
    expect(rows[0]).toMatchObject({ received: 1, resolved: 1, onTime: 1, overdue: 0, onTimeRate: 1 });
    expect(rows[0]!.avgHandlingHours).toBeCloseTo(0.5, 9);
    expect(rows[0]!.satisfactionRate).toBe(1);
  });

  it('sees only the caller’s area, and groups by village, unit and last dispatched team', async () => {
    expect((await get(changping, 'town')).map((r) => r.code)).toEqual([CHANGPING]);

    const villages = await get(changping, 'village');
    expect(villages.map((r) => [r.rank, r.code, r.received, r.onTime, r.overdue])).toEqual([
      [1, v1, 2, 1, 1],
      [2, v2, 3, 0, 1],
    ]);

    const units = await get(changping, 'unit');
    expect(units.map((r) => [r.code, r.received, r.resolved, r.overdue, r.supervisions])).toEqual([
      [String(urban), 3, 2, 1, 0], // A B F
      [String(police), 2, 0, 1, 1], // C D
    ]);
    expect(units[0]!.name).toMatch(/^常平城管执法分局$/);

    const teams = await get(changping, 'team');
    // C and D had no team; F's team has nothing to rate yet and ranks after A and B's team
    expect(teams.map((r) => [r.rank, r.code, r.received, r.onTimeRate === null])).toEqual([
      [1, String(team1), 2, false],
      [2, String(team2), 1, true],
    ]);
  });

  it('puts the same figures in the incident report workbook, one sheet per level, as GDAL reads it', async () => {
    const res = await changping.inject(`/api/export/incident-report?${window}`);
    expect(res.statusCode, res.body).toBe(200);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'assessment-'));
    try {
      const file = path.join(dir, 'report.xlsx');
      await writeFile(file, res.rawPayload);
      const sheet = (name: string) => {
        const out = spawnSync('ogr2ogr', ['-f', 'CSV', '/vsistdout/', file, name], { encoding: 'utf8' });
        expect(out.status, out.stderr).toBe(0);
        // GDAL's CSV quotes the values of text columns; the values hold no commas
        return out.stdout
          .trim()
          .split(/\r?\n/)
          .map((l) => l.replaceAll('"', ''));
      };
      const towns = sheet('考核-镇街');
      expect(towns).toHaveLength(2); // the header and 常平镇: the coordinator's own town only
      // rank, code, name, received, resolved, on time, overdue, on-time %, hours, rework %, transfers, supervision, rated, satisfaction %
      expect(towns[1]!.split(',')).toEqual([
        '1',
        CHANGPING,
        '常平镇',
        '5',
        '2',
        '1',
        '2',
        '33.3',
        '4.8',
        '50',
        '2',
        '1',
        '2',
        '50',
      ]);
      expect(
        sheet('考核-村社区')
          .slice(1)
          .map((l) => l.split(',')[1]),
      ).toEqual([v1, v2]);
      expect(
        sheet('考核-单位')
          .slice(1)
          .map((l) => l.split(',')[1]),
      ).toEqual([String(urban), String(police)]);
      expect(
        sheet('考核-队伍')
          .slice(1)
          .map((l) => l.split(',')[1]),
      ).toEqual([String(team1), String(team2)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is for commanders and coordinators, and refuses a reversed or over-long window', async () => {
    const dispatcher = await t.as('dispatcher-cp');
    const denied = await dispatcher.inject('/api/assessment');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('permission_denied');
    const reversed = await commander.inject(
      `/api/assessment?from=${encodeURIComponent(at(1, '00:00'))}&to=${encodeURIComponent(at(0, '00:00'))}`,
    );
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().code).toBe('time_range_reversed');
    const long = await commander.inject(`/api/assessment?from=2020-01-01T00:00:00Z&to=2022-01-01T00:00:00Z`);
    expect(long.statusCode).toBe(400);
    expect(long.json().code).toBe('time_range_too_long');
    const level = await commander.inject('/api/assessment?level=province');
    expect(level.statusCode).toBe(400);
    // the default: towns over the last 30 days
    const dflt = await commander.inject('/api/assessment');
    expect(dflt.statusCode, dflt.body).toBe(200);
    const body = dflt.json<{ level: string; from: string; to: string }>();
    expect(body.level).toBe('town');
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * 86_400_000);
  });
});
