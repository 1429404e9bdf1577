import { Type, type Static } from 'typebox';
import { ASSESSMENT_LEVELS } from '../lib/assessment.ts';

export const AssessmentQuery = Type.Object(
  {
    level: Type.Enum(ASSESSMENT_LEVELS, {
      default: 'town',
      description:
        'what is ranked: towns, villages, units (归口, the lead unit) or teams (the last dispatched)',
    }),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'reported from (default: 30 days before `to`)' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'reported before (default: now)' })),
  },
  { additionalProperties: false },
);
export type AssessmentQuery = Static<typeof AssessmentQuery>;

const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
  description: 'a fraction from 0 to 1; null when there is nothing to divide by',
});

export const AssessmentRow = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  code: Type.String({ description: 'area code, unit id or team id' }),
  name: Type.String(),
  received: Type.Integer({ description: 'reported in the window (merged duplicates not counted)' }),
  resolved: Type.Integer({ description: 'reached 处置完成 at least once' }),
  onTime: Type.Integer({ description: 'first resolution no later than the deadline' }),
  overdue: Type.Integer({ description: 'resolved late, or unresolved and past the deadline now' }),
  onTimeRate: Rate,
  avgHandlingHours: Type.Union([Type.Number(), Type.Null()], {
    description: 'working hours from the report to the first resolution, averaged over the resolved',
  }),
  reworked: Type.Integer({ description: 'resolved incidents that failed a verification (返工)' }),
  reworkRate: Rate,
  transfers: Type.Integer({ description: '转办 and 退回 steps' }),
  supervisions: Type.Integer({ description: '督办 orders' }),
  rated: Type.Integer(),
  satisfied: Type.Integer(),
  basic: Type.Integer(),
  unsatisfied: Type.Integer(),
  satisfactionRate: Rate,
});

export const Assessment = Type.Object({
  level: Type.Enum(ASSESSMENT_LEVELS),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  rows: Type.Array(AssessmentRow),
});
