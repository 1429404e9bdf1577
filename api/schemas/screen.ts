import { Type, type Static } from 'typebox';

const Count = Type.Integer({ minimum: 0 });
const Time = Type.String({ format: 'date-time' });

export const ScreenSummary = Type.Object({
  at: Time,
  /** The live stream's position when these figures were read: events after it are newer. */
  seq: Type.Integer(),
  today: Type.Object({
    total: Count,
    byCategory: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), n: Count })),
    byStatus: Type.Array(Type.Object({ status: Type.String(), n: Count })),
  }),
  onTime: Type.Object({
    resolved: Count,
    onTime: Count,
    rate: Type.Union([Type.Number(), Type.Null()], { description: 'onTime / resolved; null when none' }),
  }),
  openTotal: Count,
  overdueTotal: Count,
  /** Open incidents with a supervision order (督办) waiting for its answer. */
  supervisedTotal: Count,
  overdue: Type.Array(
    Type.Object({
      id: Type.Integer(),
      category: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      priority: Type.Integer(),
      townCode: Type.Union([Type.String(), Type.Null()]),
      deadlineAt: Time,
      /** A supervision order (督办) waits for its answer. */
      supervised: Type.Boolean(),
    }),
  ),
  teams: Type.Array(Type.Object({ kind: Type.String(), available: Count, busy: Count, offDuty: Count })),
  riskSources: Type.Array(Type.Object({ level: Type.Integer(), n: Count })),
  towns: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), open: Count, overdue: Count })),
});
export type ScreenSummary = Static<typeof ScreenSummary>;

export const PlaybackQuery = Type.Object({ from: Time, to: Time }, { additionalProperties: false });
export const Playback = Type.Object({
  from: Time,
  to: Time,
  truncated: Type.Boolean({
    description: 'more than 20,000 incidents or 200,000 fixes: the first ones only',
  }),
  incidents: Type.Array(
    Type.Object({
      id: Type.Integer(),
      reportedAt: Time,
      lon: Type.Number(),
      lat: Type.Number(),
      priority: Type.Integer(),
      category: Type.String(),
      steps: Type.Array(Type.Tuple([Type.String(), Type.String()]), {
        description: '[time, status], oldest first',
      }),
    }),
  ),
  tracks: Type.Array(
    Type.Object({
      teamId: Type.Integer(),
      kind: Type.String(),
      points: Type.Array(Type.Tuple([Type.String(), Type.Number(), Type.Number()]), {
        description: '[time, lon, lat]',
      }),
    }),
  ),
});
export type Playback = Static<typeof Playback>;
