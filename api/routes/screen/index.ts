import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../lib/errors.ts';
import { ERRORS_4XX } from '../../schemas/common.ts';
import { Playback, PlaybackQuery, ScreenSummary } from '../../schemas/screen.ts';

/** The command-centre screen: its figures, and a time window to play back. */
export const screenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/screen/summary',
    {
      config: { access: 'read' },
      schema: {
        summary:
          'the big screen’s figures for my area: today’s incidents, on-time rate, overdue, teams, risk, towns',
        tags: ['screen'],
        response: { 200: ScreenSummary, ...ERRORS_4XX },
      },
    },
    async (req) => {
      // the stream position first: any event after it may not be in these figures yet
      const seq = app.live.currentSeq;
      const s = await app.reposFor(req).screen.screenSummary();
      return {
        ...s,
        at: new Date().toISOString(),
        seq,
        onTime: { ...s.onTime, rate: s.onTime.resolved ? s.onTime.onTime / s.onTime.resolved : null },
        overdue: s.overdue.map((o) => ({ ...o, deadlineAt: new Date(o.deadlineAt).toISOString() })),
      };
    },
  );

  app.get(
    '/api/playback',
    {
      config: { access: 'read' },
      schema: {
        summary: 'incidents and team tracks of a time window (at most 7 days), to replay',
        tags: ['screen'],
        querystring: PlaybackQuery,
        response: { 200: Playback, ...ERRORS_4XX },
      },
    },
    async (req) => {
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (!(to > from)) {
        throw new DomainError(400, 'time_range_reversed', 'querystring: to must be after from', {
          from: req.query.from,
          to: req.query.to,
        });
      }
      if (to.getTime() - from.getTime() > 7 * 86_400_000) {
        throw new DomainError(
          400,
          'time_range_too_long',
          'querystring: a window of at most 7 days between from and to',
          { maxDays: 7 },
        );
      }
      const p = await app.reposFor(req).screen.playback(from, to);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        truncated: p.truncated,
        incidents: p.incidents.map((i) => ({ ...i, reportedAt: new Date(i.reportedAt).toISOString() })),
        tracks: p.tracks,
      };
    },
  );
};
