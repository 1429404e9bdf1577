import { useCallback, useRef, useState, type ReactNode } from 'react';
import { IMPORT_PERMISSION } from '../lib/roles.ts';
import { useSession, useSignOut } from '../lib/session.tsx';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { LanguageSwitch } from './language-switch.tsx';
import { PasswordDialog } from './password-dialog.tsx';

/** Which page the header sits on: it links to the other one. */
export type HeaderPage =
  'map' | 'admin' | 'incidents' | 'grids' | 'dispatch' | 'teams' | 'import' | 'assessment';

/**
 * The top bar: product name, the signed-in user with their role, change password, sign out,
 * the map tools (search, analysis) when given, links to the other pages (the map, the incident queue,
 * the batch plan only with dispatch, the team list, the assessment only with assess, the grid
 * editor only with edit_grids,
 * data import only with the import permission (edit_grids),
 * administration only with manage_users) and the 中文/English switch.
 */
export function Header({ page = 'map', tools }: { page?: HeaderPage; tools?: ReactNode }) {
  const { language, t } = useI18n();
  const { me, can } = useSession();
  const signOut = useSignOut();
  const [passwordOpen, setPasswordOpen] = useState(false);
  const passwordButton = useRef<HTMLButtonElement>(null);
  const closePassword = useCallback(() => {
    setPasswordOpen(false);
    // back where the keyboard was before the dialog opened
    passwordButton.current?.focus();
  }, []);

  const roleName = me && (language === 'zh-CN' ? me.roleNameZh : me.roleNameEn);

  return (
    <header className="app-header">
      <h1 className="app-title">
        {t('app.title')} <span className="app-subtitle">· {t('app.subtitle')}</span>
      </h1>
      {tools && <div className="header-center">{tools}</div>}
      <div className="header-tools">
        {me && (
          <>
            <div
              className="user-menu"
              data-testid="user-menu"
              title={[`${t('user.menu')}: ${me.username}`, roleName, me.homeAreaName]
                .filter(Boolean)
                .join(' · ')}
            >
              <span className="user-name">{me.displayName}</span>
              <span className="user-role">{roleName ?? t('user.noRole')}</span>
              {me.homeAreaName && <span className="user-area">{me.homeAreaName}</span>}
            </div>
            {page !== 'map' && <NavLink path="/" testId="map-link" text={t('user.map')} />}
            {page !== 'incidents' && can('read') && (
              <NavLink path="/incidents" testId="incidents-link" text={t('incidents.link')} />
            )}
            {page !== 'dispatch' && can('dispatch') && (
              <NavLink path="/dispatch" testId="dispatch-link" text={t('plan.link')} />
            )}
            {page !== 'teams' && can('read') && (
              <NavLink path="/teams" testId="teams-link" text={t('teams.link')} />
            )}
            {can('read') && <NavLink path="/screen" testId="screen-link" text={t('screen.link')} />}
            {page !== 'assessment' && can('assess') && (
              <NavLink path="/assessment" testId="assessment-link" text={t('assessment.link')} />
            )}
            {page !== 'grids' && can('edit_grids') && (
              <NavLink path="/grids" testId="grids-link" text={t('grids.link')} />
            )}
            {page !== 'import' && can(IMPORT_PERMISSION) && (
              <NavLink path="/import" testId="import-link" text={t('import.link')} />
            )}
            {page !== 'admin' && can('manage_users') && (
              <NavLink path="/admin" testId="admin-link" text={t('user.admin')} />
            )}
            {me.kind === 'user' && (
              <button
                ref={passwordButton}
                type="button"
                className="header-button"
                data-testid="change-password"
                title={t('password.title')}
                onClick={() => setPasswordOpen(true)}
              >
                {t('user.changePassword')}
              </button>
            )}
            <button
              type="button"
              className="header-button"
              data-testid="logout"
              disabled={signOut.isPending}
              onClick={() => signOut.mutate()}
            >
              {t('user.logout')}
            </button>
          </>
        )}
        <LanguageSwitch />
      </div>
      {passwordOpen && <PasswordDialog onClose={closePassword} />}
    </header>
  );
}

/** A header link to another page of the app (client-side navigation). */
function NavLink({ path, testId, text }: { path: string; testId: string; text: string }) {
  return (
    <a
      href={path}
      className="header-button"
      data-testid={testId}
      onClick={(e) => {
        e.preventDefault();
        navigate(path);
      }}
    >
      {text}
    </a>
  );
}
