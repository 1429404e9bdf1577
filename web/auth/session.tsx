import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { ApiError, getMe, login, logout, onSessionEnded, type Me, type Permission } from '../api/client.ts';
import { publishTestState } from '../test-hooks.ts';

/** Where the session stands. */
export type SessionStatus = 'loading' | 'signed-out' | 'signed-in';

/** What useSession() returns. */
export interface Session {
  status: SessionStatus;
  /** The signed-in user; null unless status is 'signed-in'. */
  me: Me | null;
  /** Why the user is at the sign-in page, when it is not the first visit (session ended, server down). */
  notice: string | null;
  /** Whether the signed-in user holds a permission. Controls the user may not use are not rendered. */
  can: (permission: Permission) => boolean;
  /** Sign in; rejects with ApiError (401 wrong, 423 locked, 429 too many) and leaves the state as it is. */
  signIn: (username: string, password: string) => Promise<void>;
  /** Sign out; the sign-in page follows even if the server could not be reached. */
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** The notice codes the sign-in page translates. */
export const SESSION_ENDED = 'session-ended';

/**
 * Asks /api/auth/me once at start, then keeps the signed-in user. Any 401 from a later API call
 * (the session expired or was ended elsewhere) returns to the sign-in page.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<SessionStatus>('loading');
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    getMe(controller.signal)
      .then((who) => {
        setMe(who);
        setStatus('signed-in');
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // 401 is the ordinary "not signed in"; anything else is worth telling.
        if (!(error instanceof ApiError && error.status === 401)) {
          setNotice(error instanceof Error ? error.message : String(error));
        }
        setStatus('signed-out');
      });
    return () => controller.abort();
  }, []);

  const statusRef = useRef(status);
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  useEffect(
    () =>
      onSessionEnded(() => {
        if (statusRef.current === 'signed-in') setNotice(SESSION_ENDED);
        statusRef.current = 'signed-out';
        setMe(null);
        setStatus('signed-out');
      }),
    [],
  );

  useEffect(() => {
    publishTestState({ user: me && { username: me.username, role: me.role } });
  }, [me]);

  const signIn = useCallback(async (username: string, password: string) => {
    const who = await login(username, password);
    setNotice(null);
    setMe(who);
    setStatus('signed-in');
  }, []);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch {
      // the session is gone either way as far as this page is concerned
    }
    statusRef.current = 'signed-out';
    setNotice(null);
    setMe(null);
    setStatus('signed-out');
  }, []);

  const value = useMemo<Session>(() => {
    const permissions = new Set<Permission>(me?.permissions ?? []);
    return { status, me, notice, can: (p) => permissions.has(p), signIn, signOut };
  }, [status, me, notice, signIn, signOut]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session; must be used inside SessionProvider. */
export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() used outside <SessionProvider>');
  return value;
}

/** Shorthand: the permission check of the current session. */
export function useCan(): Session['can'] {
  return useSession().can;
}
