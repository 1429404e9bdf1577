import { useIsMutating } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import {
  gridProblems,
  type GridFeature,
  type GridListing,
  type GridProblem,
  type GridWriteResult,
} from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { errorMessage } from '../lib/error-message.ts';
import { draftLine, draftPolygon, draftReducer, INITIAL_DRAFT } from './draft.ts';
import { ringsOf } from './edit-geometry.ts';
import { useGridChange, type GridChange } from './queries.ts';

/** A line for the user: what was done, or why it failed. */
export interface Message {
  kind: 'info' | 'error';
  text: string;
}

const NONE: readonly GridProblem[] = [];

/**
 * The editing state of the grid editor over one listing: the selected grids, the draft (see
 * draft.ts), the problems of the last refused save, the message, and the writes. A write that
 * succeeds leaves the mode and selects the grid it made; one refused keeps the draft and shows
 * why (the problems on the map and in the panel, in the user's language).
 */
export function useGridEditor(listing: GridListing | null, village: string) {
  const { t } = useI18n();
  const [selected, setSelected] = useState<string[]>([]);
  const [draft, dispatch] = useReducer(draftReducer, INITIAL_DRAFT);
  const [refused, setRefused] = useState<readonly GridProblem[]>(NONE);
  const [message, setMessage] = useState<Message | null>(null);
  const [reassignable, setReassignable] = useState(0);
  const change = useGridChange();
  const busy = useIsMutating() > 0;

  const grids = useMemo(() => listing?.grids.features ?? [], [listing]);
  const byCode = useMemo(() => new Map(grids.map((g) => [g.id, g])), [grids]);
  const one = selected.length === 1 ? (byCode.get(selected[0]!) ?? null) : null;

  // an edit of the draft makes the last refusal's problems moot
  const { ring, holes, line, closed } = draft;
  useEffect(() => setRefused(NONE), [ring, holes, line, closed]);

  const describe = useCallback((e: unknown) => errorMessage(e, t), [t]);
  const say = useCallback((kind: Message['kind'], text: string) => setMessage({ kind, text }), []);
  const leave = useCallback(() => {
    dispatch({ type: 'leave' });
    setRefused(NONE);
  }, []);
  /** Another village, town or date: nothing selected, no draft. */
  const reset = useCallback(() => {
    setSelected([]);
    leave();
  }, [leave]);

  const pick = useCallback((code: string | null, add: boolean) => {
    if (code === null) setSelected([]);
    else
      setSelected((cur) =>
        add ? (cur.includes(code) ? cur.filter((c) => c !== code) : [...cur, code]) : [code],
      );
  }, []);

  /** Sends a change; `done` says what was done once it is saved. */
  const write = useCallback(
    (c: GridChange, done: (r: GridWriteResult) => string) => {
      setMessage(null);
      change.mutate(c, {
        onSuccess: (r) => {
          leave();
          setSelected(c.kind === 'delete' ? [] : r.grids.map((g) => g.id).slice(0, 1));
          setReassignable(r.reassignable);
          say('info', done(r));
        },
        onError: (e) => {
          const problems = gridProblems(e);
          if (problems) setRefused(problems);
          say('error', describe(e));
        },
      });
    },
    [change, leave, say, describe],
  );

  const startDraw = () => {
    setSelected([]);
    setRefused(NONE);
    dispatch({ type: 'draw' });
  };
  const startReshape = () => {
    if (!one) return;
    setRefused(NONE);
    dispatch({ type: 'reshape', rings: ringsOf(one.geometry) });
  };
  const startSplit = () => {
    setRefused(NONE);
    dispatch({ type: 'split' });
  };
  const save = (attributes: { name: string; households: number | null }) => {
    const geometry = draftPolygon(draft);
    if (!geometry) return;
    if (draft.mode === 'draw')
      write(
        { kind: 'create', parentCode: village, geometry, ...attributes },
        (r) => `${t('grids.created')} ${r.grids[0]?.id ?? ''}`,
      );
    else if (draft.mode === 'reshape' && one)
      write(
        { kind: 'update', code: one.id, version: one.properties.version, geometry },
        (r) => `${t('grids.saved')} ${one.id} v${r.grids[0]?.properties.version ?? ''}`,
      );
  };
  const split = () => {
    const cut = draftLine(draft);
    if (one && cut)
      write(
        { kind: 'split', code: one.id, version: one.properties.version, line: cut },
        (r) => `${t('grids.splitDone')} ${r.grids.map((g) => g.id).join(', ')}`,
      );
  };
  const merge = () => {
    const list = selected.map((c) => byCode.get(c)).filter((g): g is GridFeature => Boolean(g));
    write(
      { kind: 'merge', grids: list.map((g) => ({ code: g.id, version: g.properties.version })) },
      (r) => `${t('grids.mergeDone')} ${r.grids[0]?.id ?? ''}`,
    );
  };
  const remove = () => {
    if (!one || !window.confirm(`${t('grids.confirmDelete')} ${one.properties.name} (${one.id})`)) return;
    write(
      { kind: 'delete', code: one.id, version: one.properties.version },
      () => `${t('grids.deleted')} ${one.id}`,
    );
  };

  return {
    grids,
    selected,
    one,
    draft,
    dispatch,
    refused,
    message,
    reassignable,
    busy,
    describe,
    say,
    pick,
    leave,
    reset,
    write,
    startDraw,
    startReshape,
    startSplit,
    save,
    split,
    merge,
    remove,
  };
}

export type GridEditor = ReturnType<typeof useGridEditor>;
