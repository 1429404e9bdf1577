import { Fragment, useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  createUser,
  listUsers,
  updateUser,
  type Role,
  type User,
  type UserPatchBody,
} from '../api/client.ts';
import { ROLES, roleName } from '../auth/roles.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n.ts';
import { AreaPicker } from './area-picker.tsx';
import { errorMessage, formatTime, splitList } from './format.ts';

/** The users tab: table of the users in my area, their editor, and the new-user form. */
export function UsersTab() {
  const { t } = useI18n();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | null>(null);

  const reload = useCallback(async () => {
    try {
      setUsers(await listUsers());
      setError(null);
    } catch (e: unknown) {
      setError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const onSaved = (user: User) => {
    setUsers((list) => list?.map((u) => (u.id === user.id ? user : u)) ?? null);
    setEditing(null);
  };

  return (
    <div className="admin-tab">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {users === null && !error && <p>{t('admin.loading')}</p>}
      {users && <UsersTable users={users} editing={editing} onEdit={setEditing} onSaved={onSaved} />}
      <NewUserForm onCreated={() => void reload()} />
    </div>
  );
}

function UsersTable({
  users,
  editing,
  onEdit,
  onSaved,
}: {
  users: readonly User[];
  editing: number | null;
  onEdit: (id: number | null) => void;
  onSaved: (user: User) => void;
}) {
  const { language, t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="users-table">
        <thead>
          <tr>
            <th>{t('users.username')}</th>
            <th>{t('users.displayName')}</th>
            <th>{t('users.role')}</th>
            <th>{t('users.homeArea')}</th>
            <th>{t('users.grants')}</th>
            <th>{t('users.disabled')}</th>
            <th>{t('users.locked')}</th>
            <th>{t('users.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                {t('admin.empty')}
              </td>
            </tr>
          )}
          {users.map((u) => (
            <Fragment key={u.id}>
              <tr
                data-testid="user-row"
                data-username={u.username}
                className={u.disabled ? 'dimmed' : undefined}
              >
                <td className="mono">{u.username}</td>
                <td>{u.displayName}</td>
                <td>{roleName(language, u.role)}</td>
                <td>
                  {u.homeAreaName ?? '—'} <span className="muted mono">{u.homeAreaCode}</span>
                </td>
                <td className="mono">{u.grants.length > 0 ? u.grants.join(', ') : '—'}</td>
                <td>{u.disabled ? t('value.yes') : t('value.no')}</td>
                <td>{u.lockedUntil ? formatTime(language, u.lockedUntil) : '—'}</td>
                <td>
                  <button
                    type="button"
                    className="button small"
                    data-testid="user-edit"
                    aria-expanded={editing === u.id}
                    onClick={() => onEdit(editing === u.id ? null : u.id)}
                  >
                    {t('admin.edit')}
                  </button>
                </td>
              </tr>
              {editing === u.id && (
                <tr className="edit-row">
                  <td colSpan={8}>
                    <EditUserForm user={u} onSaved={onSaved} onCancel={() => onEdit(null)} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

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
function EditUserForm({
  user,
  onSaved,
  onCancel,
}: {
  user: User;
  onSaved: (u: User) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [homeAreaCode, setHomeAreaCode] = useState(user.homeAreaCode);
  const [grants, setGrants] = useState(user.grants.join(', '));
  const [disabled, setDisabled] = useState(user.disabled);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const self = me?.kind === 'user' && me.id === user.id;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const patch: UserPatchBody = {};
    if (displayName.trim() !== user.displayName) patch.displayName = displayName.trim();
    if (role !== user.role) patch.role = role;
    if (homeAreaCode !== user.homeAreaCode) patch.homeAreaCode = homeAreaCode;
    if (disabled !== user.disabled) patch.disabled = disabled;
    if (password) patch.password = password;
    const grantList = splitList(grants);
    if (grantList.join(',') !== user.grants.join(',')) patch.grants = grantList;
    if (Object.keys(patch).length === 0) return onCancel();
    setBusy(true);
    setError(null);
    try {
      onSaved(await updateUser(user.id, patch));
    } catch (e: unknown) {
      setError(errorMessage(e));
      setBusy(false);
    }
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
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
          />
        </label>
        <label className="field">
          <span>{t('users.role')}</span>
          <RoleSelect value={role} onChange={setRole} testId="edit-user-role" />
        </label>
        <label className="field">
          <span>{t('users.grants')}</span>
          <input
            data-testid="edit-user-grants"
            placeholder={t('users.grantsHint')}
            value={grants}
            onChange={(e) => setGrants(e.currentTarget.value)}
          />
          <small className="muted">{t('users.grantsHint')}</small>
        </label>
        <label className="field">
          <span>{t('users.resetPassword')}</span>
          <input
            type="password"
            autoComplete="new-password"
            minLength={10}
            maxLength={200}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {!self && (
          <label className="field checkbox">
            <input
              type="checkbox"
              data-testid="edit-user-disabled"
              checked={disabled}
              onChange={(e) => setDisabled(e.currentTarget.checked)}
            />
            <span>{t('users.disabled')}</span>
          </label>
        )}
        <fieldset className="field-group">
          <legend>{t('users.homeArea')}</legend>
          <AreaPicker value={homeAreaCode} onChange={setHomeAreaCode} testId="edit-user-area" />
        </fieldset>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('admin.cancel')}
        </button>
        <button type="submit" className="button primary" disabled={busy} data-testid="edit-user-save">
          {t('admin.save')}
        </button>
      </div>
    </form>
  );
}

/** Create a user: username, name, role, home area, initial password. */
function NewUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [homeAreaCode, setHomeAreaCode] = useState(me?.homeAreaCode ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const user = await createUser({
        username: username.trim().toLowerCase(),
        displayName: displayName.trim(),
        role,
        homeAreaCode,
        password,
      });
      setCreated(user.username);
      setUsername('');
      setDisplayName('');
      setPassword('');
      onCreated(user);
    } catch (e: unknown) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

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
            minLength={10}
            maxLength={200}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <fieldset className="field-group">
          <legend>{t('users.homeArea')}</legend>
          <AreaPicker value={homeAreaCode} onChange={setHomeAreaCode} testId="new-user-area" />
        </fieldset>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="new-user-error">
          {error}
        </p>
      )}
      {created && (
        <p className="form-success" role="status">
          {t('users.created')}: <span className="mono">{created}</span>
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy} data-testid="new-user-submit">
          {t('users.create')}
        </button>
      </div>
    </form>
  );
}
