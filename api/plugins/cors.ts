import fastifyCors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface CorsOptions {
  /** Origins whose pages may read the open interfaces; `['*']` any; empty: none (the default). */
  origins: readonly string[];
}

/**
 * The interfaces other web applications read: OGC API – Features, the vector tiles and their
 * TileJSON, Open311. Everything else (the web app's pages, the rest of /api) stays same-origin.
 */
const OPEN_INTERFACES = /^\/(?:ogc(?:[/?]|$)|api\/tiles\/|open311\/)/;

/**
 * Cross-origin reads (CORS) of the open interfaces, for the origins in RISKMAP_CORS_ORIGINS,
 * with preflight. Credentials (the session cookie) are never allowed cross-origin: a page
 * elsewhere sends an API key (X-API-Key or Authorization: Bearer) or reads what is public.
 * Registered before authentication, so a preflight and a refusal (401) carry the headers too.
 * Only CORS headers are added: the Content-Security-Policy of every answer stays as it is.
 */
export const corsPlugin = fp(
  async (app: FastifyInstance, opts: CorsOptions) => {
    if (opts.origins.length === 0) return;
    const origin = opts.origins.includes('*') ? '*' : [...opts.origins];
    await app.register(fastifyCors, {
      delegator: (req: FastifyRequest, cb) => {
        if (!OPEN_INTERFACES.test(req.url)) return cb(null, { origin: false });
        cb(null, {
          origin,
          methods: ['GET', 'HEAD', 'POST'],
          allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'If-None-Match'],
          exposedHeaders: ['ETag', 'Content-Crs', 'Retry-After'],
          credentials: false,
          maxAge: 600,
        });
      },
    });
  },
  { name: 'cors' },
);
