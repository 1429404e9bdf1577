import type { LiveStatus } from './api/client.ts';
import type { Language } from './i18n.ts';

/**
 * True in the build the browser tests use (`vite build --mode test`, `npm run build:test`):
 * only there does `window.__riskmap` exist. The production build (`npm run build`) carries
 * none of it (the minifier drops what this constant turns off).
 */
export const TEST_HOOKS = import.meta.env.MODE === 'test';

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
  /** The live stream: state, last sequence number, and a way to drop the socket as a network failure would. */
  live?: LiveStatus & { drop: () => void };
  /** The command-centre screen (/screen), while it is open. */
  screen?: {
    /** Figures loaded and the map drawn. */
    ready: boolean;
    /** The stream position of the figures shown. */
    summarySeq: number | null;
    /** How many times the figures were loaded. */
    summaryLoads: number;
    /** Incidents and teams drawn on the map. */
    incidents: number;
    teams: number;
    /** Alarms shown or waiting (incident ids). */
    alarms: number[];
    /** The current rotating view ('city' or a town code). */
    view: string;
    mode: 'live' | 'playback';
    /** Playback: the current instant (ISO) and what is drawn. */
    playback?: { at: string | null; incidents: number; teams: number; playing: boolean; speed: number };
  };
  /** The grid editor (/grids), while it is open. */
  grids?: {
    /** The map is loaded and the grids of `parent` are drawn. */
    ready: boolean;
    parent: string | null;
    gridCount: number;
    gapCount: number;
    /** The live check of the outline being edited. */
    validation: 'idle' | 'pending' | 'ok' | 'errors';
    mode: string;
    /** Screen position (CSS pixels in the map) of a lon/lat, to click there. */
    project: (lon: number, lat: number) => [number, number];
  };
  /** The basemap of the map page open (see MapView), while one is open. */
  basemap?: {
    kind: 'offline' | 'raster' | 'vector';
    crs: 'wgs84' | 'gcj02';
    /** The basemap drawn now: the tile server or the offline one. */
    choice: () => 'server' | 'offline';
    /** Screen position (CSS pixels in the map) of a stored WGS84 lon/lat, as the app places it. */
    project: (lon: number, lat: number) => [number, number];
    /** Screen position of a lon/lat in the basemap's own coordinates (no shift applied). */
    projectDisplay: (lon: number, lat: number) => [number, number];
    /** The stored WGS84 lon/lat under a screen position, as the app reads a click. */
    unproject: (x: number, y: number) => [number, number];
    /** Moves the map as the app does (centre in WGS84). */
    jumpTo: (lon: number, lat: number, zoom: number) => void;
    /**
     * The basemap features drawn now in the given style layers (labels: only those placed), with
     * their `name` property; null while the map is still loading tiles or placing labels.
     */
    renderedFeatures?: (layers: string[]) => { layer: string; name: string | null }[] | null;
  };
  /**
   * The deck.gl item drawn at a screen position (CSS pixels in the map) of the open overlay: its
   * layer id and the app's own object (stored coordinates), or null.
   */
  pick?: (x: number, y: number) => { layer: string; object: unknown } | null;
}

declare global {
  interface Window {
    __riskmap?: RiskmapTestState;
  }
}

/** Merge a change into `window.__riskmap` (the object keeps its identity). */
export function publishTestState(patch: Partial<RiskmapTestState>): void {
  if (!TEST_HOOKS) return;
  const current = (window.__riskmap ??= { mapReady: false, layers: {}, language: 'zh-CN', user: null });
  Object.assign(current, patch);
}

/** The state published so far (test builds only; undefined otherwise). */
export function readTestState(): RiskmapTestState | undefined {
  return TEST_HOOKS ? window.__riskmap : undefined;
}
