import type { FastifyServerOptions } from 'fastify';
import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

/**
 * What the logs must never hold, as pino redaction paths: credentials in request headers
 * (should a serializer or a log call ever include them), the session cookie being set, and
 * passwords in logged bodies or objects.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-csrf-token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-csrf-token"]',
  'headers.cookie',
  'headers["set-cookie"]',
  ...['password', 'currentPassword', 'newPassword'].flatMap((k) => [k, `*.${k}`, `req.body.${k}`]),
];

/** Query parameters whose values are secrets: Open311's `api_key`, passwords, tokens. */
const SECRET_PARAMETER = /api[_-]?key|passw|secret|token/i;

/** A request URL with the values of secret query parameters replaced by `[Redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const rawName = pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judge the name as written
      }
      return SECRET_PARAMETER.test(name) ? `${rawName}=[Redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

/** The request as Fastify logs it by default, with secret query values taken out of the URL. */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

type LoggerOption = FastifyServerOptions['logger'];

/**
 * Fastify's `logger` option with the redaction above added: `false` stays off, `true` or
 * nothing logs at `level`, an options object keeps its settings (a test's stream, say) and
 * gains the redaction and the request serializer.
 */
export function withLogRedaction(logger: LoggerOption, level: string): LoggerOption {
  if (logger === false) return false;
  const base = logger === true || logger === undefined ? { level } : logger;
  const own = Array.isArray(base.redact) ? base.redact : (base.redact?.paths ?? []);
  return {
    ...base,
    redact: { paths: [...REDACTED_PATHS, ...own], censor: '[Redacted]' },
    serializers: { ...base.serializers, req: serializeRequest },
  };
}

/** Fastify's request log lines as one short line each, for a person at a terminal. */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const msg = typeof log[messageKey] === 'string' ? (log[messageKey] as string) : '';
  const req = log.req as { method?: string; url?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  const id = typeof log.reqId === 'string' ? ` [${log.reqId}]` : '';
  if (msg === 'incoming request' && req) return `→ ${req.method} ${req.url}${id}`;
  if (msg === 'request completed' && res) {
    const ms = typeof log.responseTime === 'number' ? ` in ${Math.round(log.responseTime)} ms` : '';
    return `← ${res.statusCode}${ms}${id}`;
  }
  return msg;
}

/**
 * `npm start`'s logger, with the same redaction as `withLogRedaction`: JSON lines for a log
 * collector, or readable lines for a person at a terminal (written synchronously, so that
 * they come out in order with the start banner).
 */
export function createLogger(
  level: string,
  format: 'pretty' | 'json',
  destination: NodeJS.WritableStream = process.stdout,
): Logger {
  const options = withLogRedaction(undefined, level) as LoggerOptions;
  options.serializers = { ...options.serializers, err: pino.stdSerializers.err };
  if (format === 'json') return pino(options, destination);
  const colorize = (destination as { isTTY?: boolean }).isTTY === true;
  return pino(
    options,
    pretty({
      destination,
      sync: true,
      colorize,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,reqId,req,res,responseTime',
      singleLine: true,
      messageFormat: prettyMessage,
    }),
  );
}
