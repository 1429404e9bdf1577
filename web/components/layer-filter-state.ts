import type { LayerFilter } from '../map/use-point-tiles.ts';

/** The four levels (risk levels, or incident priorities): all of them is no filter at all. */
const ALL_LEVELS = [1, 2, 3, 4] as const;

/** What the API accepts as a kind code. */
export const KIND_PATTERN = /^[A-Za-z0-9_]{1,32}$/;

/** A filter changed by `patch`, without the fields it leaves unset (so `{}` means no filter). */
export function patchFilter(filter: LayerFilter, patch: Partial<LayerFilter>): LayerFilter {
  const next: LayerFilter = { ...filter, ...patch };
  for (const k of Object.keys(next) as (keyof LayerFilter)[]) if (next[k] === undefined) delete next[k];
  return next;
}

/** The levels selected of a filter (every level when it has none). */
export function selectedLevels(filter: LayerFilter): readonly number[] {
  return filter.levels ?? ALL_LEVELS;
}

/** The filter with one level switched on or off; all four selected again is no level filter. */
export function toggleLevel(filter: LayerFilter, level: number, on: boolean): LayerFilter {
  const levels = selectedLevels(filter);
  const next = on ? [...new Set([...levels, level])].sort() : levels.filter((l) => l !== level);
  return patchFilter(filter, { levels: next.length === ALL_LEVELS.length ? undefined : next });
}

/**
 * The filter for what was typed as a kind: a valid code (or nothing) filters at once; anything
 * else leaves the filter as it is (the field shows it is invalid).
 */
export function typedKind(filter: LayerFilter, text: string): LayerFilter | null {
  if (text === '') return patchFilter(filter, { kind: undefined });
  return KIND_PATTERN.test(text) ? patchFilter(filter, { kind: text }) : null;
}
