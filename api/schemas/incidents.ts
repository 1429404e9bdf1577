import { Type, type Static } from 'typebox';
import { INCIDENT_ACTIONS, TASK_STATUSES, TASK_STEPS } from '../lib/incident-lifecycle.ts';
import { Id, TownCode } from './common.ts';

export const CHANNELS = [
  'patrol',
  'citizen',
  'open311',
  'video',
  'iot',
  'hotline',
  'venue_code',
  'desk',
] as const;

export const CategoryQuery = Type.Object(
  { kind: Type.Optional(Type.Enum(['site', 'component', 'risk_source', 'incident'])) },
  { additionalProperties: false },
);
export const Category = Type.Object({
  kind: Type.String(),
  code: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  nameZh: Type.String(),
  nameEn: Type.String(),
  deadlineAmount: Type.Union([Type.Integer(), Type.Null()]),
  deadlineUnit: Type.Union([Type.String(), Type.Null()]),
  teamCapability: Type.Union([Type.String(), Type.Null()]),
  defaultPriority: Type.Union([Type.Integer(), Type.Null()]),
});
export const CategoryList = Type.Array(Category);

export const IntakeBody = Type.Object(
  {
    clientKey: Type.String({
      minLength: 8,
      maxLength: 100,
      pattern: '^[A-Za-z0-9._:-]+$',
      description: 'the client’s own id of this report; a retry with the same key returns the same incident',
    }),
    category: Type.String({ pattern: '^[0-9]{4}$', description: 'incident 小类 code' }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    channel: Type.Enum(CHANNELS),
    reporter: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 50 })),
          phone: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9+ -]*$' })),
        },
        { additionalProperties: false },
      ),
    ),
    siteId: Type.Optional(Id()),
    photos: Type.Optional(
      Type.Array(
        Type.Object(
          {
            contentType: Type.Enum(['image/jpeg', 'image/png', 'image/webp']),
            data: Type.String({ maxLength: 2_900_000, description: 'base64, at most 2 MB decoded' }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 6 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type IntakeBody = Static<typeof IntakeBody>;

/** A department's unit in a town. */
export const UnitRef = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  /** The department's code (departments table, GET /api/departments). */
  department: Type.String(),
});

export const Incident = Type.Object({
  id: Type.Integer(),
  clientKey: Type.Union([Type.String(), Type.Null()]),
  category: Type.String(),
  categoryName: Type.Union([Type.String(), Type.Null()]),
  channel: Type.String(),
  description: Type.String(),
  status: Type.String(),
  priority: Type.Integer(),
  reportedAt: Type.String(),
  deadlineAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  townCode: Type.Union([Type.String(), Type.Null()]),
  villageCode: Type.Union([Type.String(), Type.Null()]),
  gridCode: Type.Union([Type.String(), Type.Null()]),
  /** The kind of team / department responsible (属事), from the category. */
  teamCapability: Type.Union([Type.String(), Type.Null()]),
  /** Working minutes until the deadline; negative when overdue; null once resolved. */
  minutesLeft: Type.Union([Type.Integer(), Type.Null()]),
  overdue: Type.Boolean(),
  extensionPendingMinutes: Type.Union([Type.Integer(), Type.Null()]),
  reworkCount: Type.Integer(),
  photoCount: Type.Integer(),
  /** The master incident when this one was merged into it as a duplicate. */
  mergedInto: Type.Union([Type.Integer(), Type.Null()]),
  /** The unit handling it (归口): its town's unit of the category's lead department. */
  leadUnit: Type.Union([UnitRef, Type.Null()]),
  /** Times it has moved between units (转办, 退回, 指定). */
  handoffs: Type.Integer({ minimum: 0 }),
  /** Transferred or sent back more than twice: the coordination centre should decide (推诿). */
  bounced: Type.Boolean(),
  /** The supervision order (督办) waiting for the unit's answer, if any. */
  supervision: Type.Union([
    Type.Object({
      respondBy: Type.String({ format: 'date-time' }),
      overdue: Type.Boolean({ description: 'past the time to answer' }),
    }),
    Type.Null(),
  ]),
  lon: Type.Number(),
  lat: Type.Number(),
});
export type Incident = Static<typeof Incident>;

export const IntakeResult = Type.Intersect([
  Incident,
  Type.Object({
    created: Type.Boolean({ description: 'false when this client key had already been reported' }),
    raisedBy: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), level: Type.Integer() }), {
      description: 'risk sources whose impact zone holds the point',
    }),
    possibleDuplicates: Type.Array(
      Type.Object({
        id: Type.Integer(),
        distanceM: Type.Number(),
        reportedAt: Type.String(),
        status: Type.String(),
      }),
    ),
  }),
]);

