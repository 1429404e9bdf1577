import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../api/auth/password-rules.ts';
import { changePassword } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { errorMessage } from '../lib/error-message.ts';
import { FormError, SubmitRow } from './form-parts.tsx';

/** What is wrong with a new password before it is sent, or null (the API checks the rest). */
function newPasswordProblem(next: string, repeat: string): 'password.tooShort' | 'password.mismatch' | null {
  if ([...next].length < PASSWORD_MIN_LENGTH) return 'password.tooShort';
  if (next !== repeat) return 'password.mismatch';
  return null;
}

/** A small modal form: current password, new password twice. */
export function PasswordDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const change = useMutation({
    mutationFn: (body: { current: string; next: string }) => changePassword(body.current, body.next),
  });
  const firstField = useRef<HTMLInputElement>(null);

  useEffect(() => firstField.current?.focus(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = newPasswordProblem(next, repeat);
    setProblem(found);
    if (found) return change.reset();
    change.mutate({ current, next });
  };

  // the API says why a password is refused (too common, the current one …) by code
  const error = problem ? t(problem) : change.error ? errorMessage(change.error, t) : null;

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
        {change.isSuccess ? (
          <>
            <p className="form-success" role="status">
              {t('password.done')}
            </p>
            <div className="form-actions">
              <button type="button" className="button primary" onClick={onClose} autoFocus>
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
                minLength={PASSWORD_MIN_LENGTH}
                maxLength={PASSWORD_MAX_LENGTH}
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
            <FormError error={error} />
            <SubmitRow
              label={t('password.save')}
              pending={change.isPending}
              cancel={{ label: t('password.cancel'), onCancel: onClose }}
            />
          </form>
        )}
      </div>
    </div>
  );
}
