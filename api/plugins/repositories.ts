import fp from 'fastify-plugin';
import * as areas from '../db/area-repository.ts';
import * as features from '../db/feature-repository.ts';
import * as health from '../db/health-repository.ts';
import type { Queryable } from '../db/database.ts';

type Bound<M> = {
  [K in keyof M]: M[K] extends (db: Queryable, ...args: infer A) => infer R ? (...args: A) => R : never;
};

function bind<M extends Record<string, unknown>>(db: Queryable, mod: M, names: (keyof M)[]): Bound<M> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const fn = mod[name] as (db: Queryable, ...args: unknown[]) => unknown;
    out[name as string] = (...args: unknown[]) => fn(db, ...args);
  }
  return out as Bound<M>;
}

/** The repositories, bound to the app's database; routes reach data only through these. */
export interface Repositories {
  areas: Bound<Pick<typeof areas, 'listAreas' | 'getArea' | 'getAreaPath' | 'findAreasAtPoint'>>;
  features: Bound<Pick<typeof features, 'listFeatures' | 'getFeature' | 'countLayers'>>;
  health: Bound<Pick<typeof health, 'getDatabaseInfo'>>;
}

declare module 'fastify' {
  interface FastifyInstance {
    repos: Repositories;
  }
}

export const repositoriesPlugin = fp(
  async (app) => {
    app.decorate('repos', {
      areas: bind(app.db, areas, ['listAreas', 'getArea', 'getAreaPath', 'findAreasAtPoint']),
      features: bind(app.db, features, ['listFeatures', 'getFeature', 'countLayers']),
      health: bind(app.db, health, ['getDatabaseInfo']),
    } as Repositories);
  },
  { name: 'repositories', dependencies: ['database'] },
);
