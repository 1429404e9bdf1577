import { Type, type Static } from 'typebox';
import { AreaPathEntry } from './areas.ts';

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'name, address, area code or incident number',
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  },
  { additionalProperties: false },
);

export const SearchHit = Type.Object({
  kind: Type.Enum(['area', 'site', 'risk_source', 'team', 'incident']),
  id: Type.String(),
  label: Type.String(),
  detail: Type.Union([Type.String(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  /** [minLon, minLat, maxLon, maxLat] for areas (fly to fit), null otherwise. */
  bbox: Type.Union([Type.Array(Type.Number()), Type.Null()]),
});
export type SearchHit = Static<typeof SearchHit>;
export const SearchResult = Type.Object({ q: Type.String(), hits: Type.Array(SearchHit) });
export type SearchResult = Static<typeof SearchResult>;

export const AroundQuery = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    radius: Type.Optional(Type.Number({ minimum: 1, maximum: 5000, default: 500, description: 'metres' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type AroundQuery = Static<typeof AroundQuery>;

const Near = {
  id: Type.Integer(),
  name: Type.String(),
  distanceM: Type.Number({ description: 'geodesic distance in metres' }),
  lon: Type.Number(),
  lat: Type.Number(),
};
export const AroundRiskSource = Type.Object({
  ...Near,
  kind: Type.String(),
  kindName: Type.Union([Type.String(), Type.Null()]),
  level: Type.Integer(),
  impactRadiusM: Type.Number(),
  /** The point lies inside this source's impact radius. */
  insideImpact: Type.Boolean(),
});
export const AroundSite = Type.Object({
  ...Near,
  kind: Type.String(),
  kindName: Type.Union([Type.String(), Type.Null()]),
});
export const AroundTeam = Type.Object({
  ...Near,
  kind: Type.String(),
  status: Type.String(),
  onDuty: Type.Boolean(),
});

export const AroundResult = Type.Object({
  lon: Type.Number(),
  lat: Type.Number(),
  radius: Type.Number(),
  riskSources: Type.Array(AroundRiskSource),
  /** Risk sources by level 1–4 (index 0 = level 1). */
  riskSourcesByLevel: Type.Array(Type.Integer(), { minItems: 4, maxItems: 4 }),
  sites: Type.Array(AroundSite),
  teams: Type.Array(AroundTeam),
});
export type AroundResult = Static<typeof AroundResult>;

export const ExposureResult = Type.Object({
  source: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    level: Type.Integer(),
    impactRadiusM: Type.Number(),
    lon: Type.Number(),
    lat: Type.Number(),
  }),
  sites: Type.Array(AroundSite),
});
export type ExposureResult = Static<typeof ExposureResult>;

export const AreaStatsQuery = Type.Object(
  { level: Type.Enum(['town', 'village']) },
  { additionalProperties: false },
);
export const AreaStat = Type.Object({
  code: Type.String(),
  name: Type.String(),
  population: Type.Union([Type.Integer(), Type.Null()]),
  openIncidents: Type.Integer(),
  riskSources: Type.Integer(),
  /** Σ level weights (重大 8, 较大 4, 一般 2, 低 1). */
  riskIndex: Type.Integer(),
  openIncidentsPer10k: Type.Union([Type.Number(), Type.Null()]),
  riskIndexPer10k: Type.Union([Type.Number(), Type.Null()]),
});
export type AreaStat = Static<typeof AreaStat>;
export const AreaStats = Type.Array(AreaStat);

export const FeatureContext = Type.Object({
  /** Town › village › grid of the feature. */
  path: Type.Array(AreaPathEntry),
  incidents: Type.Array(
    Type.Object({
      id: Type.Integer(),
      category: Type.String(),
      categoryName: Type.Union([Type.String(), Type.Null()]),
      status: Type.String(),
      priority: Type.Integer(),
      reportedAt: Type.String(),
      description: Type.String(),
      distanceM: Type.Number(),
    }),
  ),
});
export type FeatureContext = Static<typeof FeatureContext>;
