import { Type, type Static } from 'typebox';
import { PERMISSIONS, ROLES } from '../auth/permissions.ts';
import { AreaCode, Id } from './common.ts';

export const RoleName = Type.Enum(ROLES);
export const PermissionName = Type.Enum(PERMISSIONS);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 40 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const Me = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('api_key')]),
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Union([RoleName, Type.Null()]),
  roleNameZh: Type.Union([Type.String(), Type.Null()]),
  roleNameEn: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(PermissionName),
  homeAreaCode: Type.String(),
  homeAreaName: Type.Union([Type.String(), Type.Null()]),
  /** [minLon, minLat, maxLon, maxLat] of the home area, for opening the map there. */
  homeAreaBBox: Type.Union([Type.Array(Type.Number()), Type.Null()]),
  grants: Type.Array(Type.String()),
  /** Send this in the X-CSRF-Token header on every POST/PUT/PATCH/DELETE. */
  csrfToken: Type.Union([Type.String(), Type.Null()]),
});
export type Me = Static<typeof Me>;

export const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
    // the password rule (api/auth/password.ts) answers a short or long one with its code
    newPassword: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleName,
  homeAreaCode: Type.String(),
  homeAreaName: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  grants: Type.Array(Type.String()),
});
export type User = Static<typeof User>;
export const UserList = Type.Array(User);

export const NewUserBody = Type.Object(
  {
    username: Type.String({
      pattern: '^[a-z0-9_.-]{2,40}$',
      description: 'lower-case letters, digits, _ . -',
    }),
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    role: RoleName,
    homeAreaCode: AreaCode,
    password: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type NewUserBody = Static<typeof NewUserBody>;

export const UserPatchBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    role: Type.Optional(RoleName),
    homeAreaCode: Type.Optional(AreaCode),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    grants: Type.Optional(Type.Array(AreaCode, { maxItems: 50 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UserPatchBody = Static<typeof UserPatchBody>;

export const IdParams = Type.Object({ id: Id() });

export const ApiKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  keyPrefix: Type.String(),
  permissions: Type.Array(PermissionName),
  areaCode: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ApiKey = Static<typeof ApiKey>;

export const NewApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    permissions: Type.Array(Type.Enum(['read', 'report', 'accept', 'dispatch', 'verify', 'close']), {
      minItems: 1,
      maxItems: 6,
      uniqueItems: true,
    }),
    areaCode: AreaCode,
  },
  { additionalProperties: false },
);
export type NewApiKeyBody = Static<typeof NewApiKeyBody>;

/** A new key: the secret is shown this once and never again. */
export const NewApiKey = Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]);

export const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  targetType: Type.Optional(Type.String({ maxLength: 50 })),
  targetId: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  before: Type.Optional(Id({ description: 'records with id below this (next page)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditRecord = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  actorKind: Type.String(),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  address: Type.Union([Type.String(), Type.Null()]),
});
export const AuditList = Type.Array(AuditRecord);
