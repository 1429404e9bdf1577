import { useEffect, useMemo, useState } from 'react';
import type { GridProblem } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { errorMessage } from '../lib/error-message.ts';
import { draftPolygon, isOutlineEdit, type DraftState } from './draft.ts';
import { useGridCheck } from './queries.ts';

/** Wait after the last edit before the outline is checked (a drag sends one check, not one per move). */
export const CHECK_DELAY_MS = 250;

/** The live check of the outline being edited, as the edit panel and the map show it. */
export interface DraftCheck {
  /** idle: nothing to check; pending: the check is under way or waits for the edits to settle. */
  status: 'idle' | 'pending' | 'ok' | 'errors';
  /** Problems that refuse a save. */
  errors: readonly GridProblem[];
  /** The gaps the save would leave in the village (the server's figures): no refusal. */
  warnings: readonly GridProblem[];
  /** The check itself failed (no verdict): why, in the user's language. */
  failure: string | null;
}

const NONE: readonly GridProblem[] = [];

/** `value`, once it has stayed the same for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Checks the finished outline of a draft on the server as a save would (POST
 * /api/grids/validate, the same code path): in `village`, replacing grid `editingCode` when
 * reshaping. The same outline is not checked twice while the grids stay as they are.
 */
export function useDraftCheck(draft: DraftState, village: string, editingCode: string | null): DraftCheck {
  const { t } = useI18n();
  const { ring, holes, closed, mode } = draft;
  const input = useMemo(() => {
    const geometry =
      village && isOutlineEdit({ ring, closed, mode }) ? draftPolygon({ ring, holes, closed }) : null;
    return geometry ? { parentCode: village, geometry, ...(editingCode ? { code: editingCode } : {}) } : null;
  }, [ring, holes, closed, mode, village, editingCode]);
  const settled = useSettled(input, CHECK_DELAY_MS);
  const current = input !== null && settled === input;
  const query = useGridCheck(current ? input : null);

  if (input === null) return { status: 'idle', errors: NONE, warnings: NONE, failure: null };
  if (!current || query.isPending || query.isFetching)
    return { status: 'pending', errors: NONE, warnings: NONE, failure: null };
  if (query.isError)
    return { status: 'errors', errors: NONE, warnings: NONE, failure: errorMessage(query.error, t) };
  const r = query.data;
  return { status: r.ok ? 'ok' : 'errors', errors: r.errors, warnings: r.warnings, failure: null };
}
