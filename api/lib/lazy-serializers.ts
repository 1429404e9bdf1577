import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type BuildSerializer = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']
>;

/**
 * Fastify's response serializers (fast-json-stringify, the same options), each compiled when
 * its route first answers with that status rather than all at start: generating the code for
 * every route and status (HEAD routes included) was about a second of CPU before the server
 * could answer anything, and most statuses of most routes are never sent in a given run.
 */
export function lazySerializers(): BuildSerializer {
  const build = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => {
      let serialize: ((data: unknown) => string) | null = null;
      return (data: unknown) => (serialize ??= compile(route))(data);
    };
  };
}
