import { useSyncExternalStore } from 'react';

/**
 * A tiny client-side router: the path lives in the address bar, history.pushState changes it
 * and popstate (back/forward) is followed. The server answers every non-API path with index.html.
 */
const NAVIGATE_EVENT = 'riskmap:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

function currentPath(): string {
  return window.location.pathname.replace(/\/+$/, '') || '/';
}

/** The current path without a trailing slash ('/' for the root). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** Go to a path of this app (the query string of the current page is kept, e.g. ?basemap=dark). */
export function navigate(path: string): void {
  if (path === currentPath()) return;
  window.history.pushState(null, '', path + window.location.search);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}
