import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../schemas/common.ts';
import { Health } from '../../schemas/health.ts';

/** A database that has not answered within this long counts as down (a load balancer is waiting). */
const DATABASE_TIMEOUT_MS = 5_000;

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        summary: 'check the platform and its database (details for admins only)',
        tags: ['platform'],
        response: { 200: Health, 500: ErrorBody, 503: Health },
      },
    },
    async (req, reply) => {
      let timer: NodeJS.Timeout | undefined;
      const info = await Promise.race([
        app.repos.health.getDatabaseInfo(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer in time')), DATABASE_TIMEOUT_MS);
        }),
      ])
        .catch((err: unknown) => {
          req.log.warn({ err }, 'health: the database does not answer');
          return null;
        })
        .finally(() => clearTimeout(timer));
      if (!info) return reply.code(503).send({ status: 'not ok' as const });
      // The public route resolves a session or key when one is sent; only admins see more.
      if (!req.scope?.permissions.has('manage_users')) return { status: 'ok' as const };
      return {
        status: 'ok' as const,
        backend: app.db.backend,
        postgis: info.postgis,
        postgres: info.postgres,
        migration: info.migration,
        dataset:
          info.dataset_name && info.dataset_scale && info.dataset_loaded_at
            ? {
                name: info.dataset_name,
                scale: info.dataset_scale,
                loadedAt: info.dataset_loaded_at.toISOString(),
              }
            : null,
      };
    },
  );
};
