import { useEffect, useId, useRef, useState } from 'react';
import { formatTime, parseTimeField, TIME_FIELD_PATTERN, timeFieldText } from '../lib/format.ts';
import { useI18n, type Language } from '../i18n.ts';

const DAY_MS = 86_400_000;

/** Midnight of a calendar day (year, month 1–12, day) as a UTC instant: the calendar's own clock. */
const dayUtc = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day);

/** The month's title, "2026年12月" / "December 2026". */
function monthTitle(language: Language, year: number, month: number): string {
  return new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    dayUtc(year, month, 1),
  );
}

/** The weekday heads, Monday first: "一 … 日" / "Mon … Sun". */
function weekdayHeads(language: Language): string[] {
  const format = new Intl.DateTimeFormat(language, {
    weekday: language === 'zh-CN' ? 'narrow' : 'short',
    timeZone: 'UTC',
  });
  // 5 January 2026 was a Monday
  return Array.from({ length: 7 }, (_, i) => format.format(dayUtc(2026, 1, 5 + i)));
}

/** The days of a month's sheet, Monday first, with the blanks before the 1st as null. */
function monthDays(year: number, month: number): (number | null)[] {
  const first = new Date(dayUtc(year, month, 1)).getUTCDay(); // 0 = Sunday
  const blanks = (first + 6) % 7;
  const length = Math.round((dayUtc(year, month + 1, 1) - dayUtc(year, month, 1)) / DAY_MS);
  return [...Array<null>(blanks).fill(null), ...Array.from({ length }, (_, i) => i + 1)];
}

/** Year and month (1–12) on China's clock of an instant. */
function chinaMonth(ms: number): { year: number; month: number } {
  const [year = 1970, month = 1] = timeFieldText(ms).split('-').map(Number);
  return { year, month };
}

/**
 * A date-and-time field in the interface language's own form, on China's clock: the user types
 * "2026-12-04 14:30" (or picks the day from a calendar named in the interface language), whatever
 * language and time zone the browser has. The browser's own date inputs follow the browser's
 * locale instead, which is why this field is text with a pattern.
 */
export function TimeField({
  value,
  onChange,
  testId,
  label,
  className,
}: {
  /** The field's text ("2026-12-04 14:30", '' for none). */
  value: string;
  onChange: (text: string) => void;
  testId: string;
  /** Names the field for assistive technology when no <label> wraps it. */
  label?: string;
  className?: string;
}) {
  const { language, t } = useI18n();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const calendarId = useId();
  const typed = parseTimeField(value);
  const [sheet, setSheet] = useState(() => chinaMonth(Number.isNaN(typed) ? Date.now() : typed));

  // the sheet opens at the typed month
  const openPicker = () => {
    setSheet(chinaMonth(Number.isNaN(typed) ? Date.now() : typed));
    setOpen((o) => !o);
  };

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const pick = (day: number) => {
    const time = /\s(\d{1,2}:\d{2})\s*$/.exec(value)?.[1] ?? '00:00';
    const date = `${sheet.year}-${String(sheet.month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    onChange(`${date} ${time.padStart(5, '0')}`);
    setOpen(false);
  };
  const step = (by: number) =>
    setSheet(({ year, month }) => {
      const m = month - 1 + by;
      return { year: year + Math.floor(m / 12), month: (((m % 12) + 12) % 12) + 1 };
    });

  const today = timeFieldText(Date.now()).slice(0, 10);
  const chosen = Number.isNaN(typed) ? '' : timeFieldText(typed).slice(0, 10);
  return (
    <span className={`time-field ${className ?? ''}`} ref={root}>
      <input
        type="text"
        inputMode="numeric"
        data-testid={testId}
        value={value}
        pattern={TIME_FIELD_PATTERN}
        placeholder={t('timeField.placeholder')}
        title={t('timeField.hint')}
        aria-label={label}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      <button
        type="button"
        className="time-field-button"
        data-testid={`${testId}-picker`}
        aria-label={t('timeField.pick')}
        title={t('timeField.pick')}
        aria-expanded={open}
        aria-controls={open ? calendarId : undefined}
        onClick={openPicker}
      >
        ▦
      </button>
      {open && (
        <div
          className="time-field-calendar"
          id={calendarId}
          role="dialog"
          aria-label={t('timeField.pick')}
          data-testid={`${testId}-calendar`}
        >
          <div className="time-field-head">
            <button type="button" aria-label={t('timeField.previous')} onClick={() => step(-1)}>
              ‹
            </button>
            <span aria-live="polite">{monthTitle(language, sheet.year, sheet.month)}</span>
            <button type="button" aria-label={t('timeField.next')} onClick={() => step(1)}>
              ›
            </button>
          </div>
          <div className="time-field-grid">
            {weekdayHeads(language).map((d) => (
              <span key={d} className="time-field-weekday" aria-hidden="true">
                {d}
              </span>
            ))}
            {monthDays(sheet.year, sheet.month).map((day, i) => {
              if (day === null) return <span key={`blank-${i}`} />;
              const ms = dayUtc(sheet.year, sheet.month, day) - 8 * 3_600_000;
              const iso = timeFieldText(ms).slice(0, 10);
              return (
                <button
                  key={day}
                  type="button"
                  className={`time-field-day${iso === chosen ? ' chosen' : ''}${iso === today ? ' today' : ''}`}
                  aria-label={formatTime(language, ms, 'date')}
                  aria-pressed={iso === chosen}
                  onClick={() => pick(day)}
                >
                  {day}
                </button>
              );
            })}
          </div>
        </div>
      )}
    </span>
  );
}

/** The instant of a time field's text (epoch ms), or undefined for none or text that is not a time. */
export function timeFieldValue(text: string): number | undefined {
  if (!text.trim()) return undefined;
  const ms = parseTimeField(text);
  return Number.isNaN(ms) ? undefined : ms;
}
