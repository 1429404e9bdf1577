import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FailureThrottle, failureDelayMs } from '../../auth/failure-throttle.ts';
import { hashPassword, passwordProblem, randomToken, verifyPassword } from '../../auth/password.ts';
import { ROLE_NAMES } from '../../auth/permissions.ts';
import type { Scope } from '../../auth/scope.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SESSION_COOKIE, SESSION_TTL_HOURS, scopeFromRow, sha256 } from '../../plugins/auth.ts';
import { LoginBody, Me, PasswordChangeBody } from '../../schemas/auth.ts';
import { ErrorBody } from '../../schemas/common.ts';

/** Failed sign-ins before an account locks, and for how long. */
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

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
        reply.header('retry-after', Math.ceil(wait / 1000));
        return reply.code(429).send({
          statusCode: 429,
          error: 'Too Many Requests',
          message: `too many failed sign-ins from this address; try again in ${Math.ceil(wait / 1000)} s`,
        });
      }
      const creds = await app.repos.credentials.findCredentials(username.toLowerCase());
      if (creds?.locked_until && creds.locked_until > new Date()) {
        throttle.recordFailure(address);
        return reply.code(423).send({
          statusCode: 423,
          error: 'Locked',
          message: `account locked after ${MAX_FAILURES} failed sign-ins until ${creds.locked_until.toISOString()}`,
        });
      }
      const ok = await verifyPassword(password, creds?.password_hash ?? (await getDummyHash()));
      if (!creds || !ok || creds.disabled) {
        throttle.recordFailure(address);
        let failures = 1;
        if (creds && !ok) {
          const r = await app.repos.credentials.recordLoginFailure(creds.id, MAX_FAILURES, LOCK_MINUTES);
          failures = r.failed_attempts;
        }
        await app.repos.audit.recordAnonymousAudit(username.slice(0, 40), {
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: creds ? String(creds.id) : null,
          address,
        });
        await new Promise((r) => setTimeout(r, failureDelayMs(failures)));
        return reply
          .code(401)
          .send({ statusCode: 401, error: 'Unauthorized', message: 'wrong username or password' });
      }
      await app.repos.credentials.recordLoginSuccess(creds.id);
      throttle.reset(address);
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
      if (scope.kind !== 'user' || scope.id === null) return reply.forbidden('an API key has no password');
      const problem = passwordProblem(req.body.newPassword);
      if (problem) return reply.badRequest(`body/newPassword: ${problem}`);
      const current = await app.repos.credentials.getPasswordHash(scope.id);
      if (!current || !(await verifyPassword(req.body.currentPassword, current))) {
        return reply.badRequest('body/currentPassword: the current password is wrong');
      }
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
