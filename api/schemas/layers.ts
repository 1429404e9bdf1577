import { Type, type Static } from 'typebox';
import { Geometry, TownCode } from './common.ts';

/** The layers served as features; the allow-list the repository builds SQL from. */
export const LAYER_IDS = ['sites', 'components', 'risk_sources', 'cameras', 'teams', 'incidents'] as const;
export const LayerId = Type.Enum(LAYER_IDS);
export type LayerId = (typeof LAYER_IDS)[number];

export const LayerInfo = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  geometry: Type.String({ description: 'point | polygon | mixed' }),
  filters: Type.Array(Type.String(), { description: 'query parameters this layer accepts' }),
  count: Type.Integer({ description: 'features in the layer' }),
});
export type LayerInfo = Static<typeof LayerInfo>;

export const LayerList = Type.Array(LayerInfo);
export type LayerList = Static<typeof LayerList>;

export const LayerParams = Type.Object({ layer: Type.String({ maxLength: 40 }) });
export const FeatureParams = Type.Object({
  layer: Type.String({ maxLength: 40 }),
  id: Type.String({ maxLength: 40 }),
});

export const FeatureQuery = Type.Object({
  bbox: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'minLon,minLat,maxLon,maxLat in EPSG:4326',
      examples: ['113.7,22.9,113.8,23.0'],
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000, default: 2000 })),
  kind: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_]+$' })),
  level: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z_]+$' })),
  town: Type.Optional(TownCode),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'incidents reported at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'incidents reported before' })),
});
export type FeatureQuery = Static<typeof FeatureQuery>;

export const Feature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Geometry,
  properties: Type.Record(Type.String(), Type.Unknown()),
});
export type Feature = Static<typeof Feature>;

export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Feature),
  /** True when more features matched than `limit`. */
  truncated: Type.Boolean(),
});
export type FeatureCollection = Static<typeof FeatureCollection>;
