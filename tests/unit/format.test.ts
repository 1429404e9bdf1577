// The machine runs on New York time for this file: China time must not depend on it.
process.env.TZ = 'America/New_York';

import { describe, expect, it } from 'vitest';

const { formatTime, parseTimeField, timeFieldText } = await import('../../web/lib/format.ts');

describe('times on China time whatever the machine zone', () => {
  it('runs on a machine whose clock is not China time', () => {
    // 20:00 UTC in December is 15:00 in New York (UTC−5): the zone really is set
    expect(new Date('2026-12-04T20:00:00Z').getHours()).toBe(15);
  });

  it('shows an instant as 2026-12-04 14:30 in Chinese, the day after where China is ahead', () => {
    expect(formatTime('zh-CN', '2026-12-04T06:30:00Z')).toBe('2026-12-04 14:30');
    expect(formatTime('zh-CN', '2026-12-04T20:00:00.000Z')).toBe('2026-12-05 04:00');
    expect(formatTime('zh-CN', '2026-12-04T20:00:00+00:00', 'second')).toBe('2026-12-05 04:00:00');
    expect(formatTime('zh-CN', '2026-07-01T15:59:59Z', 'date')).toBe('2026-07-01');
    expect(formatTime('zh-CN', '2026-07-01T16:00:00Z', 'date')).toBe('2026-07-02');
    // midnight is 00, not 24
    expect(formatTime('zh-CN', Date.UTC(2026, 0, 1, 16, 5))).toBe('2026-01-02 00:05');
  });

  it('shows it in English with the month by name and a 24-hour clock', () => {
    expect(formatTime('en', '2026-12-04T20:00:00Z')).toBe('5 Dec 2026, 04:00');
    expect(formatTime('en', new Date('2026-03-08T07:30:00Z'), 'date')).toBe('8 Mar 2026');
    expect(formatTime('en', '2026-03-08T07:30:09Z', 'second')).toBe('8 Mar 2026, 15:30:09');
  });

  it('shows a dash for no time and text that is no time as it is', () => {
    expect(formatTime('zh-CN', null)).toBe('—');
    expect(formatTime('zh-CN', undefined)).toBe('—');
    expect(formatTime('en', '')).toBe('—');
    expect(formatTime('zh-CN', 'soon')).toBe('soon');
  });
});

describe('time fields: "2026-12-04 14:30" read and written on China time', () => {
  it('reads a date and time, or a date alone as its midnight', () => {
    expect(parseTimeField('2026-12-05 04:00')).toBe(Date.parse('2026-12-04T20:00:00Z'));
    expect(parseTimeField(' 2026-12-5 4:00 ')).toBe(Date.parse('2026-12-04T20:00:00Z'));
    expect(parseTimeField('2026-12-05T04:00')).toBe(Date.parse('2026-12-04T20:00:00Z'));
    expect(parseTimeField('2026-12-05')).toBe(Date.parse('2026-12-04T16:00:00Z'));
  });

  it('refuses what is not a real date and time of that form', () => {
    for (const text of [
      '',
      '12/05/2026',
      '2026-12-05 4',
      '2026-02-30',
      '2026-13-01',
      '2026-12-05 24:00',
      '2026-12-05 10:60',
      'x2026-12-05',
    ]) {
      expect(parseTimeField(text), text).toBeNaN();
    }
    // 29 February only in a leap year
    expect(parseTimeField('2027-02-29')).toBeNaN();
    expect(parseTimeField('2028-02-29')).toBe(Date.parse('2028-02-28T16:00:00Z'));
  });

  it('writes an instant as the field text it reads back', () => {
    expect(timeFieldText(Date.parse('2026-12-04T20:00:00Z'))).toBe('2026-12-05 04:00');
    expect(timeFieldText(null)).toBe('');
    expect(timeFieldText(Number.NaN)).toBe('');
  });
});
