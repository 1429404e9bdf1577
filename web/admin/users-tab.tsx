import { Fragment, useState } from 'react';
import type { User } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime } from '../lib/format.ts';
import { roleName } from '../lib/roles.ts';
import { useI18n } from '../i18n.ts';
import { useUsers } from './queries.ts';
import { EditUserForm, NewUserForm } from './user-forms.tsx';

/** The users tab: table of the users in my area, their editor, and the new-user form. */
export function UsersTab() {
  const { t } = useI18n();
  const users = useUsers();
  const [editing, setEditing] = useState<number | null>(null);

  return (
    <div className="admin-tab">
      {users.error && (
        <p className="form-error" role="alert">
          {errorMessage(users.error, t)}
        </p>
      )}
      {users.isPending && <p role="status">{t('admin.loading')}</p>}
      {users.data && (
        <UsersTable
          users={users.data}
          editing={editing}
          onEdit={setEditing}
          onSaved={() => setEditing(null)}
        />
      )}
      <NewUserForm />
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
  onSaved: () => void;
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
                <td className="mono" translate="no">
                  {u.username}
                </td>
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
