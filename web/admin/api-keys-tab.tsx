import { useRef, useState, type FormEvent } from 'react';
import type { ApiKey, NewApiKey } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime, nameAndCode } from '../lib/format.ts';
import { API_KEY_PERMISSIONS, permissionName, type ApiKeyPermission } from '../lib/roles.ts';
import { useSession } from '../lib/session.tsx';
import { useI18n } from '../i18n.ts';
import { AreaPicker, CITY_CODE } from './area-picker.tsx';
import { useApiKeys, useCreateApiKey, useRevokeApiKey, useTownNames } from './queries.ts';
import { FormError, SubmitRow } from '../components/form-parts.tsx';

/** The API keys tab: list with revoke, and the create form that shows a new key once. */
export function ApiKeysTab() {
  const { language, t } = useI18n();
  const query = useApiKeys();
  const revoke = useRevokeApiKey();
  const towns = useTownNames();
  const townNames = new Map((towns.data ?? []).map((a) => [a.code, a.name]));
  const [fresh, setFresh] = useState<NewApiKey | null>(null);
  // Revoking asks once more, in the row itself.
  const [confirming, setConfirming] = useState<number | null>(null);
  const keys = query.data;
  const error = query.error ?? revoke.error;

  const onRevoke = (key: ApiKey) => {
    setConfirming(null);
    revoke.mutate(key.id);
  };

  return (
    <div className="admin-tab">
      {error && (
        <p className="form-error" role="alert">
          {errorMessage(error, t)}
        </p>
      )}
      {fresh && <NewKeyNotice created={fresh} onDismiss={() => setFresh(null)} />}
      {query.isPending && <p role="status">{t('admin.loading')}</p>}
      {keys && (
        <div className="table-wrap">
          <table className="data-table" data-testid="api-keys-table">
            <thead>
              <tr>
                <th>{t('keys.name')}</th>
                <th>{t('keys.prefix')}</th>
                <th>{t('keys.permissions')}</th>
                <th>{t('keys.area')}</th>
                <th>{t('keys.createdAt')}</th>
                <th>{t('keys.status')}</th>
                <th>{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    {t('admin.empty')}
                  </td>
                </tr>
              )}
              {keys.map((k) => (
                <tr key={k.id} data-testid="api-key-row" className={k.revokedAt ? 'dimmed' : undefined}>
                  <td>{k.name}</td>
                  <td className="mono">{k.keyPrefix}…</td>
                  <td>{k.permissions.map((p) => permissionName(language, p)).join('、')}</td>
                  <td>
                    {k.areaCode === CITY_CODE
                      ? t('area.wholeCity')
                      : nameAndCode(townNames.get(k.areaCode), k.areaCode)}
                  </td>
                  <td>{formatTime(language, k.createdAt)}</td>
                  <td>
                    {k.revokedAt
                      ? `${t('keys.revoked')} ${formatTime(language, k.revokedAt)}`
                      : t('keys.active')}
                  </td>
                  <td>
                    {!k.revokedAt && confirming !== k.id && (
                      <button
                        type="button"
                        className="button small"
                        data-testid="api-key-revoke"
                        onClick={() => setConfirming(k.id)}
                      >
                        {t('keys.revoke')}
                      </button>
                    )}
                    {!k.revokedAt && confirming === k.id && (
                      <span className="confirm">
                        <span className="muted">{t('keys.revokeConfirm')}</span>
                        <button
                          type="button"
                          className="button small danger"
                          data-testid="api-key-revoke-confirm"
                          onClick={() => onRevoke(k)}
                        >
                          {t('keys.confirmRevoke')}
                        </button>
                        <button type="button" className="button small" onClick={() => setConfirming(null)}>
                          {t('admin.cancel')}
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewKeyForm onCreated={setFresh} />
    </div>
  );
}

/** The secret of a new key, shown once with a copy button. */
function NewKeyNotice({ created, onDismiss }: { created: NewApiKey; onDismiss: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  const copy = async () => {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      // no clipboard access (http, permissions): the key is selected for Ctrl+C instead
    }
  };

  return (
    <div className="key-notice" role="status" data-testid="new-api-key">
      <p>
        <strong>{created.name}</strong> — {t('keys.created')}
      </p>
      <div className="key-row">
        <input
          ref={field}
          readOnly
          className="mono key-value"
          data-testid="new-api-key-value"
          value={created.key}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? t('keys.copied') : t('keys.copy')}
        </button>
        <button type="button" className="close-button" aria-label={t('detail.close')} onClick={onDismiss}>
          ×
        </button>
      </div>
      <p className="muted">{t('keys.copyHint')}</p>
    </div>
  );
}

/** Create a key: name, permissions (checkboxes) and area. */
function NewKeyForm({ onCreated }: { onCreated: (key: NewApiKey) => void }) {
  const { language, t } = useI18n();
  const { me } = useSession();
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<ReadonlySet<ApiKeyPermission>>(new Set(['read']));
  const [areaCode, setAreaCode] = useState(me?.homeAreaCode ?? '');
  const [noPermission, setNoPermission] = useState(false);
  const create = useCreateApiKey();

  const toggle = (p: ApiKeyPermission, on: boolean) =>
    setPermissions((set) => {
      const next = new Set(set);
      if (on) next.add(p);
      else next.delete(p);
      return next;
    });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setNoPermission(permissions.size === 0);
    if (permissions.size === 0) return create.reset();
    const body = {
      name: name.trim(),
      permissions: API_KEY_PERMISSIONS.filter((p) => permissions.has(p)),
      areaCode,
    };
    create.mutate(body, {
      onSuccess: (created) => {
        setName('');
        onCreated(created);
      },
    });
  };
  const error = noPermission ? t('keys.noPermission') : create.error ? errorMessage(create.error, t) : null;

  return (
    <form className="admin-form" data-testid="new-api-key-form" onSubmit={onSubmit}>
      <h3 className="form-title">{t('keys.new')}</h3>
      <div className="form-grid">
        <label className="field">
          <span>{t('keys.name')}</span>
          <input
            data-testid="new-api-key-name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <fieldset className="field-group">
          <legend>{t('keys.permissions')}</legend>
          <div className="checkbox-row">
            {API_KEY_PERMISSIONS.map((p) => (
              <label key={p} className="checkbox">
                <input
                  type="checkbox"
                  data-testid={`new-api-key-perm-${p}`}
                  checked={permissions.has(p)}
                  onChange={(e) => toggle(p, e.currentTarget.checked)}
                />
                <span>{permissionName(language, p)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field-group">
          <legend>{t('keys.area')}</legend>
          <AreaPicker value={areaCode} onChange={setAreaCode} testId="new-api-key-area" />
        </fieldset>
      </div>
      <FormError error={error} />
      <SubmitRow label={t('keys.create')} pending={create.isPending} testId="new-api-key-submit" />
    </form>
  );
}
