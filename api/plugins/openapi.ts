import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CSRF_HEADER, SESSION_COOKIE, type Access } from './auth.ts';

/**
 * How a caller proves who it is, as OpenAPI security schemes: the session cookie (browsers; a
 * write also sends the CSRF header), an API key in a header or as a bearer token (machines), and
 * for Open311 reads the `api_key` parameter GeoReport v2 clients send.
 */
export const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `set by POST /api/auth/login; POST, PUT, PATCH and DELETE also send the ${CSRF_HEADER} header given at sign-in`,
  },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'an API key (POST /api/api-keys)' },
  bearer: { type: 'http', scheme: 'bearer', description: 'an API key as a bearer token' },
  open311ApiKey: {
    type: 'apiKey',
    in: 'query',
    name: 'api_key',
    description: 'an API key as GeoReport v2 clients send it (Open311 only)',
  },
} as const;

type SecurityRequirement = Record<string, string[]>;

/** Who may call an operation, from the access the route declares. */
export function operationSecurity(url: string, access: Access | undefined): SecurityRequirement[] {
  if (access === 'public') return [];
  const schemes: SecurityRequirement[] = [{ session: [] }, { apiKey: [] }, { bearer: [] }];
  if (url.startsWith('/open311/')) schemes.push({ open311ApiKey: [] });
  return schemes;
}

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/**
 * A stable operationId from the method and path: `GET /api/incidents/:id/transitions` →
 * `getIncidentsByIdTransitions` (the common `/api` prefix dropped, path parameters as `By…`).
 */
export function operationIdFor(method: string, url: string): string {
  const segments = url
    .replace(/^\/api(?=\/|$)/, '')
    .split(/[/.]/)
    .filter(Boolean);
  const words = segments.map((s) => (s.startsWith(':') ? `By${pascal(s.slice(1))}` : pascal(s)));
  return `${method.toLowerCase()}${words.join('') || 'Root'}`;
}

type Json = unknown;

/**
 * OpenAPI 3.0 from the routes' JSON Schemas, where 3.0 is narrower than JSON Schema: a tuple
 * (`items: [...]`) becomes an array of any of its item schemas with the tuple's length, and a
 * numeric `exclusiveMinimum`/`exclusiveMaximum` becomes `minimum` with the boolean flag. What
 * the routes accept is unchanged: requests are validated against the routes' own schemas.
 */
export function toOpenApi30(node: Json): Json {
  if (Array.isArray(node)) return node.map(toOpenApi30);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node as Record<string, Json>)) out[k] = toOpenApi30(v);
  if (Array.isArray(out.items)) {
    const items = out.items as Json[];
    const distinct = [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];
    out.items = distinct.length === 1 ? distinct[0] : { anyOf: distinct };
    if (out.additionalItems === false) {
      out.minItems ??= items.length;
      out.maxItems ??= items.length;
    }
    delete out.additionalItems;
  }
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[exclusive] === 'number') {
      out[bound] = out[exclusive];
      out[exclusive] = true;
    }
  }
  return out;
}

/**
 * The API's OpenAPI 3.0 description (GET /api/docs/json, Swagger UI at /api/docs): every route
 * with an operationId, the security schemes it takes (none for public routes), and `servers`
 * naming this server.
 */
export const openApiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'riskmap API',
          description: '风险一张图 · grassroots governance command platform',
          version: '0.1.0',
          license: { name: 'Proprietary' },
        },
        servers: [{ url: '/', description: 'this server' }],
        components: { securitySchemes: SECURITY_SCHEMES },
        security: operationSecurity('/api', 'signed_in'),
      },
      transform: ({ schema, url, route }) => {
        const method = [route.method].flat()[0] ?? 'GET';
        return {
          url,
          schema: {
            ...schema,
            operationId:
              (schema as { operationId?: string } | undefined)?.operationId ?? operationIdFor(method, url),
            security: operationSecurity(url, route.config?.access),
          },
        };
      },
      transformObject: (doc) =>
        'openapiObject' in doc
          ? (toOpenApi30(doc.openapiObject) as typeof doc.openapiObject)
          : doc.swaggerObject,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  },
  { name: 'openapi' },
);
