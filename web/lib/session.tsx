import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, getMe, login, logout, onSessionEnded, type Me, type Permission } from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { publishTestState } from '../test-hooks.ts';

/** Where the session stands. */
export type SessionStatus = 'loading' | 'signed-out' | 'signed-in';

/** Why the user is at the sign-in page, when it is not the first visit. */
export type SessionNotice =
  /** The session expired or was ended elsewhere (an API call answered 401). */
  | { kind: 'ended' }
  /** Asking who is signed in failed (server down, …): the error, for errorMessage(). */
  | { kind: 'unreachable'; error: unknown };

/** What useSession() returns. */
export interface Session {
  status: SessionStatus;
  /** The signed-in user; null unless status is 'signed-in'. */
  me: Me | null;
  notice: SessionNotice | null;
  /** Whether the signed-in user holds a permission. Controls the user may not use are not rendered. */
  can: (permission: Permission) => boolean;
}

/** The signed-in user (null: nobody). Kept when app.tsx empties the cache for another user. */
export const SESSION_KEY = queryKey('session', 'me');

/** Who is signed in: null for the ordinary "not signed in" (401); other failures are errors. */
async function whoIsSignedIn(signal: AbortSignal): Promise<Me | null> {
  try {
    return await getMe(signal);
  } catch (error: unknown) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Where the session stands, from the query of the signed-in user. */
export function sessionStatus(query: { isPending: boolean; data: Me | null | undefined }): SessionStatus {
  if (query.data) return 'signed-in';
  return query.isPending ? 'loading' : 'signed-out';
}

interface SessionContextValue extends Session {
  /** The sign-in page's notice is cleared (a sign-in or sign-out the user made). */
  clearNotice: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * Asks /api/auth/me once at start (a query that nothing refreshes), then keeps the signed-in
 * user in the query cache; sign-in and sign-out (useSignIn, useSignOut) write it there. Any 401
 * from a later API call (the session expired or was ended elsewhere) returns to the sign-in page.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: SESSION_KEY,
    queryFn: ({ signal }) => whoIsSignedIn(signal),
    // asked once: afterwards only sign-in, sign-out and an ended session change it
    staleTime: 'static',
    gcTime: Infinity,
    // a server that is down is told at once, as the sign-in page's notice
    retry: false,
  });
  const [ended, setEnded] = useState(false);
  const me = query.data ?? null;

  useEffect(
    () =>
      onSessionEnded(() => {
        // told only to someone who was signed in, not on the sign-in page itself
        if (client.getQueryData<Me | null>(SESSION_KEY)) setEnded(true);
        client.setQueryData(SESSION_KEY, null);
      }),
    [client],
  );

  useEffect(() => {
    publishTestState({ user: me && { username: me.username, role: me.role } });
  }, [me]);

  const status = sessionStatus(query);
  const failed = query.error;
  const value = useMemo<SessionContextValue>(() => {
    const permissions = new Set<Permission>(me?.permissions ?? []);
    const notice: SessionNotice | null = ended
      ? { kind: 'ended' }
      : failed
        ? { kind: 'unreachable', error: failed }
        : null;
    return {
      status,
      me,
      notice: status === 'signed-out' ? notice : null,
      can: (p) => permissions.has(p),
      clearNotice: () => setEnded(false),
    };
  }, [status, me, ended, failed]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() used outside <SessionProvider>');
  return value;
}

/** The session; must be used inside SessionProvider. */
export function useSession(): Session {
  return useSessionContext();
}

/** Shorthand: the permission check of the current session. */
export function useCan(): Session['can'] {
  return useSessionContext().can;
}

/** What the sign-in form sends. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * Sign in: rejects with ApiError (401 wrong, 423 locked, 429 too many) and leaves the session as
 * it is; on success the signed-in user replaces nobody.
 */
export function useSignIn() {
  const client = useQueryClient();
  const { clearNotice } = useSessionContext();
  return useMutation({
    mutationFn: ({ username, password }: Credentials) => login(username, password),
    onSuccess: (who) => {
      clearNotice();
      client.setQueryData(SESSION_KEY, who);
    },
  });
}

/** Sign out: the sign-in page follows even if the server could not be reached. */
export function useSignOut() {
  const client = useQueryClient();
  const { clearNotice } = useSessionContext();
  return useMutation({
    mutationFn: async () => {
      try {
        await logout();
      } catch {
        // the session is gone either way as far as this page is concerned
      }
    },
    // app.tsx empties the cache of everything this user was shown once nobody is signed in
    onSettled: () => {
      clearNotice();
      client.setQueryData(SESSION_KEY, null);
    },
  });
}
