import { Type, type Static } from 'typebox';
import { AreaCode, ErrorCodeSchema, ErrorParamsSchema, MAX_OFFSET } from './common.ts';

const Lon = Type.Number({ minimum: -180, maximum: 180, description: 'longitude, WGS84 degrees' });
const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'latitude, WGS84 degrees' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 52 });
const Note = Type.String({ maxLength: 1000 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const CandidatesQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 5 })) },
  { additionalProperties: false },
);

export const Candidate = Type.Object({
  teamId: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  homeAreaCode: Nullable(Type.String()),
  positionAt: Type.String({ format: 'date-time', description: 'time of the team’s last fix' }),
  lon: Type.Number(),
  lat: Type.Number(),
  straightM: Type.Number({ description: 'straight-line metres to the incident' }),
  distanceM: Type.Number({ description: 'metres along the fastest route' }),
  travelTimeS: Type.Number({ description: 'seconds along the fastest route' }),
  eta: Type.String({ format: 'date-time', description: 'now + travelTimeS' }),
  ownGridWorker: Type.Boolean({
    description: 'the grid’s own grid worker (grid matters come to them first)',
  }),
  route: Type.Object({
    type: Type.Literal('LineString'),
    coordinates: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })),
  }),
});
export const CandidateList = Type.Object({
  incidentId: Type.Integer(),
  capability: Nullable(Type.String()),
  fixMaxAgeS: Type.Number({ description: 'positions older than this do not count' }),
  examined: Type.Integer({ description: 'teams timed on the road network to find these' }),
  candidates: Type.Array(Candidate),
});
export type CandidateList = Static<typeof CandidateList>;

export const Dispatch = Type.Object({
  id: Type.Integer(),
  incidentId: Type.Integer(),
  teamId: Type.Integer(),
  teamName: Type.String(),
  status: Type.Enum(['active', 'on_scene', 'completed', 'cancelled']),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  arrivedAt: Nullable(Type.String({ format: 'date-time' })),
  endedAt: Nullable(Type.String({ format: 'date-time' })),
  travelTimeS: Nullable(Type.Number()),
  distanceM: Nullable(Type.Number()),
  note: Nullable(Type.String()),
});
export type Dispatch = Static<typeof Dispatch>;

export const DispatchList = Type.Array(Dispatch);

export const DispatchQuery = Type.Object(
  {
    open: Type.Optional(Type.Boolean({ description: 'only active or on-scene dispatches' })),
    incidentId: Type.Optional(Id),
    teamId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

export const DispatchBody = Type.Object(
  { incidentId: Id, teamId: Id, note: Type.Optional(Note) },
  { additionalProperties: false },
);
export const StepBody = Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false });
export const ReassignBody = Type.Object(
  { teamId: Id, note: Type.Optional(Note) },
  { additionalProperties: false },
);

export const PlanBody = Type.Object(
  {
    area: Type.Optional(AreaCode),
    maxIncidents: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 500 })),
  },
  { additionalProperties: false },
);
export const PlannedDispatch = Type.Object({
  incidentId: Type.Integer(),
  priority: Type.Integer(),
  incidentLon: Type.Number(),
  incidentLat: Type.Number(),
  teamId: Type.Integer(),
  teamName: Type.String(),
  teamLon: Type.Number(),
  teamLat: Type.Number(),
  travelTimeS: Type.Number(),
  distanceM: Type.Number(),
});
export const Plan = Type.Object({
  plannedAt: Type.String({ format: 'date-time' }),
  exact: Type.Boolean({ description: 'every eligible team was timed to every incident' }),
  nearestPerIncident: Nullable(
    Type.Integer({ description: 'when not exact: teams considered per incident' }),
  ),
  incidents: Type.Integer(),
  teams: Type.Integer(),
  assignments: Type.Array(PlannedDispatch),
  unassigned: Type.Array(Type.Integer()),
  weightedTimeS: Type.Number({ description: 'Σ priority weight (2^(4 − priority)) × travel time' }),
});
export type Plan = Static<typeof Plan>;

