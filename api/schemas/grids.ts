import { Type, type Static } from 'typebox';
import { GRID_PROBLEM_CODES, type GridProblemKind } from '../lib/grid-geometry.ts';
import { VALIDITY_REASON_CODES } from '../lib/postgis-validity.ts';
import { ErrorCodeSchema, ErrorParamsSchema, Geometry, Id } from './common.ts';

export { GRID_PROBLEM_CODES, VALIDITY_REASON_CODES };
export type { GridProblemCode } from '../lib/grid-geometry.ts';
export type { ValidityReasonCode } from '../lib/postgis-validity.ts';

/** Largest version number an edit may name (an int column). */
const MAX_VERSION = 2_147_483_647;

/** A 15-digit grid code: village code (12) + 3-digit sequence (DESIGN.md §3). */
export const GridCode = Type.String({ pattern: '^[0-9]{15}$', description: '15-digit grid code' });
/** A 12-digit village code. */
export const VillageCode = Type.String({ pattern: '^[0-9]{12}$', description: '12-digit village code' });

export const GRID_CHANGES = [
  'loaded',
  'created',
  'reshaped',
  'renamed',
  'attributes',
  'split',
  'merged',
  'imported',
] as const;

export const PROBLEM_KINDS = [
  'geometry_type',
  'coordinates',
  'ring',
  'too_many_vertices',
  'invalid',
  'outside_parent',
  'overlap',
  'gap',
  'not_neighbours',
  'split_line',
  'code',
  'name',
] as const satisfies readonly GridProblemKind[];

/** Values of a problem's or a refusal's parameters. */
const Params = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]));

/**
 * One problem of an outline, with the offending part (EPSG:4326) to draw. `code` and
 * `params` say what is wrong for the interface to put in the user's language (an invalid
 * outline: `params.reason`, one of VALIDITY_REASON_CODES); `message` is the English sentence.
 */
export const GridProblem = Type.Object({
  kind: Type.Enum(PROBLEM_KINDS),
  code: Type.Enum(GRID_PROBLEM_CODES),
  params: Params,
  message: Type.String(),
  geometry: Type.Optional(Type.Union([Geometry, Type.Null()])),
  otherCode: Type.Optional(Type.String()),
  areaM2: Type.Optional(Type.Number()),
  feature: Type.Optional(Type.Integer()),
});
export type GridProblem = Static<typeof GridProblem>;

/** A refused save (422) or another refusal: the message and, for geometry, the problems. */
export const GridRejection = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(ErrorCodeSchema),
  params: Type.Optional(ErrorParamsSchema),
  problems: Type.Optional(Type.Array(GridProblem)),
});
export type GridRejection = Static<typeof GridRejection>;

export const GridWorker = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
});

export const GridProperties = Type.Object({
  code: Type.String(),
  name: Type.String(),
  parentCode: Type.String(),
  households: Type.Union([Type.Integer(), Type.Null()]),
  population: Type.Union([Type.Integer(), Type.Null()]),
  version: Type.Integer(),
  validFrom: Type.String({ format: 'date-time' }),
  validTo: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  change: Type.Enum(GRID_CHANGES),
  changedBy: Type.Union([Type.String(), Type.Null()]),
  closedReason: Type.Union([Type.String(), Type.Null()]),
  closedInto: Type.Union([Type.String(), Type.Null()]),
  /** Area on the spheroid, square metres. */
  areaM2: Type.Number(),
  /** Users with role grid_worker whose home area is this grid (current versions only). */
  workers: Type.Array(GridWorker),
});
export type GridProperties = Static<typeof GridProperties>;

export const GridFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Type.Union([Geometry, Type.Null()]),
  properties: GridProperties,
});
export type GridFeature = Static<typeof GridFeature>;

export const OutlineFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Type.Union([Geometry, Type.Null()]),
  properties: Type.Object({
    code: Type.String(),
    name: Type.String(),
    level: Type.Enum(['town', 'village']),
  }),
});

export const GapFeature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Geometry,
  properties: Type.Object({ villageCode: Type.String(), areaM2: Type.Number() }),
});

export const GridListQuery = Type.Object(
  {
    parent: Type.String({
      pattern: '^(?:[0-9]{9}|[0-9]{12})$',
      description: 'town (9) or village (12) code',
    }),
    at: Type.Optional(
      Type.String({ format: 'date-time', description: 'the grids as they were at this instant' }),
    ),
  },
  { additionalProperties: false },
);
export type GridListQuery = Static<typeof GridListQuery>;

/** The grids of a village or town with the parent outline and the gaps. */
export const GridListing = Type.Object({
  at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  parent: OutlineFeature,
  /** Under a town: its villages' outlines. */
  villages: Type.Array(OutlineFeature),
  grids: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(GridFeature) }),
  gaps: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(GapFeature) }),
  /** Tolerance of the checks in metres. */
  toleranceM: Type.Number(),
});
export type GridListing = Static<typeof GridListing>;

// Null first: with type coercion on, ajv would turn null into 0 for an integer branch tried first.
const Households = Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 1_000_000 })]);
const WorkerIds = Type.Array(Id(), { maxItems: 50, uniqueItems: true });
const Name = Type.String({ minLength: 1, maxLength: 200 });

/**
 * The outline as sent: any JSON, checked by the repository (so a wrong type or out-of-range
 * coordinates get a 422 naming the ring and position instead of a schema message).
 */
