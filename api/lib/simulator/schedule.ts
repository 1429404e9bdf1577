/**
 * Who is on duty when (排班): a fixed weekly pattern per team, drawn from its id, so the
 * generator (the sample's history), the dataset loader (duty at load time) and the simulator
 * (shift changes) agree without storing anything. Times are China time.
 *
 * - grid workers (网格员): one day shift of 9 h starting 08:00–09:30, one rest day a week;
 * - police (派出所巡逻组): three crews around the clock (00:00, 08:00, 16:00, ± 20 min), 8 h each;
 * - urban management (城管): two thirds on a 12-h day shift from 08:00–09:00, one third on the
 *   night shift from 20:00, one rest day a week;
 * - fire and medical (消防, 120): stations staffed around the clock;
 * - volunteers (义警): 8 h from 09:00–11:00, four days a week;
 * - mediators (调解): 9 h from 08:30–09:00, five days a week.
 */
import { DAY_MS, MINUTE_MS, localDay, localDayStart, unitHash, weekdayOf } from './time.ts';

export const TEAM_KINDS = [
  'police',
  'urban_management',
  'grid_worker',
  'fire',
  'medical',
  'volunteer',
  'mediator',
] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];

export function isTeamKind(s: string): s is TeamKind {
  return (TEAM_KINDS as readonly string[]).includes(s);
}

/** A team's weekly pattern: always on, or a daily shift with rest weekdays (0 = Sunday). */
export type Shift =
  { always: true } | { always: false; startMin: number; lengthMin: number; restDays: ReadonlySet<number> };

/** `n` distinct weekdays drawn from the team id. */
function restDays(teamId: number, n: number): Set<number> {
  const days = [0, 1, 2, 3, 4, 5, 6].sort(
    (a, b) => unitHash(teamId, 71, a) - unitHash(teamId, 71, b) || a - b,
  );
  return new Set(days.slice(0, n));
}

/** 10-minute steps in [0, steps) drawn from the team id. */
function jitter(teamId: number, steps: number): number {
  return Math.floor(unitHash(teamId, 13) * steps) * 10;
}

/** The shift pattern of a team. */
export function shiftOf(teamId: number, kind: TeamKind): Shift {
  switch (kind) {
    case 'fire':
    case 'medical':
      return { always: true };
    case 'grid_worker':
      return {
        always: false,
        startMin: 8 * 60 + jitter(teamId, 10),
        lengthMin: 540,
        restDays: restDays(teamId, 1),
      };
    case 'police': {
      const crew = Math.floor(unitHash(teamId, 7) * 3);
      return {
        always: false,
        startMin: crew * 480 + jitter(teamId, 5) - 20 + (crew === 0 ? 24 * 60 : 0),
        lengthMin: 480,
        restDays: new Set(),
      };
    }
    case 'urban_management':
      return unitHash(teamId, 7) < 2 / 3
        ? {
            always: false,
            startMin: 8 * 60 + jitter(teamId, 7),
            lengthMin: 720,
            restDays: restDays(teamId, 1),
          }
        : { always: false, startMin: 20 * 60, lengthMin: 720, restDays: restDays(teamId, 1) };
    case 'volunteer':
      return {
        always: false,
        startMin: 9 * 60 + jitter(teamId, 13),
        lengthMin: 480,
        restDays: restDays(teamId, 3),
      };
    case 'mediator':
      return {
        always: false,
        startMin: 8 * 60 + 30 + jitter(teamId, 4),
        lengthMin: 540,
        restDays: restDays(teamId, 2),
      };
  }
}

/**
 * The on-duty spans of a team that overlap [fromMs, toMs), clipped to it, in order. A crew
 * starting at midnight (police crew 0, written as 24:00 − 20 min …) belongs to the day before.
 */
export function dutyIntervals(
  teamId: number,
  kind: TeamKind,
  fromMs: number,
  toMs: number,
): Array<[number, number]> {
  if (toMs <= fromMs) return [];
  const shift = shiftOf(teamId, kind);
  if (shift.always) return [[fromMs, toMs]];
  const out: Array<[number, number]> = [];
  for (let day = localDay(fromMs) - 2; day <= localDay(toMs); day++) {
    if (shift.restDays.has(weekdayOf(day))) continue;
    const s = localDayStart(day, shift.startMin);
    const e = s + shift.lengthMin * MINUTE_MS;
    if (e <= fromMs || s >= toMs) continue;
    const span: [number, number] = [Math.max(s, fromMs), Math.min(e, toMs)];
    const last = out[out.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else out.push(span);
  }
  return out;
}

/** True when the team's pattern has it on duty at `atMs`. */
export function onDutyAt(teamId: number, kind: TeamKind, atMs: number): boolean {
  return dutyIntervals(teamId, kind, atMs, atMs + 1).length > 0;
}

/** The next instant after `atMs` at which the team goes on or off duty; null for teams always on. */
export function nextDutyChange(teamId: number, kind: TeamKind, atMs: number): number | null {
  if (shiftOf(teamId, kind).always) return null;
  // spans are at most a day long and at least one day a week is worked
  for (const span of dutyIntervals(teamId, kind, atMs - DAY_MS, atMs + 9 * DAY_MS)) {
    for (const edge of span) if (edge > atMs) return edge;
  }
  return null;
}
