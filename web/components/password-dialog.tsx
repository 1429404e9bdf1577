import { useEffect, useRef, useState, type FormEvent } from 'react';
import { changePassword } from '../api/client.ts';
import { useI18n } from '../i18n.ts';

/** Minimum length of a new password (the API's rule). */
const MIN_PASSWORD_LENGTH = 10;

/** A small modal form: current password, new password twice. */
export function PasswordDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);

  useEffect(() => firstField.current?.focus(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (next.length < MIN_PASSWORD_LENGTH) return setError(t('password.tooShort'));
    if (next !== repeat) return setError(t('password.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      setDone(true);
    } catch (e: unknown) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="password-dialog-title"
        data-testid="password-dialog"
      >
        <h2 id="password-dialog-title" className="modal-title">
          {t('password.title')}
        </h2>
        {done ? (
          <>
            <p className="form-success" role="status">
              {t('password.done')}
            </p>
            <div className="form-actions">
              <button type="button" className="button primary" onClick={onClose}>
                {t('detail.close')}
              </button>
            </div>
          </>
        ) : (
          <form onSubmit={onSubmit}>
            <label className="field">
              <span>{t('password.current')}</span>
              <input
                ref={firstField}
                type="password"
                name="current-password"
                autoComplete="current-password"
                required
                value={current}
                onChange={(e) => setCurrent(e.currentTarget.value)}
              />
            </label>
            <label className="field">
              <span>{t('password.new')}</span>
              <input
                type="password"
                name="new-password"
                autoComplete="new-password"
                required
                minLength={MIN_PASSWORD_LENGTH}
                maxLength={200}
                value={next}
                onChange={(e) => setNext(e.currentTarget.value)}
              />
            </label>
            <label className="field">
              <span>{t('password.confirm')}</span>
              <input
                type="password"
                name="repeat-password"
                autoComplete="new-password"
                required
                value={repeat}
                onChange={(e) => setRepeat(e.currentTarget.value)}
              />
            </label>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <div className="form-actions">
              <button type="button" className="button" onClick={onClose}>
                {t('password.cancel')}
              </button>
              <button type="submit" className="button primary" disabled={busy}>
                {t('password.save')}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
