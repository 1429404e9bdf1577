import { useState, type FormEvent } from 'react';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../api/auth/password-rules.ts';
import type { Role, User } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { ROLES, roleName } from '../lib/roles.ts';
import { useSession } from '../lib/session.tsx';
import { useI18n } from '../i18n.ts';
import { AreaPicker } from './area-picker.tsx';
import { useCreateUser, useUpdateUser } from './queries.ts';
import { draftOf, userPatch, type UserDraft } from './user-patch.ts';
import { FormError, SubmitRow } from '../components/form-parts.tsx';

/** The role choice of the user forms. */
function RoleSelect({
  value,
  onChange,
  testId,
}: {
  value: Role;
  onChange: (r: Role) => void;
  testId: string;
}) {
  const { language } = useI18n();
  return (
    <select data-testid={testId} value={value} onChange={(e) => onChange(e.currentTarget.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {roleName(language, r)}
        </option>
      ))}
    </select>
  );
}

/** Edit one user: only the fields that changed are sent. */
export function EditUserForm({
  user,
  onSaved,
  onCancel,
}: {
  user: User;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const [draft, setDraft] = useState(() => draftOf(user));
  const update = useUpdateUser();
  const self = me?.kind === 'user' && me.id === user.id;
  const set = <K extends keyof UserDraft>(key: K, value: UserDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const patch = userPatch(user, draft);
    if (Object.keys(patch).length === 0) return onCancel();
    update.mutate({ id: user.id, patch }, { onSuccess: onSaved });
  };

  return (
    <form className="admin-form" data-testid="edit-user-form" onSubmit={onSubmit}>
      <h3 className="form-title">
        {t('users.edit')}: <span className="mono">{user.username}</span>
      </h3>
      <div className="form-grid">
        <label className="field">
          <span>{t('users.displayName')}</span>
          <input
            required
            maxLength={100}
            value={draft.displayName}
            onChange={(e) => set('displayName', e.currentTarget.value)}
          />
        </label>
        <label className="field">
          <span>{t('users.role')}</span>
          <RoleSelect value={draft.role} onChange={(r) => set('role', r)} testId="edit-user-role" />
        </label>
        <label className="field">
          <span>{t('users.grants')}</span>
          <input
            data-testid="edit-user-grants"
            placeholder={t('users.grantsHint')}
            value={draft.grants}
            onChange={(e) => set('grants', e.currentTarget.value)}
          />
          <small className="muted">{t('users.grantsHint')}</small>
        </label>
        <label className="field">
          <span>{t('users.resetPassword')}</span>
          <input
            type="password"
            autoComplete="new-password"
            minLength={PASSWORD_MIN_LENGTH}
            maxLength={PASSWORD_MAX_LENGTH}
            value={draft.password}
            onChange={(e) => set('password', e.currentTarget.value)}
          />
        </label>
        {!self && (
          <label className="field checkbox">
            <input
              type="checkbox"
              data-testid="edit-user-disabled"
              checked={draft.disabled}
              onChange={(e) => set('disabled', e.currentTarget.checked)}
            />
            <span>{t('users.disabled')}</span>
          </label>
        )}
        <fieldset className="field-group">
          <legend>{t('users.homeArea')}</legend>
          <AreaPicker
            value={draft.homeAreaCode}
            onChange={(code) => set('homeAreaCode', code)}
            testId="edit-user-area"
          />
        </fieldset>
      </div>
      {/* a refused password is explained in the interface language */}
      <FormError error={update.error && errorMessage(update.error, t)} />
      <SubmitRow
        label={t('admin.save')}
        pending={update.isPending}
        testId="edit-user-save"
        cancel={{ label: t('admin.cancel'), onCancel }}
      />
    </form>
  );
}

/** Create a user: username, name, role, home area, initial password. */
export function NewUserForm() {
  const { t } = useI18n();
  const { me } = useSession();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [homeAreaCode, setHomeAreaCode] = useState(me?.homeAreaCode ?? '');
  const [password, setPassword] = useState('');
  const create = useCreateUser();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const body = {
      username: username.trim().toLowerCase(),
      displayName: displayName.trim(),
      role,
      homeAreaCode,
      password,
    };
    create.mutate(body, {
      onSuccess: () => {
        setUsername('');
        setDisplayName('');
        setPassword('');
      },
    });
  };
  const created = create.data?.username ?? null;

  return (
    <form className="admin-form" data-testid="new-user-form" onSubmit={onSubmit}>
      <h3 className="form-title">{t('users.new')}</h3>
      <div className="form-grid">
        <label className="field">
          <span>{t('users.username')}</span>
          <input
            name="username"
            data-testid="new-user-username"
            required
            pattern="[a-z0-9_.\-]{2,40}"
            title={t('users.usernameHint')}
            autoCapitalize="none"
            autoComplete="off"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
          />
          <small className="muted">{t('users.usernameHint')}</small>
        </label>
        <label className="field">
          <span>{t('users.displayName')}</span>
          <input
            name="displayName"
            data-testid="new-user-name"
            required
            maxLength={100}
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
          />
        </label>
        <label className="field">
          <span>{t('users.role')}</span>
          <RoleSelect value={role} onChange={setRole} testId="new-user-role" />
        </label>
        <label className="field">
          <span>{t('users.password')}</span>
          <input
            name="password"
            data-testid="new-user-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            maxLength={PASSWORD_MAX_LENGTH}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <fieldset className="field-group">
          <legend>{t('users.homeArea')}</legend>
          <AreaPicker value={homeAreaCode} onChange={setHomeAreaCode} testId="new-user-area" />
        </fieldset>
      </div>
      <FormError error={create.error && errorMessage(create.error, t)} testId="new-user-error" />
      {created && (
        <p className="form-success" role="status">
          {t('users.created')}: <span className="mono">{created}</span>
        </p>
      )}
      <SubmitRow label={t('users.create')} pending={create.isPending} testId="new-user-submit" />
    </form>
  );
}
