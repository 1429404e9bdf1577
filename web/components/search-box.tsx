import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import { search, type SearchHit } from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { errorMessage } from '../lib/error-message.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import {
  activeIndex,
  INITIAL_SEARCH_LIST,
  searchListReducer,
  shownAnswer,
  type SearchAnswer,
} from './search-state.ts';

/** Wait this long (ms) after the last keystroke before searching. */
const DEBOUNCE_MS = 250;

/** Results asked for. */
const LIMIT = 20;

/** The label of each kind of result. */
const KIND_LABEL: Record<SearchHit['kind'], MessageKey> = {
  area: 'search.kind.area',
  site: 'search.kind.site',
  risk_source: 'search.kind.risk_source',
  team: 'search.kind.team',
  incident: 'search.kind.incident',
};

/** Props of SearchBox. */
export interface SearchBoxProps {
  /** A result was chosen. */
  onPick: (hit: SearchHit) => void;
}

/** `value`, once it has not changed for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Whether the list of results is shown (rather than a note, or nothing). */
function showHitsFor(
  open: boolean,
  text: string,
  failed: boolean,
  hits: readonly SearchHit[] | null,
): boolean {
  return open && text.trim() !== '' && !failed && hits !== null && hits.length > 0;
}

/** The search of a text: one query per text, kept while the next one loads. */
function useSearch(q: string) {
  return useQuery({
    queryKey: queryKey('search', q),
    queryFn: async ({ signal }): Promise<SearchAnswer<SearchHit>> => ({
      q,
      hits: (await search(q, LIMIT, signal)).hits,
      at: Date.now(),
    }),
    enabled: q !== '',
    placeholderData: keepPreviousData,
  });
}

/**
 * The header's search field (a combobox): areas, sites, risk sources, teams and incidents by
 * name, code or number (debounced), with a result list; the arrow keys move through it, Enter or
 * a click picks a result, Escape closes it.
 */
export function SearchBox({ onPick }: SearchBoxProps) {
  const { t } = useI18n();
  const listId = useId();
  const [text, setText] = useState('');
  const [list, dispatch] = useReducer(searchListReducer, INITIAL_SEARCH_LIST);
  const boxRef = useRef<HTMLDivElement>(null);
  const query = useSearch(useDebounced(text.trim(), DEBOUNCE_MS));
  const answer = shownAnswer(list, text, query.data);
  const hits = answer?.hits ?? null;
  const active = answer ? activeIndex(list, answer.q) : 0;
  const failed = query.isError && !query.isFetching;

  // Close the list on a click elsewhere.
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (boxRef.current && !boxRef.current.contains(e.target as Node)) dispatch({ type: 'close' });
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, []);

  const showList = list.open && text.trim() !== '';
  const showHits = showHitsFor(list.open, text, failed, hits);
  const optionId = (i: number) => `${listId}-option-${i}`;
  const activeId = showHits ? optionId(active) : null;
  // the highlighted result stays in sight when the arrow keys move through a long list
  useEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);

  const pick = (hit: SearchHit) => {
    dispatch({ type: 'close' });
    onPick(hit);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') dispatch({ type: 'close' });
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const by = e.key === 'ArrowDown' ? 1 : -1;
      dispatch({ type: 'move', by, count: hits?.length ?? 0, shownFor: answer?.q ?? '' });
    } else if (e.key === 'Enter') {
      const hit = hits?.[active];
      if (hit && list.open) pick(hit);
    }
  };

  const note =
    hits === null || (query.isFetching && hits.length === 0)
      ? failed
        ? errorMessage(query.error, t)
        : t('search.searching')
      : failed
        ? errorMessage(query.error, t)
        : hits.length === 0
          ? t('search.none')
          : null;
  return (
    <div className="search-box" ref={boxRef}>
      <input
        type="search"
        className="search-input"
        data-testid="search-input"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showHits}
        aria-controls={showHits ? listId : undefined}
        aria-activedescendant={activeId ?? undefined}
        placeholder={t('search.placeholder')}
        aria-label={t('search.aria')}
        value={text}
        maxLength={100}
        onChange={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          dispatch({ type: 'typed', text: value, now: Date.now() });
        }}
        onFocus={() => dispatch({ type: 'focus' })}
        onKeyDown={onKeyDown}
      />
      {showList && (
        <div className="search-results" data-testid="search-results">
          {note !== null && (
            <p className="search-note" role={failed ? 'alert' : 'status'}>
              {note}
            </p>
          )}
          {showHits && hits !== null && (
            <ul id={listId} className="search-list" role="listbox" aria-label={t('search.aria')}>
              {hits.map((hit, i) => (
                <li
                  key={`${hit.kind}:${hit.id}`}
                  id={optionId(i)}
                  className={`search-result${i === active ? ' active' : ''}`}
                  data-testid="search-result"
                  data-kind={hit.kind}
                  role="option"
                  aria-selected={i === active}
                  tabIndex={-1}
                  onMouseEnter={() => dispatch({ type: 'hover', index: i, shownFor: answer?.q ?? '' })}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    pick(hit);
                  }}
                >
                  <span className={`search-kind kind-${hit.kind}`}>{t(KIND_LABEL[hit.kind])}</span>
                  <span className="search-label">{hit.label}</span>
                  {hit.detail && <span className="search-detail">{hit.detail}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
