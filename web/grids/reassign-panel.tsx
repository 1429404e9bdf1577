import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.ts';
import { useReassign, useReassignments } from './queries.ts';

/** Props of ReassignPanel. */
export interface ReassignPanelProps {
  /** The village or town shown (the page keys the panel by it). */
  parentCode: string;
  /** Incidents the last change left in another grid (the write's count), until the list is asked for. */
  reassignable: number;
  busy: boolean;
  /** Tell the user what happened (in their language), or that it failed. */
  onMessage: (kind: 'info' | 'error', text: string) => void;
  /** The message of a failure, in the user's language. */
  describe: (error: unknown) => string;
}

/**
 * Open incidents whose point now lies in another grid (after a change of grids): listed on
 * demand, all ticked, and moved to the grid they now lie in.
 */
export function ReassignPanel({ parentCode, reassignable, busy, onMessage, describe }: ReassignPanelProps) {
  const { t } = useI18n();
  const [asked, setAsked] = useState(false);
  const pending = useReassignments(parentCode, asked);
  const reassign = useReassign();
  const rows = asked ? pending.data : undefined;
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  // every row ticked whenever the list is (re)loaded
  useEffect(() => {
    if (rows) setChosen(new Set(rows.map((r) => r.id)));
  }, [rows]);
  useEffect(() => {
    if (pending.isError) onMessage('error', describe(pending.error));
  }, [pending.isError, pending.error, onMessage, describe]);

  const count = rows ? rows.length : reassignable;
  const toggle = (id: number, on: boolean) =>
    setChosen((cur) => {
      const next = new Set(cur);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const confirm = () =>
    reassign.mutate([...chosen], {
      onSuccess: (r) => onMessage('info', `${t('grids.reassigned')}: ${r.reassigned.length}`),
      onError: (e) => onMessage('error', describe(e)),
    });

  return (
    <section className="panel" data-testid="grids-reassign">
      <h2 className="panel-title">{t('grids.reassignTitle')}</h2>
      {count > 0 && <p className="grids-note">{`${t('grids.reassignable')}: ${count}`}</p>}
      <button
        type="button"
        className="button small"
        data-testid="grids-reassign-load"
        onClick={() => (asked ? void pending.refetch() : setAsked(true))}
      >
        {t('grids.reassignLoad')}
      </button>
      {rows && rows.length === 0 && <p className="grids-note">{t('grids.reassignNone')}</p>}
      {rows && rows.length > 0 && (
        <>
          <ul className="grids-list">
            {rows.map((r) => (
              <li key={r.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.has(r.id)}
                    onChange={(e) => toggle(r.id, e.target.checked)}
                  />{' '}
                  #{r.id} {r.gridCode?.slice(12) ?? '—'} → {r.newGridCode?.slice(12) ?? t('grids.noGrid')}
                </label>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="button small primary"
            data-testid="grids-reassign-confirm"
            disabled={busy || chosen.size === 0}
            onClick={confirm}
          >
            {t('grids.reassignConfirm')}
          </button>
        </>
      )}
    </section>
  );
}
