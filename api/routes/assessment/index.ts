import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getCalendar } from '../../db/incident-repository.ts';
import { assessmentWindow } from '../../lib/assessment.ts';
import { ERRORS_4XX } from '../../schemas/common.ts';
import { Assessment, AssessmentQuery } from '../../schemas/assessment.ts';

/** Assessment (考核): towns, villages, units and teams ranked by figures read from the timelines. */
export const assessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/assessment',
    {
      config: { access: 'assess' },
      schema: {
        summary:
          'assessment of my area: received, on-time rate, handling time, overdue, rework, transfers, supervision, satisfaction, ranked',
        tags: ['incidents'],
        querystring: AssessmentQuery,
        response: { 200: Assessment, ...ERRORS_4XX },
      },
    },
    async (req) => {
      const now = new Date();
      const { from, to } = assessmentWindow(req.query.from, req.query.to, now);
      const rows = await app.reposFor(req).assessment.assessment({
        level: req.query.level,
        from,
        to,
        calendar: await getCalendar(app.db),
        now,
      });
      return { level: req.query.level, from: from.toISOString(), to: to.toISOString(), rows };
    },
  );
};
