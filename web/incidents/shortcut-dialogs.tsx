import { errorMessage } from '../lib/error-message.ts';
import { etaMinutes } from '../lib/team-format.ts';
import { useI18n, type I18n, type MessageKey } from '../i18n.ts';
import type { PendingDispatch, ShortcutOutcome } from './queue-state.ts';

/** The keyboard shortcuts of the queue. */
const SHORTCUTS: ReadonlyArray<{ keys: string[]; text: MessageKey }> = [
  { keys: ['↑', '↓', 'k', 'j'], text: 'shortcut.move' },
  { keys: ['Enter'], text: 'shortcut.open' },
  { keys: ['a'], text: 'shortcut.accept' },
  { keys: ['d'], text: 'shortcut.dispatch' },
  { keys: ['/'], text: 'shortcut.filter' },
  { keys: ['?'], text: 'shortcut.toggleHelp' },
  { keys: ['Esc'], text: 'shortcut.escape' },
];

/** The shortcut help (toggled by `?`). */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <div
        className="modal shortcut-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-help-title"
        data-testid="shortcut-help"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 className="modal-title" id="shortcut-help-title">
          {t('shortcut.title')}
        </h2>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.text}>
                <td className="nowrap">
                  {s.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{t(s.text)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">{t('shortcut.notInFields')}</p>
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('detail.close')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** Props of ShortcutConfirm. */
export interface ShortcutConfirmProps {
  pending: PendingDispatch;
  onCancel: () => void;
  onConfirm: () => void;
}

/** The confirmation of the `d` shortcut: send the fastest team to the incident under the cursor. */
export function ShortcutConfirm({ pending, onCancel, onConfirm }: ShortcutConfirmProps) {
  const { t } = useI18n();
  const { incident, candidate } = pending;
  return (
    <div className="modal-backdrop" role="presentation" onClick={onCancel}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-confirm-title"
        data-testid="shortcut-confirm"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 className="modal-title" id="shortcut-confirm-title">
          {t('shortcut.confirmTitle')}
        </h2>
        <p>
          #{incident.id} {incident.categoryName ?? incident.category} → <strong>{candidate.name}</strong> (
          {t('dispatch.eta')} {etaMinutes(t, candidate.travelTimeS)})
        </p>
        <div className="form-actions">
          <button type="button" className="button" onClick={onCancel}>
            {t('desk.cancel')}
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="shortcut-confirm-ok"
            autoFocus
            onClick={onConfirm}
          >
            {t('dispatch.assign')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** What a shortcut did, in the current language. */
function outcomeText(t: I18n['t'], outcome: ShortcutOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return t('shortcut.accepted');
    case 'cannotAccept':
      return t('shortcut.cannotAccept');
    case 'cannotDispatch':
      return t('shortcut.cannotDispatch');
    case 'noCandidate':
      return t('shortcut.noCandidate');
    case 'dispatched':
      return `${t('shortcut.dispatched')} ${outcome.teamName}`;
    case 'failed':
      return errorMessage(outcome.error, t);
  }
}

/** The last shortcut's outcome above the queue. */
export function ShortcutOutcomeNote({ outcome }: { outcome: ShortcutOutcome }) {
  const { t } = useI18n();
  const ok = outcome.kind === 'accepted' || outcome.kind === 'dispatched';
  return (
    <p className={ok ? 'form-success' : 'form-error'} role="status" data-testid="shortcut-message">
      #{outcome.incidentId}: {outcomeText(t, outcome)}
    </p>
  );
}
