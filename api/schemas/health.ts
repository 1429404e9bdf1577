import { Type, type Static } from 'typebox';

export const Health = Type.Object({
  status: Type.Literal('ok'),
  backend: Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]),
  postgis: Type.String({ description: 'PostGIS version reported by the database' }),
  postgres: Type.String({ description: 'PostgreSQL server version' }),
  migration: Type.Union([Type.String(), Type.Null()], { description: 'last applied migration file' }),
  dataset: Type.Union([
    Type.Object({ name: Type.String(), scale: Type.String(), loadedAt: Type.String() }),
    Type.Null(),
  ]),
});
export type Health = Static<typeof Health>;