const AnyGeometry = Type.Unknown({ description: 'GeoJSON Polygon, EPSG:4326 lon/lat' });

export const NewGridBody = Type.Object(
  {
    parentCode: VillageCode,
    name: Name,
    geometry: AnyGeometry,
    households: Type.Optional(Households),
    workerIds: Type.Optional(WorkerIds),
  },
  { additionalProperties: false },
);
export type NewGridBody = Static<typeof NewGridBody>;

export const GridPatchBody = Type.Object(
  {
    version: Type.Integer({
      minimum: 1,
      maximum: MAX_VERSION,
      description: 'the version the edit started from',
    }),
    name: Type.Optional(Name),
    geometry: Type.Optional(AnyGeometry),
    households: Type.Optional(Households),
    workerIds: Type.Optional(WorkerIds),
  },
  { additionalProperties: false },
);
export type GridPatchBody = Static<typeof GridPatchBody>;

export const ValidateBody = Type.Object(
  {
    parentCode: VillageCode,
    geometry: AnyGeometry,
    code: Type.Optional(GridCode),
  },
  { additionalProperties: false },
);
export type ValidateBody = Static<typeof ValidateBody>;

export const ValidateResult = Type.Object({
  ok: Type.Boolean(),
  errors: Type.Array(GridProblem),
  warnings: Type.Array(GridProblem),
  toleranceM: Type.Number(),
});
export type ValidateResult = Static<typeof ValidateResult>;

export const WriteResult = Type.Object({
  grids: Type.Array(GridFeature),
  /** Gaps left in the village: reported, not refused. */
  warnings: Type.Array(GridProblem),
  /** Open incidents of the village whose point now lies in another grid. */
  reassignable: Type.Integer(),
});
export type WriteResult = Static<typeof WriteResult>;

export const GridParams = Type.Object({ code: GridCode });
export const VersionQuery = Type.Object(
  {
    version: Type.Integer({
      minimum: 1,
      maximum: MAX_VERSION,
      description: 'the version the edit started from',
    }),
  },
  { additionalProperties: false },
);

export const SplitBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: MAX_VERSION }),
    line: AnyGeometry,
    names: Type.Optional(Type.Array(Name, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type SplitBody = Static<typeof SplitBody>;

export const MergeBody = Type.Object(
  {
    grids: Type.Array(
      Type.Object({ code: GridCode, version: Type.Integer({ minimum: 1, maximum: MAX_VERSION }) }),
      {
        minItems: 2,
        maxItems: 20,
      },
    ),
    name: Type.Optional(Name),
  },
  { additionalProperties: false },
);
export type MergeBody = Static<typeof MergeBody>;

export const GridHistory = Type.Object({
  code: Type.String(),
  versions: Type.Array(GridFeature),
});
export type GridHistory = Static<typeof GridHistory>;

export const ImportBody = Type.Object(
  {
    parentCode: VillageCode,
    dryRun: Type.Optional(Type.Boolean({ default: false })),
    collection: Type.Object(
      {
        type: Type.Literal('FeatureCollection'),
        features: Type.Array(
          Type.Object({
            type: Type.Optional(Type.Literal('Feature')),
            geometry: Type.Unknown(),
            properties: Type.Unknown(),
          }),
          { maxItems: 999 },
        ),
      },
      {
        description: 'GeoJSON FeatureCollection of Polygons with properties name, code (to keep), households',
      },
    ),
  },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;

export const ImportReport = Type.Object({
  ok: Type.Boolean(),
  dryRun: Type.Boolean(),
  errors: Type.Array(GridProblem),
  warnings: Type.Array(GridProblem),
  kept: Type.Array(Type.String()),
  created: Type.Array(Type.String()),
  closed: Type.Array(Type.String()),
});
export type ImportReport = Static<typeof ImportReport>;

export const ExportQuery = Type.Object(
  {
    parent: VillageCode,
    format: Type.Optional(Type.Enum(['geojson', 'shapefile'], { default: 'geojson' })),
  },
  { additionalProperties: false },
);

export const ReassignQuery = Type.Object(
  { parent: Type.String({ pattern: '^(?:[0-9]{9}|[0-9]{12})$' }) },
  { additionalProperties: false },
);

export const Reassignment = Type.Object({
  id: Type.Integer(),
  category: Type.String(),
  status: Type.String(),
  description: Type.String(),
  reportedAt: Type.String({ format: 'date-time' }),
  gridCode: Type.Union([Type.String(), Type.Null()]),
  newGridCode: Type.Union([Type.String(), Type.Null()]),
  lon: Type.Number(),
  lat: Type.Number(),
});
export const ReassignmentList = Type.Array(Reassignment);
export type Reassignment = Static<typeof Reassignment>;

export const ReassignBody = Type.Object(
  {
    incidentIds: Type.Array(Id(), { minItems: 1, maxItems: 1000, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export const ReassignResult = Type.Object({
  reassigned: Type.Array(
    Type.Object({
      id: Type.Integer(),
      from: Type.Union([Type.String(), Type.Null()]),
      to: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  skipped: Type.Array(Type.Integer()),
});
export type ReassignResult = Static<typeof ReassignResult>;

export const WorkerCandidate = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  homeAreaCode: Type.String(),
});
export const WorkerCandidateList = Type.Array(WorkerCandidate);
export type WorkerCandidate = Static<typeof WorkerCandidate>;
