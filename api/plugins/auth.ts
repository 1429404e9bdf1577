import { createHash } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../lib/errors.ts';
import { PERMISSIONS, ROLE_NAMES, ROLE_PERMISSIONS, type Permission } from '../auth/permissions.ts';
import type { Scope } from '../auth/scope.ts';
import { findApiKeyPrincipal, findSessionPrincipal, type PrincipalRow } from '../db/session-repository.ts';

/**
 * Who may call a route: `public` (anyone, rate-limited), `signed_in` (any session or
 * key), or one permission from the role table. Every /api and /open311 route must
 * say which; the app refuses to start otherwise, so no route can slip through.
 */
export type Access = 'public' | 'signed_in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** The caller; null on public routes when nobody is signed in. */
    scope: Scope | null;
    /** SHA-256 of the session token, when the caller came with a session cookie. */
    sessionHash: string | null;
    csrfToken: string | null;
  }
  interface FastifyInstance {
    /** The caller's scope; throws 401 when there is none (only reachable on public routes). */
    requireScope(req: FastifyRequest): Scope;
    /** Every /api and /open311 route with the access it declared (for audits and tests). */
    routeAccess: Array<{ method: string; url: string; access: Access }>;
  }
}

export const SESSION_COOKIE = 'riskmap_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_HOURS = 12;

/** SHA-256 (hex) of a secret: what the database keeps instead of tokens and keys. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The Scope of a session's user or an API key. */
export function scopeFromRow(row: PrincipalRow, kind: 'user' | 'api_key'): Scope {
  return {
    kind,
    id: row.id,
    name: row.name,
    role: row.role,
    permissions: new Set(row.role ? ROLE_PERMISSIONS[row.role] : (row.permissions ?? [])),
    areaCode: row.area_code,
    grants: row.grants,
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const GUARDED = /^\/(api|open311|ogc)(\/|$)/;

/** Nobody is signed in where a route needs someone (401). */
function signInRequired(): DomainError {
  return new DomainError(
    401,
    'sign_in_required',
    'sign in required: POST /api/auth/login with {username, password}, or send an API key',
  );
}

/**
 * Authentication and authorisation for every request, in one place: resolves the
 * session cookie or API key into a Scope, checks CSRF on state-changing cookie
 * requests, and the route's required permission. Area scope itself is enforced by the
 * repositories, which take the Scope on every call.
 */
export const authPlugin = fp(
  // Refusals are thrown: the error handler answers them (in GeoReport v2's format under /open311).
  async (app) => {
    await app.register(fastifyCookie);
    app.decorateRequest('scope', null);
    app.decorateRequest('sessionHash', null);
    app.decorateRequest('csrfToken', null);
    app.decorate('routeAccess', [] as Array<{ method: string; url: string; access: Access }>);
    app.decorate('requireScope', (req: FastifyRequest): Scope => {
      if (!req.scope) throw signInRequired();
      return req.scope;
    });

    app.addHook('onRoute', (route) => {
      if (!GUARDED.test(route.url)) return;
      route.config ??= {};
      // The OpenAPI pages come from a plugin; they describe the API, so they need a session.
      if (route.url.startsWith('/api/docs')) route.config.access ??= 'signed_in';
      const access = route.config.access;
      if (!access || !(access === 'public' || access === 'signed_in' || PERMISSIONS.includes(access))) {
        throw new Error(`route ${String(route.method)} ${route.url} does not declare config.access`);
      }
      for (const method of [route.method].flat()) app.routeAccess.push({ method, url: route.url, access });
    });

    app.addHook('onRequest', async (req) => {
      const access = req.routeOptions.config.access;
      if (!GUARDED.test(req.url) || !access) return; // the web app's files, and 404s

      const auth = req.headers.authorization;
      // Open311 clients pass their key as the api_key parameter, as GeoReport v2 says.
      const queryKey = req.url.startsWith('/open311/')
        ? (req.query as { api_key?: string }).api_key
        : undefined;
      const apiKey =
        (req.headers['x-api-key'] as string | undefined) ??
        (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined) ??
        queryKey;
      if (apiKey) {
        const row = await findApiKeyPrincipal(app.db, sha256(apiKey));
        if (!row) throw new DomainError(401, 'api_key_invalid', 'the API key is unknown or revoked');
        req.scope = scopeFromRow(row, 'api_key');
      } else {
        const token = req.cookies[SESSION_COOKIE];
        if (token) {
          const hash = sha256(token);
          const row = await findSessionPrincipal(app.db, hash, SESSION_TTL_HOURS);
          if (row) {
            req.scope = scopeFromRow(row, 'user');
            req.sessionHash = hash;
            req.csrfToken = row.csrf_token;
          }
        }
      }

      if (access === 'public') return;
      if (!req.scope) throw signInRequired();
      // Cookies ride along on cross-site requests; a state change must also show the
      // CSRF token that only our own page could have read.
      if (req.sessionHash && !SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== req.csrfToken) {
        throw new DomainError(
          403,
          'csrf_token_invalid',
          `missing or wrong CSRF token: send the ${CSRF_HEADER} header given at sign-in`,
          { header: CSRF_HEADER },
        );
      }
      if (access !== 'signed_in' && !req.scope.permissions.has(access)) {
        const who = req.scope.role
          ? `role ${req.scope.role} (${ROLE_NAMES[req.scope.role].zh})`
          : 'this API key';
        throw new DomainError(403, 'permission_denied', `${who} may not ${access.replace('_', ' ')}`, {
          permission: access,
          role: req.scope.role ?? 'api_key',
        });
      }
    });
  },
  { name: 'auth', dependencies: ['database'] },
);
