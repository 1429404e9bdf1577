import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { search, type SearchHit } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';

/** Wait this long (ms) after the last keystroke before searching. */
const DEBOUNCE_MS = 250;

/** Props of SearchBox. */
export interface SearchBoxProps {
  /** A result was chosen. */
  onPick: (hit: SearchHit) => void;
}

interface State {
  q: string;
  hits: SearchHit[] | null;
  loading: boolean;
  error: string | null;
}

/**
 * The header's search field: areas, sites, risk sources, teams and incidents by name, code or
 * number (debounced), with a result list; Enter or a click picks a result.
 */
export function SearchBox({ onPick }: SearchBoxProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [state, setState] = useState<State>({ q: '', hits: null, loading: false, error: null });
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const q = text.trim();
    if (!q) {
      setState({ q: '', hits: null, loading: false, error: null });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      search(q, 20, controller.signal).then(
        (r) => {
          setState({ q, hits: r.hits, loading: false, error: null });
          setActive(0);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setState({
            q,
            hits: [],
            loading: false,
            error: error instanceof Error ? error.message : String(error),
          });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  // Close the list on a click elsewhere.
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (boxRef.current && !boxRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, []);

  const pick = (hit: SearchHit) => {
    setOpen(false);
    onPick(hit);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const hits = state.hits ?? [];
    if (e.key === 'Escape') setOpen(false);
    else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      const hit = hits[active];
      if (hit) pick(hit);
    }
  };

  const showList = open && text.trim() !== '';
  return (
    <div className="search-box" ref={boxRef}>
      <input
        type="search"
        className="search-input"
        data-testid="search-input"
        placeholder={t('search.placeholder')}
        aria-label={t('search.aria')}
        value={text}
        maxLength={100}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {showList && (
        <ul className="search-results" data-testid="search-results" role="listbox">
          {state.hits === null || (state.loading && state.hits.length === 0) ? (
            <li className="search-note">{t('search.searching')}</li>
          ) : state.error ? (
            <li className="search-note">{state.error}</li>
          ) : state.hits.length === 0 ? (
            <li className="search-note">{t('search.none')}</li>
          ) : (
            state.hits.map((hit, i) => (
              <li
                key={`${hit.kind}:${hit.id}`}
                className={`search-result${i === active ? ' active' : ''}`}
                data-testid="search-result"
                data-kind={hit.kind}
                role="option"
                aria-selected={i === active}
                onMouseEnter={() => setActive(i)}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(hit);
                }}
              >
                <span className={`search-kind kind-${hit.kind}`}>
                  {t(`search.kind.${hit.kind}` as MessageKey)}
                </span>
                <span className="search-label">{hit.label}</span>
                {hit.detail && <span className="search-detail">{hit.detail}</span>}
              </li>
            ))
          )}
        </ul>
      )}
    </div>
  );
}