export const ApplyPlanBody = Type.Object(
  {
    assignments: Type.Array(Type.Object({ incidentId: Id, teamId: Id }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 500,
    }),
  },
  { additionalProperties: false },
);
/** A plan refused as a whole (409 `plan_conflict`): each planned dispatch that no longer holds, and why. */
export const PlanConflicts = Type.Object({
  statusCode: Type.Literal(409),
  error: Type.String(),
  message: Type.String(),
  code: ErrorCodeSchema,
  params: ErrorParamsSchema,
  conflicts: Type.Array(
    Type.Object({
      incidentId: Type.Integer(),
      teamId: Type.Integer(),
      reason: Type.String(),
      code: ErrorCodeSchema,
      params: ErrorParamsSchema,
    }),
  ),
});

export const TEAM_STATUSES = ['available', 'dispatched', 'on_scene', 'off_duty'] as const;
export const Team = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  capabilities: Type.Array(Type.String()),
  status: Type.Enum(TEAM_STATUSES),
  onDuty: Type.Boolean(),
  homeAreaCode: Nullable(Type.String()),
  positionAt: Nullable(Type.String({ format: 'date-time' })),
  lon: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  stale: Type.Boolean({ description: 'no fix within the freshness limit' }),
  incidentId: Nullable(Type.Integer({ description: 'the incident of its open dispatch' })),
});
export type Team = Static<typeof Team>;

export const TeamQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 200, description: 'comma-separated' }),
    ),
    kind: Type.Optional(
      Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 200, description: 'comma-separated' }),
    ),
    area: Type.Optional(AreaCode),
    q: Type.Optional(Type.String({ maxLength: 50 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })),
  },
  { additionalProperties: false },
);
export const TeamList = Type.Object({
  total: Type.Integer(),
  fixMaxAgeS: Type.Number(),
  teams: Type.Array(Team),
});
export type TeamList = Static<typeof TeamList>;

export const PositionBody = Type.Object(
  { lon: Lon, lat: Lat, at: Type.String({ format: 'date-time', description: 'when the fix was taken' }) },
  { additionalProperties: false },
);
export const PositionResult = Type.Object({
  applied: Type.Boolean({
    description: 'false when the fix is older than the team’s current one (kept in the history only)',
  }),
  team: Team,
});
export const DutyBody = Type.Object({ onDuty: Type.Boolean() }, { additionalProperties: false });

export const TrackQuery = Type.Object(
  { from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);
export const Track = Type.Array(
  Type.Object({
    at: Type.String({ format: 'date-time' }),
    lon: Type.Number(),
    lat: Type.Number(),
    applied: Type.Boolean(),
  }),
);

const MultiPolygon = Type.Object({
  type: Type.Literal('MultiPolygon'),
  coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))),
});
export const IsochroneQuery = Type.Object(
  {
    minutes: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,2}(,[0-9]{1,2}){0,5}$',
        default: '5,10,15',
        description: 'comma-separated, each 1–60',
      }),
    ),
  },
  { additionalProperties: false },
);
export const Isochrones = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      properties: Type.Object({ minutes: Type.Integer(), areaKm2: Type.Number() }),
      geometry: MultiPolygon,
    }),
  ),
});
export const CoverageQuery = Type.Object(
  {
    minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 10 })),
    capability: Type.Optional(Type.String({ pattern: '^[a-z0-9_]{2,60}$' })),
  },
  { additionalProperties: false },
);
export const Coverage = Type.Object({
  minutes: Type.Integer(),
  teams: Type.Integer({ description: 'teams counted (available, on duty, fresh fix)' }),
  uncoveredKm2: Type.Number(),
  cityKm2: Type.Number(),
  uncovered: MultiPolygon,
});
