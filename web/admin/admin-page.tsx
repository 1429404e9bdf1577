import { useState } from 'react';
import { useSession } from '../auth/session.tsx';
import { Header } from '../components/header.tsx';
import { useI18n, type MessageKey } from '../i18n.ts';
import { ApiKeysTab } from './api-keys-tab.tsx';
import { AuditTab } from './audit-tab.tsx';
import { UsersTab } from './users-tab.tsx';

type TabId = 'users' | 'keys' | 'audit';
const TABS: readonly TabId[] = ['users', 'keys', 'audit'];

/** The tab named in ?tab=, or users. */
function tabFromUrl(): TabId {
  const tab = new URLSearchParams(window.location.search).get('tab');
  return TABS.find((id) => id === tab) ?? 'users';
}

/** /admin: users, API keys and the audit log, for principals with manage_users. */
export function AdminPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [tab, setTab] = useState<TabId>(tabFromUrl);

  const choose = (id: TabId) => {
    setTab(id);
    const url = new URL(window.location.href);
    url.searchParams.set('tab', id);
    window.history.replaceState(null, '', url);
  };

  return (
    <div className="app">
      <Header page="admin" />
      <main className="admin-page" data-testid="admin-page">
        <h2 className="admin-title">{t('admin.title')}</h2>
        {!can('manage_users') ? (
          <p className="form-error" role="alert">
            {t('admin.forbidden')}
          </p>
        ) : (
          <>
            <div className="tabs" role="tablist">
              {TABS.map((id) => (
                <button
                  key={id}
                  type="button"
                  role="tab"
                  id={`admin-tab-${id}`}
                  aria-selected={tab === id}
                  aria-controls={`admin-panel-${id}`}
                  className={tab === id ? 'tab active' : 'tab'}
                  data-testid={`admin-tab-${id}`}
                  onClick={() => choose(id)}
                >
                  {t(`admin.tab.${id}` as MessageKey)}
                </button>
              ))}
            </div>
            <section
              className="tab-panel"
              role="tabpanel"
              id={`admin-panel-${tab}`}
              aria-labelledby={`admin-tab-${tab}`}
            >
              {tab === 'users' && <UsersTab />}
              {tab === 'keys' && <ApiKeysTab />}
              {tab === 'audit' && <AuditTab />}
            </section>
          </>
        )}
      </main>
    </div>
  );
}
