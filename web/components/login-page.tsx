import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { useSession, useSignIn } from '../lib/session.tsx';
import { useI18n, type MessageKey } from '../i18n.ts';
import { LanguageSwitch } from './language-switch.tsx';

/** Translated summary of a failed sign-in, by HTTP status. */
const FAILURE_KEY: Partial<Record<number, MessageKey>> = {
  401: 'login.wrong',
  423: 'login.locked',
  429: 'login.tooMany',
};

/** Whether two messages say the same words (ignoring case and punctuation). */
function sameWords(a: string | null, b: string): boolean {
  const norm = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return a !== null && norm(a) === norm(b);
}

/** The sign-in page: product name, username and password, the API's answer when it fails. */
export function LoginPage() {
  const { t } = useI18n();
  const { notice } = useSession();
  const signIn = useSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (signIn.isPending) return;
    // a refused password is typed again
    signIn.mutate({ username: username.trim(), password }, { onError: () => setPassword('') });
  };

  const error = signIn.error;
  const summaryKey = error instanceof ApiError ? FAILURE_KEY[error.status] : undefined;
  const failure = error && { summary: summaryKey ? t(summaryKey) : null, detail: errorMessage(error, t) };
  const noticeText =
    notice?.kind === 'ended'
      ? t('login.sessionEnded')
      : notice && `${t('status.apiDown')}: ${errorMessage(notice.error, t)}`;

  return (
    <div className="login-page" data-testid="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <form className="login-card" onSubmit={onSubmit} aria-labelledby="login-heading">
        <h1 className="login-product">{t('app.documentTitle')}</h1>
        <p className="login-hint">{t('login.hint')}</p>
        <h2 id="login-heading" className="login-title">
          {t('login.title')}
        </h2>
        {noticeText && !failure && (
          <p className="form-notice" role="status">
            {noticeText}
          </p>
        )}
        <label className="field">
          <span>{t('login.username')}</span>
          <input
            data-testid="login-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={40}
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            aria-invalid={failure ? true : undefined}
            aria-describedby={failure ? 'login-error' : undefined}
            autoFocus
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={200}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            aria-invalid={failure ? true : undefined}
            aria-describedby={failure ? 'login-error' : undefined}
          />
        </label>
        {failure && (
          <div className="form-error" role="alert" id="login-error" data-testid="login-error">
            {failure.summary && <div>{failure.summary}</div>}
            {!sameWords(failure.summary, failure.detail) && (
              <div className={failure.summary ? 'form-error-detail' : undefined}>{failure.detail}</div>
            )}
          </div>
        )}
        <button
          type="submit"
          className="button primary wide"
          data-testid="login-submit"
          disabled={signIn.isPending}
        >
          {signIn.isPending ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
