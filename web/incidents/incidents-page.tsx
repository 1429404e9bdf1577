import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Header } from '../components/header.tsx';
import { LiveIndicator } from '../components/live-indicator.tsx';
import { Pager } from '../components/pager.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { useSession } from '../lib/session.tsx';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { DeskForm } from './desk-form.tsx';
import { IncidentDetailPanel } from './incident-detail.tsx';
import { QUEUE_LIMIT, useQueue, useTownNames } from './queries.ts';
import { QueueFilterForm, type QueueFilters } from './queue-filters.tsx';
import { filterQueue, initialQueueState, PAGE_SIZE, queueReducer, queueView } from './queue-state.ts';
import { QueueTable } from './queue-table.tsx';
import { ShortcutConfirm, ShortcutHelp, ShortcutOutcomeNote } from './shortcut-dialogs.tsx';
import { useQueueShortcuts } from './use-queue-shortcuts.ts';

const NO_FILTERS: QueueFilters = { status: '', category: '', unit: '', assisting: '', overdueOnly: false };

/**
 * /incidents (and /incidents/:id): the dispatcher queue of the user's area, soonest deadline
 * first, with filters, counts, keyboard shortcuts, the desk form for a new incident and the
 * detail of one incident. The queue refreshes itself on live incident and dispatch changes.
 */
export function IncidentsPage({ selectedId }: { selectedId: number | null }) {
  const { t } = useI18n();
  const { can } = useSession();
  const townNames = useTownNames();
  const [filters, setFilters] = useState<QueueFilters>(NO_FILTERS);
  const [text, setText] = useState('');
  const [deskOpen, setDeskOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const [state, dispatch] = useReducer(queueReducer, selectedId, initialQueueState);

  const queue = useQueue({
    status: filters.status || undefined,
    category: filters.category || undefined,
    overdue: filters.overdueOnly ? true : undefined,
    unit: filters.unit ? Number(filters.unit) : undefined,
    assisting: filters.assisting ? Number(filters.assisting) : undefined,
    limit: QUEUE_LIMIT,
  });
  const data = queue.data;
  // More match than the loaded window: the counts are the API's, the rows the first QUEUE_LIMIT.
  const truncated = data !== undefined && data.total > data.incidents.length;
  const rows = useMemo(() => filterQueue(data?.incidents ?? [], text, townNames), [data, text, townNames]);
  const ids = useMemo(() => rows.map((r) => r.id), [rows]);
  useEffect(() => dispatch({ type: 'sync', openedId: selectedId, ids }), [selectedId, ids]);

  const { first, end, cursorIndex } = queueView(state, ids);
  const pageRows = useMemo(() => rows.slice(first, end), [rows, first, end]);
  const cursor = rows[cursorIndex] ?? null;
  const { confirmDispatch } = useQueueShortcuts({ state, dispatch, ids, cursor, searchRef });

  return (
    <div className="app">
      <Header page="incidents" />
      <main
        className={`incidents-page${selectedId !== null ? ' with-detail' : ''}`}
        data-testid="incidents-page"
      >
        <div className="incidents-main">
          <div className="incidents-head">
            <h2 className="admin-title">{t('incidents.title')}</h2>
            {data && (
              <span className="queue-counts" data-testid="queue-counts">
                {t('incidents.total')}{' '}
                <strong data-testid="queue-total">
                  {data.total}
                  {truncated ? '+' : ''}
                </strong>{' '}
                · {t('incidents.overdue')}{' '}
                <strong className={data.overdue > 0 ? 'overdue' : ''} data-testid="queue-overdue">
                  {data.overdue}
                </strong>
              </span>
            )}
            <span className="spacer" />
            <LiveIndicator />
            <button
              type="button"
              className="button"
              data-testid="shortcut-help-open"
              title={t('shortcut.help')}
              onClick={() => dispatch({ type: 'toggleHelp' })}
            >
              ? {t('shortcut.title')}
            </button>
            {can('report') && (
              <button
                type="button"
                className={`button${deskOpen ? '' : ' primary'}`}
                data-testid="desk-open"
                onClick={() => setDeskOpen((o) => !o)}
              >
                {deskOpen ? t('desk.cancel') : t('incidents.new')}
              </button>
            )}
          </div>

          {deskOpen && can('report') && <DeskForm onCreated={(r) => navigate(`/incidents/${r.id}`)} />}

          <QueueFilterForm
            filters={filters}
            onFilters={(f) => {
              setFilters(f);
              dispatch({ type: 'filtered' });
            }}
            text={text}
            onText={(value) => {
              setText(value);
              dispatch({ type: 'filtered' });
            }}
            searchRef={searchRef}
            onRefresh={() => void queue.refetch()}
            loading={queue.isFetching}
          />

          {queue.error && (
            <p className="form-error" role="alert">
              {errorMessage(queue.error, t)}
            </p>
          )}
          {state.outcome && <ShortcutOutcomeNote outcome={state.outcome} />}
          <QueueTable
            rows={pageRows}
            empty={data !== undefined && rows.length === 0}
            loading={queue.isFetching}
            cursorId={state.cursorId}
            selectedId={selectedId}
            townNames={townNames}
            onCursor={(id) => dispatch({ type: 'cursor', id })}
            onOpen={(id) => {
              dispatch({ type: 'cursor', id });
              navigate(`/incidents/${id}`);
            }}
          />
          <Pager
            offset={first}
            pageSize={PAGE_SIZE}
            total={rows.length}
            more={truncated}
            onChange={(offset) => dispatch({ type: 'page', offset })}
            testId="queue"
          />
          {truncated && (
            <p className="muted small" data-testid="queue-truncated">
              {t('incidents.truncated', { n: QUEUE_LIMIT })}
            </p>
          )}
        </div>
        {selectedId !== null && (
          <aside className="incidents-side">
            <IncidentDetailPanel
              key={selectedId}
              id={selectedId}
              townNames={townNames}
              onClose={() => navigate('/incidents')}
            />
          </aside>
        )}
        {state.help && <ShortcutHelp onClose={() => dispatch({ type: 'closeHelp' })} />}
        {state.confirm && (
          <ShortcutConfirm
            pending={state.confirm}
            onCancel={() => dispatch({ type: 'closeConfirm' })}
            onConfirm={confirmDispatch}
          />
        )}
      </main>
    </div>
  );
}
