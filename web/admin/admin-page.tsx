import { useRef, useState, type KeyboardEvent } from 'react';
import { useSession } from '../lib/session.tsx';
import { Header } from '../components/header.tsx';
import { useI18n, type MessageKey } from '../i18n.ts';
import { ApiKeysTab } from './api-keys-tab.tsx';
import { AuditTab } from './audit-tab.tsx';
import { UsersTab } from './users-tab.tsx';

type TabId = 'users' | 'keys' | 'audit';
const TABS: readonly TabId[] = ['users', 'keys', 'audit'];
const TAB_NAME: Record<TabId, MessageKey> = {
  users: 'admin.tab.users',
  keys: 'admin.tab.keys',
  audit: 'admin.tab.audit',
};

/** The tab an arrow key, Home or End moves to from `current`; null for other keys. */
function tabFromKey(key: string, current: TabId): TabId | null {
  const i = TABS.indexOf(current);
  const n = TABS.length;
  const to =
    key === 'ArrowRight'
      ? (i + 1) % n
      : key === 'ArrowLeft'
        ? (i + n - 1) % n
        : key === 'Home'
          ? 0
          : key === 'End'
            ? n - 1
            : null;
  return to === null ? null : (TABS[to] ?? null);
}

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

  const tabRefs = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});

  const choose = (id: TabId) => {
    setTab(id);
    const url = new URL(window.location.href);
    url.searchParams.set('tab', id);
    window.history.replaceState(null, '', url);
  };
  // the tab list is one stop for Tab; the arrow keys move between its tabs
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const next = tabFromKey(e.key, tab);
    if (!next) return;
    e.preventDefault();
    choose(next);
    tabRefs.current[next]?.focus();
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
            <div className="tabs" role="tablist" aria-label={t('admin.title')}>
              {TABS.map((id) => (
                <button
                  key={id}
                  ref={(el) => {
                    tabRefs.current[id] = el;
                  }}
                  type="button"
                  role="tab"
                  id={`admin-tab-${id}`}
                  aria-selected={tab === id}
                  aria-controls={tab === id ? `admin-panel-${id}` : undefined}
                  tabIndex={tab === id ? 0 : -1}
                  onKeyDown={onTabKey}
                  className={tab === id ? 'tab active' : 'tab'}
                  data-testid={`admin-tab-${id}`}
                  onClick={() => choose(id)}
                >
                  {t(TAB_NAME[id])}
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
