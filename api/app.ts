import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySensible from '@fastify/sensible';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { loadConfig, type Config } from './config.ts';
import type { Database } from './db/database.ts';
import { authPlugin } from './plugins/auth.ts';
import { databasePlugin } from './plugins/database.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { repositoriesPlugin } from './plugins/repositories.ts';
import { areaRoutes } from './routes/areas/index.ts';
import { authRoutes } from './routes/auth/index.ts';
import { basemapRoutes } from './routes/basemap/index.ts';
import { gridRoutes } from './routes/grids/index.ts';
import { healthRoutes } from './routes/health/index.ts';
import { incidentRoutes } from './routes/incidents/index.ts';
import { dispatchRoutes } from './routes/dispatches/index.ts';
import { teamRoutes } from './routes/teams/index.ts';
import { liveRoutes } from './routes/live/index.ts';
import { screenRoutes } from './routes/screen/index.ts';
import { ogcRoutes } from './routes/ogc/index.ts';
import { exportRoutes } from './routes/exports/index.ts';
import { importRoutes } from './routes/imports/index.ts';
import { layerRoutes } from './routes/layers/index.ts';
import { mapRoutes } from './routes/map/index.ts';
import { open311Routes } from './routes/open311/index.ts';
import { reportRoutes } from './routes/reports/index.ts';
import { tileRoutes } from './routes/tiles/index.ts';
import { userRoutes } from './routes/users/index.ts';

export interface BuildOptions {
  config?: Partial<Config>;
  /** Use this database instead of opening one (tests); the caller closes it. */
  db?: Database;
  logger?: FastifyServerOptions['logger'];
}

/**
 * Builds the application without listening: external plugins (database, sensible,
 * rate limit, auth, swagger), then repositories, then routes, then the web app. Tests call this and
 * use `app.inject`.
 */
export async function build(opts: BuildOptions = {}): Promise<FastifyInstance> {
  const config: Config = { ...loadConfig(), ...opts.config };
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    // Query strings like ?geometry=false arrive as text; let the schemas coerce them.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    bodyLimit: 5 * 1024 * 1024,
    // The first start creates the embedded database and loads the sample city inside
    // the database plugin: that takes tens of seconds, not Fastify's default 10.
    pluginTimeout: 10 * 60_000,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(errorHandlerPlugin);
  await app.register(databasePlugin, { config, db: opts.db });
  await app.register(fastifySensible);
  // Only routes that ask for it (the public ones) are rate-limited, per client address.
  await app.register(fastifyRateLimit, { global: false });
  await app.register(authPlugin);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'riskmap API',
        description: '风险一张图 · grassroots governance command platform',
        version: '0.1.0',
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(repositoriesPlugin);

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(areaRoutes);
  await app.register(gridRoutes);
  await app.register(layerRoutes);
  await app.register(tileRoutes);
  await app.register(mapRoutes);
  await app.register(incidentRoutes);
  await app.register(dispatchRoutes);
  await app.register(teamRoutes);
  await app.register(liveRoutes);
  await app.register(screenRoutes);
  await app.register(ogcRoutes);
  await app.register(exportRoutes);
  await app.register(importRoutes);
  await app.register(open311Routes);
  await app.register(reportRoutes);
  await app.register(basemapRoutes);

  const index = path.join(config.webDir, 'index.html');
  const webApp = existsSync(index);
  if (webApp) {
    await app.register(fastifyStatic, { root: config.webDir, wildcard: false, index: 'index.html' });
  }
  // Client-side routes (/admin, /screen, …) get the web app; unknown API paths a JSON 404.
  app.setNotFoundHandler((req, reply) => {
    const pathname = req.url.split('?')[0] ?? '';
    if (
      webApp &&
      req.method === 'GET' &&
      !/^\/(api|open311)(\/|$)/.test(pathname) &&
      !path.extname(pathname)
    ) {
      return reply.sendFile('index.html');
    }
    return reply
      .code(404)
      .send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${pathname}` });
  });
  return app;
}
