import { Type, type Static } from 'typebox';

/**
 * The platform's state. Anyone may ask whether it is up (`status` only); the backend, the
 * versions, the migration and the dataset are for signed-in admins (`manage_users`), since
 * version numbers tell an attacker which published flaws to try.
 */
export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('not ok'), Type.Literal('starting')], {
    description:
      "'not ok' (with 503) when the database does not answer; 'starting' (with 503 and Retry-After) while the server starts",
  }),
  backend: Type.Optional(Type.Union([Type.Literal('embedded'), Type.Literal('postgres')])),
  postgis: Type.Optional(Type.String({ description: 'PostGIS version reported by the database' })),
  postgres: Type.Optional(Type.String({ description: 'PostgreSQL server version' })),
  migration: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: 'last applied migration file' }),
  ),
  dataset: Type.Optional(
    Type.Union([
      Type.Object({ name: Type.String(), scale: Type.String(), loadedAt: Type.String() }),
      Type.Null(),
    ]),
  ),
});
export type Health = Static<typeof Health>;
