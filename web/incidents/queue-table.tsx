import { useEffect, useRef } from 'react';
import type { Incident } from '../api/client.ts';
import { formatTime } from '../lib/format.ts';
import { channelName, incidentStatusName, priorityName, timeLeft } from '../lib/incident-format.ts';
import { useI18n } from '../i18n.ts';

/** Props of QueueTable. */
export interface QueueTableProps {
  /** The rows of the page shown. */
  rows: readonly Incident[];
  /** Whether the queue has loaded and nothing matches (the empty row). */
  empty: boolean;
  loading: boolean;
  cursorId: number | null;
  selectedId: number | null;
  townNames: ReadonlyMap<string, string>;
  onCursor: (id: number) => void;
  onOpen: (id: number) => void;
}

/** The queue's table: one row per incident, the cursor's row marked and kept in view. */
export function QueueTable({
  rows,
  empty,
  loading,
  cursorId,
  selectedId,
  townNames,
  onCursor,
  onOpen,
}: QueueTableProps) {
  const { t, language } = useI18n();
  const rowRefs = useRef(new Map<number, HTMLTableRowElement>());

  useEffect(() => {
    if (cursorId !== null) rowRefs.current.get(cursorId)?.scrollIntoView({ block: 'nearest' });
  }, [cursorId]);

  return (
    <div className="table-wrap">
      <table className="data-table incident-queue" data-testid="incident-queue" aria-busy={loading}>
        <thead>
          <tr>
            <th>{t('col.id')}</th>
            <th>{t('col.status')}</th>
            <th>{t('col.category')}</th>
            <th>{t('col.priority')}</th>
            <th>{t('col.area')}</th>
            <th>{t('col.deadline')}</th>
            <th>{t('col.timeLeft')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr
              key={i.id}
              ref={(el) => {
                if (el) rowRefs.current.set(i.id, el);
                else rowRefs.current.delete(i.id);
              }}
              data-testid="incident-row"
              data-id={i.id}
              data-status={i.status}
              aria-current={i.id === cursorId ? 'true' : undefined}
              className={`clickable${i.id === selectedId ? ' selected' : ''}${i.id === cursorId ? ' cursor' : ''}${i.overdue ? ' overdue-row' : ''}`}
              tabIndex={0}
              onFocus={() => onCursor(i.id)}
              onClick={() => onOpen(i.id)}
            >
              <td className="mono">#{i.id}</td>
              <td>
                <span className={`status-badge status-${i.status}`}>{incidentStatusName(t, i.status)}</span>
              </td>
              <td>
                {i.categoryName ?? i.category}
                <div className="muted small">
                  {channelName(t, i.channel)}
                  {i.leadUnit && <> · {i.leadUnit.name}</>}
                  {i.supervision && (
                    <span
                      className={i.supervision.overdue ? 'supervision-mark overdue' : 'supervision-mark'}
                      data-testid="queue-supervised"
                    >
                      {' '}
                      · {t('supervision.mark')}
                    </span>
                  )}
                  {i.bounced && (
                    <span className="form-error" data-testid="queue-bounced">
                      {' '}
                      · {t('unit.bouncedShort')}
                    </span>
                  )}
                </div>
              </td>
              <td>
                <span className={`priority-badge priority-${i.priority}`}>{priorityName(t, i.priority)}</span>
              </td>
              <td>
                {i.townCode ? (townNames.get(i.townCode) ?? i.townCode) : '—'}
                <div className="muted small mono">{i.gridCode ?? ''}</div>
              </td>
              <td className="nowrap">{formatTime(language, i.deadlineAt)}</td>
              <td className={`nowrap time-left${i.overdue ? ' overdue' : ''}`}>
                {timeLeft(t, i.minutesLeft)}
              </td>
            </tr>
          ))}
          {empty && (
            <tr>
              <td colSpan={7} className="muted">
                {t('incidents.empty')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
