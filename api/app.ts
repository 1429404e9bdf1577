import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySensible from '@fastify/sensible';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { loadConfig, type Config } from './config.ts';
import type { Database } from './db/database.ts';
import { authPlugin } from './plugins/auth.ts';
import { compressionPlugin } from './plugins/compression.ts';
import { corsPlugin } from './plugins/cors.ts';
import { databasePlugin } from './plugins/database.ts';
import { errorHandlerPlugin, sendError } from './plugins/error-handler.ts';
import { importRunnerPlugin } from './plugins/import-runner.ts';
import { inputGuardPlugin } from './plugins/input-guard.ts';
import { liveHubPlugin } from './plugins/live-hub.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import { sendOpen311Errors } from './lib/open311-errors.ts';
import { lazySerializers } from './lib/lazy-serializers.ts';
import { withLogRedaction } from './lib/log-options.ts';
import { repositoriesPlugin } from './plugins/repositories.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { simulatorPlugin } from './plugins/simulator.ts';
import { tileFoldingPlugin } from './plugins/tile-folding.ts';
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
import { unitRoutes } from './routes/units/index.ts';
import { assessmentRoutes } from './routes/assessment/index.ts';
import { userRoutes } from './routes/users/index.ts';

/** The web app's page paths (its router in web/app.tsx), a trailing slash allowed. */
const WEB_PAGE =
  /^\/(?:report(?:\/track)?|admin|grids|import|dispatch|teams|screen|assessment|incidents(?:\/[0-9]{1,10})?)?\/?$/;

export interface BuildOptions {
  config?: Partial<Config>;
  /** Use this database instead of opening one (tests); the caller closes it. */
  db?: Database;
  /** `db` has been prepared already (migrations, sample city, accounts): `npm start`. */
  prepared?: boolean;
  logger?: FastifyServerOptions['logger'];
  /** A logger made already (`npm start`'s, see createLogger); takes the place of `logger`. */
  loggerInstance?: FastifyBaseLogger;
  /** The HTTP server to serve on (`npm start` listens before the app is built). */
  serverFactory?: FastifyServerOptions['serverFactory'];
}

/**
 * Builds the application without listening: external plugins (database, sensible,
 * rate limit, auth, swagger), then repositories, then routes, then the web app. Tests call this and
 * use `app.inject`.
 */
export async function build(opts: BuildOptions = {}): Promise<FastifyInstance> {
  const config: Config = { ...loadConfig(), ...opts.config };
  const app = Fastify({
    ...(opts.loggerInstance
      ? { loggerInstance: opts.loggerInstance }
      : { logger: withLogRedaction(opts.logger, config.logLevel) }),
    serverFactory: opts.serverFactory,
    // behind a reverse proxy: believe its X-Forwarded-* (protocol, host, client address)
    trustProxy: config.trustProxy,
    bodyLimit: 5 * 1024 * 1024,
    // The first start creates the embedded database and loads the sample city inside
    // the database plugin: that takes tens of seconds, not Fastify's default 10.
    pluginTimeout: 10 * 60_000,
    // a broken path (bad percent-encoding, an overlong parameter) is answered like any refusal
    frameworkErrors: (err, req, reply) => void sendError(err, req, reply),
    // compiled on first use (lib/lazy-serializers.ts): the server is ready a second sooner
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(errorHandlerPlugin);
  await app.register(securityHeadersPlugin, {
    basemap: config.basemap,
    screenFrameAncestors: config.screenFrameAncestors,
  });
  // validators per request part, bounded inputs, NUL refusal: before any route is added
  await app.register(inputGuardPlugin);
  // before authentication: preflights and refusals of the open interfaces carry CORS headers too
  await app.register(corsPlugin, { origins: config.corsOrigins });
  // before any route: each route's compression (and ETag per coding) is set up as it is added
  await app.register(compressionPlugin);
  await app.register(databasePlugin, { config, db: opts.db, prepared: opts.prepared });
  await app.register(fastifySensible);
  // Only routes that ask for it (the public ones) are rate-limited, per client address.
  await app.register(fastifyRateLimit, { global: false });
  await app.register(authPlugin);
  await app.register(openApiPlugin);
  await app.register(repositoriesPlugin);
  // background services: registered after the database, so they stop before it closes
  await app.register(tileFoldingPlugin);
  await app.register(importRunnerPlugin);
  await app.register(liveHubPlugin);
  await app.register(simulatorPlugin);

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(areaRoutes);
  await app.register(gridRoutes);
  await app.register(layerRoutes);
  await app.register(tileRoutes);
  await app.register(mapRoutes);
  await app.register(incidentRoutes);
  await app.register(unitRoutes);
  await app.register(assessmentRoutes);
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
    // each asset fetched is not worth a log line; failures still are
    await app.register(fastifyStatic, {
      root: config.webDir,
      wildcard: false,
      index: 'index.html',
      logLevel: 'warn',
    });
  }
  // The web app's pages (web/app.tsx) get index.html; anything else unknown is a 404 in the
  // interface's own format: GeoReport v2 errors under /open311, JSON everywhere else.
  app.setNotFoundHandler((req, reply) => {
    const pathname = req.url.split('?')[0] ?? '';
    const message = `no route ${req.method} ${pathname}`;
    if (/^\/open311(\/|$)/.test(pathname)) return sendOpen311Errors(reply, 404, message);
    if (webApp && (req.method === 'GET' || req.method === 'HEAD') && WEB_PAGE.test(pathname)) {
      return reply.sendFile('index.html');
    }
    return reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      message,
      code: 'no_route',
      params: { method: req.method, path: pathname },
    });
  });
  return app;
}
