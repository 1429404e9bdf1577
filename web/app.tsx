import { useQueryClient, type Query, type QueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import type { Me } from './api/client.ts';
import { QUERY_ROOTS, useLiveInvalidation } from './api/query.ts';
import { LoginPage } from './components/login-page.tsx';
import { useI18n } from './i18n.ts';
import { useSession } from './lib/session.tsx';
import { MapPage } from './risk-map/map-page.tsx';
import { usePath } from './router.ts';

// Pages other than the map load on demand: the map page's first load stays small, and the
// big screen's charts, the grid editor or the import page cost nothing until opened.
const ReportPage = lazy(() => import('./incidents/report-page.tsx').then((m) => ({ default: m.ReportPage })));
const TrackPage = lazy(() => import('./incidents/track-page.tsx').then((m) => ({ default: m.TrackPage })));
const AdminPage = lazy(() => import('./admin/admin-page.tsx').then((m) => ({ default: m.AdminPage })));
const GridsPage = lazy(() => import('./grids/grids-page.tsx').then((m) => ({ default: m.GridsPage })));
const ImportPage = lazy(() => import('./import/import-page.tsx').then((m) => ({ default: m.ImportPage })));
const DispatchPage = lazy(() =>
  import('./dispatch/dispatch-page.tsx').then((m) => ({ default: m.DispatchPage })),
);
const TeamsPage = lazy(() => import('./teams/teams-page.tsx').then((m) => ({ default: m.TeamsPage })));
const ScreenPage = lazy(() => import('./screen/screen-page.tsx').then((m) => ({ default: m.ScreenPage })));
const AssessmentPage = lazy(() =>
  import('./assessment/assessment-page.tsx').then((m) => ({ default: m.AssessmentPage })),
);
const IncidentsPage = lazy(() =>
  import('./incidents/incidents-page.tsx').then((m) => ({ default: m.IncidentsPage })),
);

/** Empties the cache of everything but the session: queries, and mutations (a new API key's secret). */
function forgetUserData(client: QueryClient): void {
  const userData = { predicate: (q: Query) => q.queryKey[0] !== QUERY_ROOTS.session };
  void client.cancelQueries(userData);
  client.removeQueries(userData);
  client.getMutationCache().clear();
}

function Loading() {
  const { t } = useI18n();
  return (
    <div className="splash" role="status">
      {t('session.loading')}
    </div>
  );
}

/**
 * The application: the public citizen report page at /report; elsewhere the sign-in page until a
 * session exists, then the map (at /), the incident queue (at /incidents, /incidents/:id), the batch
 * dispatch plan (at /dispatch), the team list (at /teams), the command-centre big screen (at /screen), the assessment ranking (at /assessment),
 * the grid editor (at /grids), imports (at /import) or the administration page (at /admin).
 */
export function App() {
  const { status, me } = useSession();
  const path = usePath();
  // The citizen report page is public: no sign-in, whatever the session.
  if (path === '/report' || path === '/report/track') {
    return <Suspense fallback={<Loading />}>{path === '/report' ? <ReportPage /> : <TrackPage />}</Suspense>;
  }
  if (status === 'loading') return <Loading />;
  if (!me) return <LoginPage />;
  // signing in as someone else starts afresh: nothing of the previous user's data stays
  return <SignedIn key={`${me.kind}:${me.id}`} me={me} path={path} />;
}

/** The pages of a signed-in user, with the live stream refreshing what they show. */
function SignedIn({ me, path }: { me: Me; path: string }) {
  useLiveInvalidation();
  const queryClient = useQueryClient();
  // what this user was shown is not kept for the next one (only who is signed in now stays)
  useEffect(() => () => forgetUserData(queryClient), [queryClient]);
  const incident = /^\/incidents(?:\/([0-9]{1,10}))?$/.exec(path);
  const page =
    path === '/admin' ? (
      <AdminPage />
    ) : path === '/grids' ? (
      <GridsPage />
    ) : path === '/import' ? (
      <ImportPage />
    ) : path === '/dispatch' ? (
      <DispatchPage />
    ) : path === '/teams' ? (
      <TeamsPage />
    ) : path === '/screen' ? (
      <ScreenPage />
    ) : path === '/assessment' ? (
      <AssessmentPage />
    ) : incident ? (
      <IncidentsPage selectedId={incident[1] ? Number(incident[1]) : null} />
    ) : (
      <MapPage me={me} />
    );
  return <Suspense fallback={<Loading />}>{page}</Suspense>;
}
