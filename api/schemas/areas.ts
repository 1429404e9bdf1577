import { Type, type Static } from 'typebox';
import { AreaCode, Geometry } from './common.ts';

export const AreaLevel = Type.Union([
  Type.Literal('city'),
  Type.Literal('town'),
  Type.Literal('village'),
  Type.Literal('grid'),
]);
export type AreaLevel = Static<typeof AreaLevel>;

export const AreaProperties = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: AreaLevel,
  parentCode: Type.Union([Type.String(), Type.Null()]),
  population: Type.Union([Type.Integer(), Type.Null()]),
  households: Type.Union([Type.Integer(), Type.Null()]),
  synthetic: Type.Boolean(),
  version: Type.Integer(),
  validFrom: Type.String({ format: 'date-time' }),
  /** Label point inside the area (lon, lat), null when the area has no outline. */
  labelPoint: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()]),
});
export type AreaProperties = Static<typeof AreaProperties>;

export const AreaFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Type.Union([Geometry, Type.Null()]),
  properties: AreaProperties,
});
export type AreaFeature = Static<typeof AreaFeature>;

export const AreaCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(AreaFeature),
});
export type AreaCollection = Static<typeof AreaCollection>;

export const AreaListQuery = Type.Object({
  level: Type.Optional(AreaLevel),
  parent: Type.Optional(AreaCode),
  geometry: Type.Optional(Type.Boolean({ default: true, description: 'include outlines' })),
  simplify: Type.Optional(
    Type.Number({ minimum: 0, maximum: 0.01, description: 'simplification tolerance in degrees' }),
  ),
});
export type AreaListQuery = Static<typeof AreaListQuery>;

export const AreaPathEntry = Type.Object({ code: Type.String(), name: Type.String(), level: AreaLevel });
export type AreaPathEntry = Static<typeof AreaPathEntry>;

export const AreaDetail = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Type.Union([Geometry, Type.Null()]),
  properties: Type.Intersect([
    AreaProperties,
    Type.Object({
      /** From the city down to this area. */
      path: Type.Array(AreaPathEntry),
      /** [minLon, minLat, maxLon, maxLat], null without outline. */
      bbox: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()]),
      childCount: Type.Integer(),
    }),
  ]),
});
export type AreaDetail = Static<typeof AreaDetail>;

export const AreaParams = Type.Object({ code: AreaCode });

export const PointLookupQuery = Type.Object({
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
});
export type PointLookupQuery = Static<typeof PointLookupQuery>;

export const PointLookup = Type.Object({
  lon: Type.Number(),
  lat: Type.Number(),
  /** From the city down to the smallest area containing the point; empty outside all. */
  path: Type.Array(AreaPathEntry),
});
export type PointLookup = Static<typeof PointLookup>;