export const TimelineEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  fromStatus: Type.Union([Type.String(), Type.Null()]),
  toStatus: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  /** A hop between units: where it came from and where it went. */
  fromUnit: Type.Union([UnitRef, Type.Null()]),
  toUnit: Type.Union([UnitRef, Type.Null()]),
});

/** A task of an assisting unit (协办任务). */
export const JointTask = Type.Object({
  id: Type.Integer(),
  unit: Type.Object({ id: Type.Integer(), name: Type.String(), department: Type.String() }),
  task: Type.String(),
  status: Type.Enum(TASK_STATUSES),
  deadlineAt: Type.String({ format: 'date-time' }),
  overdue: Type.Boolean({ description: 'open and past its deadline' }),
  note: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type JointTask = Static<typeof JointTask>;

export const AddTaskBody = Type.Object(
  {
    unitId: Id({ description: "a unit of the incident's town other than the lead (GET /api/units)" }),
    task: Type.String({ minLength: 1, maxLength: 500, description: 'what the unit is asked to do' }),
    hours: Type.Number({ exclusiveMinimum: 0, maximum: 2000, description: 'working hours allowed' }),
  },
  { additionalProperties: false },
);

export const TaskStepBody = Type.Object(
  {
    action: Type.Enum(TASK_STEPS),
    note: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'refuse, close: the reason (required); done: what was done',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Supervision = Type.Object({
  id: Type.Integer(),
  note: Type.String({ description: 'what the handling unit must do' }),
  respondBy: Type.String({ format: 'date-time' }),
  issuedBy: Type.String(),
  issuedAt: Type.String({ format: 'date-time' }),
  answer: Type.Union([Type.String(), Type.Null()]),
  answeredBy: Type.Union([Type.String(), Type.Null()]),
  answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Not answered and past the time to answer. */
  overdue: Type.Boolean(),
});
export type Supervision = Static<typeof Supervision>;

export const SuperviseBody = Type.Object(
  {
    note: Type.String({ minLength: 1, maxLength: 1000, description: 'what the handling unit must do' }),
    hours: Type.Number({ exclusiveMinimum: 0, maximum: 2000, description: 'working hours to answer in' }),
  },
  { additionalProperties: false },
);

export const SupervisionAnswerBody = Type.Object(
  { answer: Type.String({ minLength: 1, maxLength: 2000, description: 'what the unit did (反馈)' }) },
  { additionalProperties: false },
);

export const IncidentDetail = Type.Intersect([
  Incident,
  Type.Object({
    timeline: Type.Array(TimelineEntry),
    /** Actions the state machine allows now that this user may take. */
    actions: Type.Array(Type.String()),
    /** Video cameras within 300 m (雪亮工程), nearest first; `url` opens the camera's view in the
     * intranet video platform when RISKMAP_CAMERA_URL_TEMPLATE is set. */
    cameras: Type.Array(
      Type.Object({
        id: Type.Integer(),
        code: Type.String(),
        name: Type.String(),
        distanceM: Type.Number(),
        url: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    /** Joint handling (联办): the assisting units' tasks, oldest first. */
    tasks: Type.Array(JointTask),
    supervisions: Type.Array(Supervision),
    /** The joint-task steps this user may take now: add (when the incident is being handled), accept, done, refuse, close. */
    taskSteps: Type.Array(Type.Union([Type.Literal('add'), Type.Enum(TASK_STEPS)])),
    /** What the caller may do about supervision here: order it (督办), answer an order (反馈). */
    supervisionSteps: Type.Array(Type.Enum(['issue', 'answer'])),
    possibleDuplicates: Type.Array(
      Type.Object({
        id: Type.Integer(),
        distanceM: Type.Number(),
        reportedAt: Type.String(),
        status: Type.String(),
      }),
    ),
  }),
]);

export const QueueQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ pattern: '^[a-z_]+$', maxLength: 20 })),
    category: Type.Optional(Type.String({ pattern: '^[0-9]{2,4}$' })),
    town: Type.Optional(TownCode),
    overdue: Type.Optional(Type.Boolean()),
    unit: Type.Optional(Id({ description: 'only the matters this unit handles (GET /api/units)' })),
    assisting: Type.Optional(
      Id({ description: 'only the matters this unit assists on with an open joint task' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export const Queue = Type.Object({
  /** Incidents matching the filters in all pages. */
  total: Type.Integer(),
  /** Of those, past their deadline. */
  overdue: Type.Integer(),
  incidents: Type.Array(Incident),
});

export const TransitionBody = Type.Object(
  {
    action: Type.Enum(INCIDENT_ACTIONS),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    hours: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 2000, description: 'request_extension: working hours' }),
    ),
    into: Type.Optional(Id({ description: 'merge: the master incident' })),
    unitId: Type.Optional(
      Id({ description: 'transfer, assign_unit: the unit of the same town that takes it over' }),
    ),
  },
  { additionalProperties: false },
);
