import { Type, type Static } from 'typebox';
import { TownCode } from './common.ts';

/** Layers served as vector tiles. */
export const TILE_LAYER_IDS = [
  'sites',
  'components',
  'risk_sources',
  'cameras',
  'teams',
  'incidents',
  'areas',
] as const;

export const TileParams = Type.Object({
  layer: Type.String({ maxLength: 40 }),
  z: Type.String({ maxLength: 20 }),
  x: Type.String({ maxLength: 20 }),
  y: Type.String({ maxLength: 20 }),
});

export const TileQuery = Type.Object(
  {
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_]+$' })),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    status: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z_]+$' })),
    town: Type.Optional(TownCode),
  },
  { additionalProperties: false },
);
export type TileQuery = Static<typeof TileQuery>;

export const TileJsonParams = Type.Object({ layer: Type.String({ maxLength: 40 }) });

export const TileJson = Type.Object({
  tilejson: Type.Literal('3.0.0'),
  name: Type.String(),
  tiles: Type.Array(Type.String()),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
  bounds: Type.Array(Type.Number()),
  center: Type.Array(Type.Number()),
  vector_layers: Type.Array(
    Type.Object({
      id: Type.String(),
      fields: Type.Record(Type.String(), Type.String()),
      minzoom: Type.Integer(),
      maxzoom: Type.Integer(),
      description: Type.Optional(Type.String()),
    }),
  ),
});
export type TileJson = Static<typeof TileJson>;
