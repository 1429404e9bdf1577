import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { hashPassword, newPasswordProblem, randomToken } from '../../auth/password.ts';
import type { ApiKeyRow } from '../../db/api-key-repository.ts';
import type { UserRow } from '../../db/user-repository.ts';
import { DomainError, NotFoundError } from '../../lib/errors.ts';
import { sha256 } from '../../plugins/auth.ts';
import {
  ApiKey,
  AuditList,
  AuditQuery,
  IdParams,
  NewApiKey,
  NewApiKeyBody,
  NewUserBody,
  User,
  UserList,
  UserPatchBody,
  type User as UserT,
} from '../../schemas/auth.ts';
import { ErrorBody } from '../../schemas/common.ts';

function toUser(u: UserRow): UserT {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    homeAreaCode: u.home_area_code,
    homeAreaName: u.home_area_name,
    disabled: u.disabled,
    lockedUntil: u.locked_until && u.locked_until > new Date() ? u.locked_until.toISOString() : null,
    createdAt: u.created_at.toISOString(),
    grants: u.grants,
  };
}

function toApiKey(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    keyPrefix: k.key_prefix,
    permissions: k.permissions,
    areaCode: k.area_code,
    createdAt: k.created_at.toISOString(),
    revokedAt: k.revoked_at?.toISOString() ?? null,
  };
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

/** An area code the body names (`field`) that no current area has (422). */
function unknownArea(field: string, code: string): DomainError {
  return new DomainError(422, 'area_unknown', `${field}: no current area has code ${code}`, { field, code });
}

/** User management, API keys and the audit log: for principals with manage_users, within their area. */
export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const access = { access: 'manage_users' as const };

  app.get(
    '/api/users',
    {
      config: access,
      schema: { summary: 'list users in my area', tags: ['users'], response: { 200: UserList, ...errors } },
    },
    async (req) => (await app.reposFor(req).users.listUsers()).map(toUser),
  );

  app.post(
    '/api/users',
    {
      config: access,
      schema: {
        summary: 'create a user',
        tags: ['users'],
        body: NewUserBody,
        response: { 201: User, ...errors, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const problem = await newPasswordProblem(b.password, { username: b.username });
      if (problem) throw problem;
      if (!(await app.repos.credentials.areaExists(b.homeAreaCode))) {
        throw unknownArea('body/homeAreaCode', b.homeAreaCode);
      }
      const row = await app.reposFor(req).users.createUser(
        {
          username: b.username,
          displayName: b.displayName,
          role: b.role,
          homeAreaCode: b.homeAreaCode,
          passwordHash: await hashPassword(b.password),
        },
        req.ip,
      );
      if (!row) {
        throw new DomainError(409, 'username_taken', `username '${b.username}' is taken`, {
          username: b.username,
        });
      }
      return reply.code(201).send(toUser(row));
    },
  );

  app.get(
    '/api/users/:id',
    {
      config: access,
      schema: {
        summary: 'one user',
        tags: ['users'],
        params: IdParams,
        response: { 200: User, ...errors, 404: ErrorBody },
      },
    },
    async (req) => {
      const row = await app.reposFor(req).users.getUser(req.params.id);
      if (!row) throw new NotFoundError('user', req.params.id);
      return toUser(row);
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: access,
      schema: {
        summary: 'change a user: name, role, area, grants, disable, reset password',
        tags: ['users'],
        params: IdParams,
        body: UserPatchBody,
        response: { 200: User, ...errors, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const b = req.body;
      const scope = app.requireScope(req);
      if (b.password !== undefined) {
        // whether the caller may change this user first: nothing is said about the password of
        // a user they may not change (password_reused would tell a guess of it)
        const target = await app.reposFor(req).users.getUserToChange(req.params.id);
        if (!target) throw new NotFoundError('user', req.params.id);
        const problem = await newPasswordProblem(b.password, {
          username: target.username,
          currentHash: (await app.repos.credentials.getPasswordHash(req.params.id)) ?? undefined,
        });
        if (problem) throw problem;
      }
      if (req.params.id === scope.id && (b.disabled === true || (b.role && b.role !== scope.role))) {
        throw new DomainError(
          422,
          'own_account_change',
          'you cannot disable yourself or change your own role',
        );
      }
      const named = [
        ...(b.homeAreaCode ? [{ field: 'body/homeAreaCode', code: b.homeAreaCode }] : []),
        ...(b.grants ?? []).map((code, i) => ({ field: `body/grants/${i}`, code })),
      ];
      for (const { field, code } of named) {
        if (!(await app.repos.credentials.areaExists(code))) throw unknownArea(field, code);
      }
      const row = await app.reposFor(req).users.updateUser(
        req.params.id,
        {
          displayName: b.displayName,
          role: b.role,
          homeAreaCode: b.homeAreaCode,
          disabled: b.disabled,
          grants: b.grants,
          passwordHash: b.password === undefined ? undefined : await hashPassword(b.password),
        },
        req.ip,
      );
      if (!row) throw new NotFoundError('user', req.params.id);
      return toUser(row);
    },
  );

  app.get(
    '/api/api-keys',
    {
      config: access,
      schema: { summary: 'list API keys', tags: ['users'], response: { 200: Type.Array(ApiKey), ...errors } },
    },
    async (req) => (await app.reposFor(req).apiKeys.listApiKeys()).map(toApiKey),
  );

  app.post(
    '/api/api-keys',
    {
      config: access,
      schema: {
        summary: 'create an API key for a machine integration (the key is shown once)',
        tags: ['users'],
        body: NewApiKeyBody,
        response: { 201: NewApiKey, ...errors, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      if (!(await app.repos.credentials.areaExists(req.body.areaCode))) {
        throw unknownArea('body/areaCode', req.body.areaCode);
      }
      const key = `rmk_${randomToken(24)}`;
      const row = await app.reposFor(req).apiKeys.createApiKey(
        {
          name: req.body.name,
          keyHash: sha256(key),
          keyPrefix: key.slice(0, 8),
          permissions: req.body.permissions as ApiKeyRow['permissions'],
          areaCode: req.body.areaCode,
        },
        req.ip,
      );
      return reply.code(201).send({ ...toApiKey(row), key });
    },
  );

  app.post(
    '/api/api-keys/:id/revoke',
    {
      config: access,
      schema: {
        summary: 'revoke an API key',
        tags: ['users'],
        params: IdParams,
        response: { 200: ApiKey, ...errors, 404: ErrorBody },
      },
    },
    async (req) => {
      const row = await app.reposFor(req).apiKeys.revokeApiKey(req.params.id, req.ip);
      if (!row) throw new NotFoundError('api_key', req.params.id);
      return toApiKey(row);
    },
  );

  app.get(
    '/api/audit',
    {
      config: access,
      schema: {
        summary: 'browse the audit log (newest first)',
        tags: ['users'],
        querystring: AuditQuery,
        response: { 200: AuditList, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await app.reposFor(req).audit.listAudit({
        actor: q.actor,
        action: q.action,
        targetType: q.targetType,
        targetId: q.targetId,
        from: q.from,
        to: q.to,
        beforeId: q.before,
        limit: q.limit ?? 100,
      });
      return rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: r.actor_name,
        actorKind: r.actor_kind,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        before: r.before,
        after: r.after,
        address: r.address,
      }));
    },
  );
};
