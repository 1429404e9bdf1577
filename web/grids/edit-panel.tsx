import { useState, type Dispatch } from 'react';
import type { GridProblem } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { canUndo, type DraftAction, type DraftState, type Mode } from './draft.ts';
import { ProblemList } from './problem-list.tsx';
import type { AreaNames } from './problem-text.ts';
import type { DraftCheck } from './use-draft-check.ts';
import { GridAttributeFields } from './grid-attribute-fields.tsx';

type EditMode = Exclude<Mode, 'view'>;

const modeKey = (mode: EditMode): MessageKey => `grids.mode.${mode}`;
const hintKey = (mode: EditMode): MessageKey => `grids.hint.${mode}`;

/** Square metres of the gaps a save would leave, as the server measured them. */
export function gapAreaM2(warnings: readonly GridProblem[]): number {
  return warnings.reduce((sum, w) => sum + (w.areaM2 ?? 0), 0);
}

/** Props of EditPanel. */
export interface EditPanelProps {
  draft: DraftState;
  dispatch: Dispatch<DraftAction>;
  check: DraftCheck;
  /** Problems of the last refused save, shown instead of the live check's until the next edit. */
  refused: readonly GridProblem[];
  names: AreaNames;
  busy: boolean;
  /** Save the outline: a new grid's name and households, or the reshaped outline. */
  onSave: (attributes: { name: string; households: number | null }) => void;
  onSplit: () => void;
  onLeave: () => void;
}

/**
 * The panel of a drawing, reshaping or splitting: the hint, a new grid's name and households,
 * the live check's verdict (the problems in the user's language, the gaps the save would leave),
 * and the buttons to finish, save, split, undo and cancel.
 */
export function EditPanel({
  draft,
  dispatch,
  check,
  refused,
  names,
  busy,
  onSave,
  onSplit,
  onLeave,
}: EditPanelProps) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [households, setHouseholds] = useState('');
  const { mode } = draft;
  if (mode === 'view') return null;
  const outline = mode === 'draw' || mode === 'reshape';
  const problems = refused.length > 0 ? refused : check.errors;

  return (
    <section className="panel" data-testid="grid-edit-panel">
      <h2 className="panel-title">{t(modeKey(mode))}</h2>
      <p className="grids-note">{t(hintKey(mode))}</p>
      {mode === 'draw' && (
        <GridAttributeFields
          name={name}
          households={households}
          onName={setName}
          onHouseholds={setHouseholds}
          testIdPrefix="grid"
        />
      )}
      {outline && draft.closed && (
        <div className="grids-validation" data-testid="grid-validation" data-status={check.status}>
          {check.status === 'pending' && t('grids.checking')}
          {check.status === 'ok' && <span className="grids-ok">{t('grids.valid')}</span>}
          {check.failure && <span className="form-error">{check.failure}</span>}
        </div>
      )}
      {problems.length > 0 && <ProblemList problems={problems} names={names} testId="grid-errors" />}
      {check.warnings.length > 0 && (
        <p className="grids-note" data-testid="grid-warnings">
          {t('grids.problem.gap')}: {check.warnings.length} (
          <span data-testid="grid-warnings-area">{Math.round(gapAreaM2(check.warnings))}</span> m²)
        </p>
      )}
      <div className="grids-tools">
        {mode === 'draw' && !draft.closed && (
          <button
            type="button"
            className="button small"
            data-testid="grid-finish"
            disabled={draft.ring.length < 3}
            onClick={() => dispatch({ type: 'finish' })}
          >
            {t('grids.finish')}
          </button>
        )}
        {outline && (
          <button
            type="button"
            className="button small primary"
            data-testid="grid-save"
            disabled={
              busy || !draft.closed || check.status !== 'ok' || (mode === 'draw' && name.trim() === '')
            }
            onClick={() =>
              onSave({ name: name.trim(), households: households.trim() === '' ? null : Number(households) })
            }
          >
            {t('grids.save')}
          </button>
        )}
        {mode === 'split' && (
          <button
            type="button"
            className="button small primary"
            data-testid="grid-split-confirm"
            disabled={busy || draft.line.length < 2}
            onClick={onSplit}
          >
            {t('grids.splitConfirm')}
          </button>
        )}
        <button
          type="button"
          className="button small"
          data-testid="grid-undo"
          disabled={!canUndo(draft)}
          onClick={() => dispatch({ type: 'undo' })}
        >
          {t('grids.undo')}
        </button>
        <button type="button" className="button small" data-testid="grid-cancel" onClick={onLeave}>
          {t('grids.cancel')}
        </button>
      </div>
    </section>
  );
}
