import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../schemas/common.ts';
import { Health } from '../../schemas/health.ts';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        summary: 'check the platform and its database',
        tags: ['platform'],
        response: { 200: Health, 500: ErrorBody },
      },
    },
    async () => {
      const info = await app.repos.health.getDatabaseInfo();
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
