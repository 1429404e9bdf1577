import type { Language } from './i18n.ts';

/**
 * State exposed on `window.__riskmap` for the browser tests. Keep the shape stable: the
 * Chromium end-to-end test reads it.
 */
export interface RiskmapTestState {
  /** True once MapLibre fired 'load' and deck.gl has drawn the town outlines. */
  mapReady: boolean;
  /** Each rendered deck.gl layer id → number of data items it draws. */
  layers: Record<string, number>;
  /** The current UI language. */
  language: Language;
  /** The signed-in user, or null on the sign-in page. */
  user: { username: string; role: string | null } | null;
}

declare global {
  interface Window {
    __riskmap?: RiskmapTestState;
  }
}

/** Merge a change into `window.__riskmap` (the object keeps its identity). */
export function publishTestState(patch: Partial<RiskmapTestState>): void {
  const current = (window.__riskmap ??= { mapReady: false, layers: {}, language: 'zh-CN', user: null });
  Object.assign(current, patch);
}
