import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ErrorCode } from '../lib/error-codes.ts';
import { DomainError, type ErrorParams } from '../lib/errors.ts';
import { sendOpen311Errors } from '../lib/open311-errors.ts';

/** What an error answers with: `{statusCode, error, message, code, params}` and any details. */
export interface ErrorAnswer {
  statusCode: number;
  code: ErrorCode;
  message: string;
  params: ErrorParams;
  details: Readonly<Record<string, unknown>>;
}

/**
 * The code of a refusal that has none of its own (thrown by a library, or code not yet given
 * one): named after its status, while the English message says what.
 */
const BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

const answer = (
  statusCode: number,
  code: ErrorCode,
  message: string,
  params: ErrorParams = {},
): ErrorAnswer => ({ statusCode, code, message, params, details: {} });

/**
 * The field and rule of a schema refusal, from Ajv's first error: `body/lat` and `maximum`
 * (with its limit), or the property that is missing or not allowed.
 */
function validationParams(err: FastifyError): ErrorParams {
  const first = err.validation?.[0];
  const where = err.validationContext ?? 'request';
  if (!first) return { field: where, rule: 'schema' };
  const p = first.params as Record<string, unknown>;
  let field = `${where}${first.instancePath}`;
  if (first.keyword === 'required' && typeof p.missingProperty === 'string') field += `/${p.missingProperty}`;
  if (first.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
    field += `/${p.additionalProperty}`;
  }
  const params: ErrorParams = { field, rule: first.keyword };
  if (typeof p.limit === 'number' || typeof p.limit === 'string') params.limit = p.limit;
  if (Array.isArray(p.allowedValues)) params.allowed = p.allowedValues.map(String).join(', ');
  if (typeof p.format === 'string') params.format = p.format;
  if (typeof p.type === 'string') params.type = p.type;
  if (typeof p.pattern === 'string') params.pattern = p.pattern;
  return params;
}

/**
 * What to answer for anything thrown while handling `req`: a DomainError as it says; a
 * schema refusal as `invalid_input`; Fastify's own refusals (content type, body size, JSON,
 * URL) under codes of their own; any other 4xx under its status's code; anything else as a
 * 500 that says what was being attempted and hides the internals (they are logged).
 */
export function errorAnswer(err: FastifyError, req: FastifyRequest): ErrorAnswer {
  if (err instanceof DomainError) {
    return { ...answer(err.statusCode, err.code, err.message, err.params), details: err.details };
  }
  if (err.validation) {
    const where = err.validationContext ?? 'request';
    return answer(400, 'invalid_input', `${where}: ${err.message}`, validationParams(err));
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const contentType = req.headers['content-type'] ?? '';
      return answer(
        415,
        'unsupported_media_type',
        `${req.method} ${req.routeOptions.url ?? req.url} does not take a body of type '${contentType || 'none'}'`,
        { contentType },
      );
    }
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = req.routeOptions.bodyLimit;
      return answer(413, 'body_too_large', `the request body is larger than the limit of ${limit} bytes`, {
        limit,
      });
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return answer(400, 'malformed_json', 'body: empty, though sent as application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return answer(400, 'malformed_json', 'body: not valid JSON, though sent as application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return answer(400, 'body_length_mismatch', 'body: its length differs from the Content-Length header');
    case 'FST_ERR_BAD_URL':
      return answer(400, 'malformed_url', `the path is not valid URL text: ${err.message}`);
    case 'FST_ERR_MAX_PARAM_LENGTH': {
      const limit = req.server.initialConfig.maxParamLength ?? 100;
      return answer(414, 'path_too_long', `a path parameter is longer than ${limit} characters`, { limit });
    }
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return answer(status, BY_STATUS[status] ?? 'refused', err.message);
  const attempt = req.routeOptions.schema?.summary ?? `${req.method} ${req.routeOptions.url ?? req.url}`;
  return answer(status >= 500 ? status : 500, 'internal_error', `Internal error while trying to: ${attempt}`);
}

/** Answers an error in the interface's own format: GeoReport v2's error list under /open311. */
export function sendError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const a = errorAnswer(err, req);
  if (a.statusCode >= 500) req.log.error({ err }, 'request failed');
  // GeoReport v2 clients expect its own error list
  if (req.url.startsWith('/open311/')) {
    const description = a.statusCode >= 500 ? 'internal error while handling the Open311 request' : a.message;
    return sendOpen311Errors(reply, a.statusCode, description);
  }
  return reply.code(a.statusCode).send({
    statusCode: a.statusCode,
    error: httpName(a.statusCode),
    message: a.message,
    code: a.code,
    params: jsonParams(a.params),
    ...a.details,
    // Refusals that point at parts of a geometry (the grid editor) carry them as `problems`.
    ...problemsOf(err),
  });
}

/** The params as JSON can carry them: a non-finite number (a parsed 1e309) as its text. */
function jsonParams(params: ErrorParams): ErrorParams {
  const out: ErrorParams = {};
  for (const [k, v] of Object.entries(params))
    out[k] = typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  return out;
}

function problemsOf(err: unknown): { problems?: unknown[] } {
  const problems = (err as { problems?: unknown }).problems;
  return Array.isArray(problems) && problems.length > 0 ? { problems } : {};
}

/**
 * The one error handler (unknown routes are answered by the not-found handler in app.ts, with
 * the same body). 4xx answers say what was wrong with the request; 5xx answers say what was
 * being attempted and hide the internals (logged instead). Every answer carries a `code` of
 * api/lib/error-codes.ts and its `params`, for the web app to say in the user's language.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(sendError);
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
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function httpName(status: number): string {
  return NAMES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}
