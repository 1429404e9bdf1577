import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACCOUNT_FAILURES, FailureThrottle, failureDelayMs, sleep } from '../../auth/failure-throttle.ts';
import { hashPassword, newPasswordProblem, randomToken, verifyPassword } from '../../auth/password.ts';
import { ROLE_NAMES } from '../../auth/permissions.ts';
import type { Scope } from '../../auth/scope.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../../lib/errors.ts';
import { SESSION_COOKIE, SESSION_TTL_HOURS, scopeFromRow, sha256 } from '../../plugins/auth.ts';
import { LoginBody, Me, PasswordChangeBody } from '../../schemas/auth.ts';
import { ErrorBody } from '../../schemas/common.ts';

// A real hash to verify against when the user does not exist, so that a wrong
// username costs as long as a wrong password and does not reveal which it was.
let dummyHash: Promise<string> | null = null;
const getDummyHash = () => (dummyHash ??= hashPassword(randomToken()));

async function describe(app: FastifyInstance, req: FastifyRequest, scope: Scope) {
  const repos = app.reposFor(req);
  let displayName = scope.name;
  let homeAreaName: string | null = null;
  let bbox: number[] | null = null;
  const area = await repos.areas.getArea(scope.areaCode).catch(() => null);
  if (area) {
    homeAreaName = area.name;
    bbox = area.bbox;
  }
  if (scope.kind === 'user' && scope.id !== null) {
    const u = await repos.users.getUser(scope.id).catch(() => null);
    if (u) displayName = u.display_name;
  }
  return {
    kind: scope.kind === 'api_key' ? ('api_key' as const) : ('user' as const),
    id: scope.id ?? 0,
    username: scope.name,
    displayName,
    role: scope.role,
    roleNameZh: scope.role ? ROLE_NAMES[scope.role].zh : null,
    roleNameEn: scope.role ? ROLE_NAMES[scope.role].en : null,
    permissions: [...scope.permissions],
    homeAreaCode: scope.areaCode,
    homeAreaName,
    homeAreaBBox: bbox,
    grants: [...scope.grants],
    csrfToken: req.csrfToken,
  };
}

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const throttle = new FailureThrottle(20, 15 * 60_000);

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        summary: 'sign in with username and password',
        tags: ['auth'],
        body: LoginBody,
        response: { 200: Me, 400: ErrorBody, 401: ErrorBody, 423: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const address = req.ip;
      const wait = throttle.retryAfterMs(address);
      if (wait > 0) {
        const retryAfterS = Math.ceil(wait / 1000);
        reply.header('retry-after', retryAfterS);
        throw new DomainError(
          429,
          'sign_in_throttled',
          `too many failed sign-ins from this address; try again in ${retryAfterS} s`,
          { retryAfterS },
        );
      }
      // Every failure below takes the same path whether the name is an account, an
      // account that is disabled, or nobody's: same queries, same hashing, same count, same
      // wait, same answer, so neither status nor timing tells which names exist.
      const name = username.toLowerCase();
      const lockedUntil = await app.repos.credentials.findLoginLock(name, ACCOUNT_FAILURES);
      if (lockedUntil) {
        throttle.recordFailure(address);
        const until = lockedUntil.toISOString();
        throw new DomainError(
          423,
          'account_locked',
          `account locked after ${ACCOUNT_FAILURES.maxFailures} failed sign-ins until ${until}`,
          { until, maxFailures: ACCOUNT_FAILURES.maxFailures },
        );
      }
      const creds = await app.repos.credentials.findCredentials(name);
      const ok = await verifyPassword(password, creds?.password_hash ?? (await getDummyHash()));
      if (!creds || !ok || creds.disabled) {
        throttle.recordFailure(address);
        const { failed_attempts } = await app.repos.credentials.recordLoginFailure(name, ACCOUNT_FAILURES);
        await app.repos.audit.recordAnonymousAudit(username.slice(0, 40), {
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: creds ? String(creds.id) : null,
          address,
        });
        await sleep(failureDelayMs(failed_attempts));
        throw new DomainError(401, 'sign_in_failed', 'wrong username or password');
      }
      // The address's failures stay counted: see FailureThrottle.
      await app.repos.credentials.recordLoginSuccess(name);
      const token = randomToken();
      const csrf = randomToken();
      await app.repos.sessions.createSession(creds.id, sha256(token), csrf, SESSION_TTL_HOURS, address);
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        maxAge: SESSION_TTL_HOURS * 3600,
      });
      // Resolve the new session the way every later request will.
      const row = await app.repos.sessions.findSessionPrincipal(sha256(token), SESSION_TTL_HOURS);
      if (!row) throw new Error('session vanished right after sign-in');
      req.scope = scopeFromRow(row, 'user');
      req.csrfToken = csrf;
      await app
        .reposFor(req)
        .audit.recordAudit({ action: 'auth.login', targetType: 'user', targetId: String(creds.id), address });
      return describe(app, req, req.scope);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'signed_in' },
      schema: {
        summary: 'sign out (ends this session)',
        tags: ['auth'],
        response: { 204: Type204(), 401: ErrorBody },
      },
    },
    async (req, reply) => {
      if (req.sessionHash) await app.repos.sessions.deleteSession(req.sessionHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'signed_in' },
      schema: {
        summary: 'who am I: role, permissions, area, CSRF token',
        tags: ['auth'],
        response: { 200: Me, 401: ErrorBody },
      },
    },
    async (req) => describe(app, req, app.requireScope(req)),
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'signed_in' },
      schema: {
        summary: 'change my password (ends my other sessions)',
        tags: ['auth'],
        body: PasswordChangeBody,
        response: { 204: Type204(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (req, reply) => {
      const scope = app.requireScope(req);
      if (scope.kind !== 'user' || scope.id === null) {
        throw new DomainError(403, 'api_key_has_no_password', 'an API key has no password to change');
      }
      const current = await app.repos.credentials.getPasswordHash(scope.id);
      if (!current || !(await verifyPassword(req.body.currentPassword, current))) {
        throw new DomainError(
          400,
          'password_current_wrong',
          'body/currentPassword: the current password is wrong',
        );
      }
      const problem = await newPasswordProblem(req.body.newPassword, {
        username: scope.name,
        currentHash: current,
      });
      if (problem) throw problem;
      await app
        .reposFor(req)
        .users.changeOwnPassword(await hashPassword(req.body.newPassword), req.sessionHash, req.ip);
      return reply.code(204).send(null);
    },
  );
};

function Type204() {
  return Type.Null({ description: 'no content' });
}
