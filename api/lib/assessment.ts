import { DomainError } from './errors.ts';
import { workingMinutesBetween, type WorkingCalendar } from './working-time.ts';

const DAY_MS = 86_400_000;
/** The default window: the last 30 days. */
export const ASSESSMENT_DEFAULT_DAYS = 30;
/** The longest window: a year and a day (a leap year's assessment). */
export const ASSESSMENT_MAX_DAYS = 367;

/**
 * The window of an assessment from its optional ends (ISO instants): up to now, over the last
 * 30 days by default; refused when reversed or longer than ASSESSMENT_MAX_DAYS.
 */
export function assessmentWindow(
  fromText: string | undefined,
  toText: string | undefined,
  now: Date,
): { from: Date; to: Date } {
  const to = toText ? new Date(toText) : now;
  const from = fromText ? new Date(fromText) : new Date(to.getTime() - ASSESSMENT_DEFAULT_DAYS * DAY_MS);
  if (from >= to)
    throw new DomainError(400, 'time_range_reversed', 'from must be before to', {
      from: from.toISOString(),
      to: to.toISOString(),
    });
  if (to.getTime() - from.getTime() > ASSESSMENT_MAX_DAYS * DAY_MS)
    throw new DomainError(
      400,
      'time_range_too_long',
      `the window may be at most ${ASSESSMENT_MAX_DAYS} days`,
      {
        maxDays: ASSESSMENT_MAX_DAYS,
      },
    );
  return { from, to };
}

/** The levels an assessment ranks (考核对象): towns, villages, units (归口), teams. */
export const ASSESSMENT_LEVELS = ['town', 'village', 'unit', 'team'] as const;
export type AssessmentLevel = (typeof ASSESSMENT_LEVELS)[number];

/** One incident as the assessment reads it: its times, its timeline counts and its rating. */
export interface AssessedIncident {
  /** The group it counts for at the level (town, village, lead unit, last dispatched team); null: none. */
  group: string | null;
  status: string;
  reportedAt: Date;
  deadlineAt: Date | null;
  /** The first time it reached 处置完成 (resolved); null when it never did. */
  resolvedAt: Date | null;
  /** Failed verifications (返工). */
  reworks: number;
  /** Moves to another unit (转办) and back to the coordination centre (退回). */
  transfers: number;
  /** Supervision orders (督办) issued on it. */
  supervisions: number;
  rating: 'satisfied' | 'basic' | 'unsatisfied' | null;
}

/** The figures of one group. Rates are fractions (0–1), null when there is nothing to divide by. */
export interface AssessmentFigures {
  received: number;
  resolved: number;
  onTime: number;
  overdue: number;
  onTimeRate: number | null;
  avgHandlingHours: number | null;
  reworked: number;
  reworkRate: number | null;
  transfers: number;
  supervisions: number;
  rated: number;
  satisfied: number;
  basic: number;
  unsatisfied: number;
  satisfactionRate: number | null;
}

export interface AssessmentRow extends AssessmentFigures {
  code: string;
  rank: number;
}

const NOT_DUE = new Set(['rejected', 'merged']);

function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

/**
 * The figures of a set of incidents, by the definitions the page and the README state:
 * - received: reported in the window (merged duplicates are not counted);
 * - resolved: reached 处置完成 at least once; on time: the first resolution no later than the deadline
 *   (no deadline: on time);
 * - overdue: resolved after the deadline, or still unresolved and past the deadline `now`
 *   (rejected reports are not due);
 * - on-time rate: on time ÷ (on time + overdue), the incidents whose outcome against the clock is known;
 * - average handling time: working hours from the report to the first resolution, over the resolved;
 * - rework rate: resolved incidents that failed a verification at least once ÷ resolved;
 * - transfers: 转办 and 退回 steps; supervisions: 督办 orders;
 * - satisfaction: (满意 + 基本满意) ÷ rated.
 */
export function assessmentFigures(
  incidents: readonly AssessedIncident[],
  calendar: WorkingCalendar,
  now: Date,
): AssessmentFigures {
  let received = 0;
  let resolved = 0;
  let onTime = 0;
  let overdue = 0;
  let handlingMinutes = 0;
  let reworked = 0;
  let transfers = 0;
  let supervisions = 0;
  const ratings = { satisfied: 0, basic: 0, unsatisfied: 0 };
  for (const i of incidents) {
    if (i.status === 'merged') continue;
    received++;
    transfers += i.transfers;
    supervisions += i.supervisions;
    if (i.rating) ratings[i.rating]++;
    if (i.resolvedAt) {
      resolved++;
      handlingMinutes += workingMinutesBetween(calendar, i.reportedAt, i.resolvedAt);
      if (i.reworks > 0) reworked++;
      if (!i.deadlineAt || i.resolvedAt <= i.deadlineAt) onTime++;
      else overdue++;
    } else if (!NOT_DUE.has(i.status) && i.deadlineAt && i.deadlineAt < now) {
      overdue++;
    }
  }
  const rated = ratings.satisfied + ratings.basic + ratings.unsatisfied;
  return {
    received,
    resolved,
    onTime,
    overdue,
    onTimeRate: ratio(onTime, onTime + overdue),
    avgHandlingHours: resolved ? handlingMinutes / 60 / resolved : null,
    reworked,
    reworkRate: ratio(reworked, resolved),
    transfers,
    supervisions,
    rated,
    ...ratings,
    satisfactionRate: ratio(ratings.satisfied + ratings.basic, rated),
  };
}

/** Higher first; null (nothing to rate) last. */
function desc(a: number | null, b: number | null): number {
  return (b ?? -1) - (a ?? -1);
}

/**
 * The figures of every group, ranked: on-time rate (higher first), then satisfaction (higher
 * first), then average handling time (shorter first), then received (more first); groups equal
 * on all four share a rank. Incidents of no group (no team dispatched, no village) are left out.
 */
export function rankAssessment(
  incidents: readonly AssessedIncident[],
  calendar: WorkingCalendar,
  now: Date,
): AssessmentRow[] {
  const groups = new Map<string, AssessedIncident[]>();
  for (const i of incidents) {
    if (i.group === null) continue;
    const list = groups.get(i.group);
    if (list) list.push(i);
    else groups.set(i.group, [i]);
  }
  const rows = [...groups].map(([code, list]) => ({ code, ...assessmentFigures(list, calendar, now) }));
  const order = (a: AssessmentFigures, b: AssessmentFigures) =>
    desc(a.onTimeRate, b.onTimeRate) ||
    desc(a.satisfactionRate, b.satisfactionRate) ||
    (a.avgHandlingHours ?? Infinity) - (b.avgHandlingHours ?? Infinity) ||
    b.received - a.received;
  rows.sort((a, b) => order(a, b) || a.code.localeCompare(b.code));
  const ranked: AssessmentRow[] = [];
  rows.forEach((r, k) => {
    const prev = ranked[k - 1];
    ranked.push({ ...r, rank: prev && order(prev, r) === 0 ? prev.rank : k + 1 });
  });
  return ranked;
}
