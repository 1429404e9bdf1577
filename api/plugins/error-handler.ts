import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendOpen311Errors } from '../lib/open311-errors.ts';

/**
 * The one error handler (unknown routes are answered by the not-found handler in app.ts). 4xx answers say what was wrong with the request;
 * 5xx answers say what was being attempted and hide the internals (logged instead).
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      // GeoReport v2 clients expect its own error list
      if (req.url.startsWith('/open311/')) {
        const status = err.validation ? 400 : (err.statusCode ?? 500);
        if (status >= 500) req.log.error({ err }, 'request failed');
        const description = err.validation
          ? `${err.validationContext ?? 'request'}: ${err.message}`
          : status >= 500
            ? 'internal error while handling the Open311 request'
            : err.message;
        return sendOpen311Errors(reply, status, description);
      }
      if (err.validation) {
        const where = err.validationContext ?? 'request';
        return reply
          .code(400)
          .send({ statusCode: 400, error: 'Bad Request', message: `${where}: ${err.message}` });
      }
      const status = err.statusCode ?? 500;
      if (status < 500) {
        // Refusals that point at parts of a geometry (the grid editor) carry them as `problems`.
        const problems = (err as { problems?: unknown }).problems;
        return reply.code(status).send({
          statusCode: status,
          error: httpName(status),
          message: err.message,
          ...(Array.isArray(problems) && problems.length > 0 ? { problems } : {}),
        });
      }
      req.log.error({ err }, 'request failed');
      const attempt = req.routeOptions.schema?.summary ?? `${req.method} ${req.routeOptions.url ?? req.url}`;
      return reply.code(status).send({
        statusCode: status,
        error: httpName(status),
        message: `Internal error while trying to: ${attempt}`,
      });
    });
  },
  { name: 'error-handler' },
);

const NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function httpName(status: number): string {
  return NAMES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}
