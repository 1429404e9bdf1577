import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n.ts';

/** At most this many overdue incidents are listed (the list scrolls by itself when they do not fit). */
export const OVERDUE_MAX = 50;

/** One overdue incident, ready to show. */
export interface OverdueRow {
  id: number;
  text: string;
  place: string;
  priority: number;
  deadlineAt: string;
  /** Under supervision (督办). */
  supervised: boolean;
}

/** The overdue incidents; when they do not fit, the list scrolls by itself (no scrollbar). */
export function OverdueList({ rows }: { rows: OverdueRow[] }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [overflow, setOverflow] = useState(false);
  useEffect(() => {
    const measure = () => {
      const b = box.current;
      const l = list.current;
      if (b && l) setOverflow(l.scrollHeight > b.clientHeight + 2);
    };
    measure();
    const observer = new ResizeObserver(measure);
    if (box.current) observer.observe(box.current);
    return () => observer.disconnect();
  }, [rows]);
  const now = Date.now();
  const render = (key: string) => (
    <ul ref={key === 'a' ? list : undefined} className="screen-overdue-list" aria-hidden={key === 'b'}>
      {rows.map((r) => {
        const hours = Math.max(0, (now - new Date(r.deadlineAt).getTime()) / 3_600_000);
        return (
          <li key={`${key}${r.id}`} data-testid={key === 'a' ? 'overdue-row' : undefined}>
            <span className={`screen-prio p${r.priority}`}>{r.priority}</span>
            <span className="screen-overdue-text">
              #{r.id} {r.text}
              {r.supervised && (
                <span
                  className="screen-supervised"
                  data-testid={key === 'a' ? 'overdue-supervised' : undefined}
                >
                  {t('supervision.mark')}
                </span>
              )}
            </span>
            <span className="screen-overdue-place">{r.place}</span>
            <span className="screen-overdue-late">
              {hours >= 24
                ? `${Math.floor(hours / 24)}${t('screen.days')}`
                : `${Math.floor(hours)}${t('screen.hours')}`}
            </span>
          </li>
        );
      })}
    </ul>
  );
  return (
    <div ref={box} className="screen-overdue-box" data-testid="overdue-list" data-scrolling={overflow}>
      {rows.length === 0 ? (
        <div className="screen-empty">{t('screen.noOverdue')}</div>
      ) : (
        <div
          className={overflow ? 'screen-marquee' : ''}
          style={overflow ? { animationDuration: `${rows.length * 2.5}s` } : undefined}
        >
          {render('a')}
          {overflow && render('b')}
        </div>
      )}
    </div>
  );
}
