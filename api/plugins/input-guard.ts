import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../lib/errors.ts';
import { findNulString, inputSchemaProblems } from '../lib/input-schema-rules.ts';

const GUARDED = /^\/(api|open311|ogc)(\/|$)/;

function makeAjv(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

/**
 * What a request may carry, for every route in one place:
 * - bodies are validated as sent (`{"onDuty": 0}` or `{"lat": true}` is a 400, not
 *   coerced); path and query strings arrive as text, so they are coerced to the schema's types;
 * - every route's input schema bounds its numbers, strings and arrays (checked at
 *   registration: the app refuses to start otherwise, so new routes are covered);
 * - a NUL character anywhere in the path, query or body is refused with the field named
 *   (PostgreSQL text cannot hold it, so it would otherwise end as a 500).
 */
export const inputGuardPlugin = fp(
  async (app: FastifyInstance) => {
    const bodyAjv = makeAjv(false);
    const textAjv = makeAjv('array');
    app.setValidatorCompiler(({ schema, httpPart }) =>
      (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object),
    );

    // collected and reported together when the app gets ready, so one start lists every gap
    const unbounded: string[] = [];
    app.addHook('onReady', async () => {
      if (unbounded.length > 0) throw new Error(`routes with unbounded input:\n${unbounded.join('\n')}`);
    });
    app.addHook('onRoute', (route) => {
      if (!GUARDED.test(route.url) || route.url.startsWith('/api/docs')) return;
      const schema = route.schema ?? {};
      const problems = [
        ...inputSchemaProblems(schema.params, 'params'),
        ...inputSchemaProblems(schema.querystring, 'querystring'),
        ...inputSchemaProblems(schema.body, 'body'),
      ];
      const methods = [route.method].flat().join(',');
      for (const p of problems) unbounded.push(`${methods} ${route.url} ${p}`);
    });

    app.addHook('preValidation', async (req) => {
      if (!GUARDED.test(req.url)) return;
      // A form (Open311 clients post them) carries text like a query string: its values are
      // coerced to the schema's types the same way, before the body is validated as sent.
      const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
      const bodySchema = req.routeOptions.schema?.body;
      if (form && bodySchema && typeof req.body === 'object' && req.body !== null) {
        textAjv.compile(bodySchema as object)(req.body);
      }
      const where =
        findNulString(req.params, 'params') ??
        findNulString(req.query, 'querystring') ??
        findNulString(req.body, 'body');
      if (where) {
        throw new DomainError(
          400,
          'nul_character',
          `${where}: contains a NUL character (U+0000), which cannot be stored`,
          {
            field: where,
          },
        );
      }
    });
  },
  { name: 'input-guard' },
);
