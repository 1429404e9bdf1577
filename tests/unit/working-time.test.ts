import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PERIODS,
  addWorkingMinutes,
  deadline,
  isWorkingDay,
  workingMinutesBetween,
  type WorkingCalendar,
} from '../../api/lib/working-time.ts';

// China's 2026 schedule, the parts these cases cross (geodata/reference/calendar-2026.csv).
const cal: WorkingCalendar = {
  holidays: new Set([
    '2026-10-01',
    '2026-10-02',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
    '2026-01-01',
    '2026-01-02',
  ]),
  workdays: new Set(['2026-09-20', '2026-10-10', '2026-01-04']),
  periods: DEFAULT_PERIODS,
};
/** A local (UTC+8) time as a Date. */
const cst = (s: string) => new Date(`${s}+08:00`);
const day = (s: string) => Math.floor(Date.parse(`${s}T00:00:00Z`) / 86_400_000);

describe('working days', () => {
  it('knows weekends, holidays and adjusted working days', () => {
    expect(isWorkingDay(cal, day('2026-11-27'))).toBe(true); // Friday
    expect(isWorkingDay(cal, day('2026-11-28'))).toBe(false); // Saturday
    expect(isWorkingDay(cal, day('2026-10-01'))).toBe(false); // National Day, Thursday
    expect(isWorkingDay(cal, day('2026-10-10'))).toBe(true); // Saturday worked
    expect(isWorkingDay(cal, day('2026-01-04'))).toBe(true); // Sunday worked
  });
});

describe('deadlines in working time', () => {
  it('counts hours within the working periods of one day', () => {
    expect(deadline(cal, cst('2026-11-27T09:00:00'), 2, 'working_hours')).toEqual(cst('2026-11-27T11:00:00'));
    // 11:00 + 2 h: one hour before lunch, one after
    expect(deadline(cal, cst('2026-11-27T11:00:00'), 2, 'working_hours')).toEqual(cst('2026-11-27T15:00:00'));
  });

  it('starts the clock at the next working period when reported out of hours', () => {
    expect(deadline(cal, cst('2026-11-26T22:15:00'), 1, 'working_hours')).toEqual(cst('2026-11-27T09:30:00'));
    expect(deadline(cal, cst('2026-11-27T12:30:00'), 1, 'working_hours')).toEqual(cst('2026-11-27T15:00:00'));
  });

  it('skips the weekend', () => {
    // Friday 16:30 + 2 h = 1 h on Friday, 1 h on Monday
    expect(deadline(cal, cst('2026-11-27T16:30:00'), 2, 'working_hours')).toEqual(cst('2026-11-30T09:30:00'));
  });

  it('skips the National Day holidays and counts the adjusted working Saturday', () => {
    // Wed 30 Sep 10:00 + 1 working day (7 h): Thu 1 – Wed 7 Oct off except the weekend... Oct 3–4 are weekend, Oct 8 Thursday works
    expect(deadline(cal, cst('2026-09-30T10:00:00'), 1, 'working_days')).toEqual(cst('2026-10-08T10:00:00'));
    // Fri 9 Oct 10:00 + 1 working day lands on the worked Saturday 10 Oct
    expect(deadline(cal, cst('2026-10-09T10:00:00'), 1, 'working_days')).toEqual(cst('2026-10-10T10:00:00'));
  });

  it('measures working time between two instants, negative when overdue', () => {
    expect(workingMinutesBetween(cal, cst('2026-11-27T16:30:00'), cst('2026-11-30T09:30:00'))).toBe(120);
    expect(workingMinutesBetween(cal, cst('2026-11-30T09:30:00'), cst('2026-11-27T16:30:00'))).toBe(-120);
    expect(workingMinutesBetween(cal, cst('2026-10-01T00:00:00'), cst('2026-10-07T23:59:00'))).toBe(0);
  });

  it('is consistent: the time between a start and its deadline is the amount', () => {
    const starts = [
      '2026-09-18T17:00:00',
      '2026-12-31T11:45:00',
      '2026-02-13T16:00:00',
      '2026-11-27T07:00:00',
    ];
    for (const s of starts) {
      const d = addWorkingMinutes(cal, cst(s), 1000);
      expect(workingMinutesBetween(cal, cst(s), d)).toBeCloseTo(1000, 6);
    }
  });
});
