import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Scope } from '../auth/scope.ts';
import * as apiKeys from '../db/api-key-repository.ts';
import * as aroundRepo from '../db/around-repository.ts';
import * as areas from '../db/area-repository.ts';
import * as assessmentRepo from '../db/assessment-repository.ts';
import * as audit from '../db/audit-repository.ts';
import * as categories from '../db/category-repository.ts';
import * as coverageRepo from '../db/coverage-repository.ts';
import type { Database, Queryable } from '../db/database.ts';
import * as dispatches from '../db/dispatch-repository.ts';
import * as features from '../db/feature-repository.ts';
import * as grids from '../db/grid-repository.ts';
import * as health from '../db/health-repository.ts';
import * as incidents from '../db/incident-repository.ts';
import * as reports from '../db/report-repository.ts';
import * as screen from '../db/screen-repository.ts';
import * as searchRepo from '../db/search-repository.ts';
import * as sessions from '../db/session-repository.ts';
import * as stats from '../db/stats-repository.ts';
import * as teams from '../db/team-repository.ts';
import * as tiles from '../db/tile-repository.ts';
import * as tracking from '../db/tracking-repository.ts';
import * as units from '../db/unit-repository.ts';
import * as tasks from '../db/task-repository.ts';
import * as supervisions from '../db/supervision-repository.ts';
import * as users from '../db/user-repository.ts';

/** A module's functions with the database (and scope) already supplied. */
type BoundDb<M> = {
  [K in keyof M]: M[K] extends (db: Database, ...args: infer A) => infer R ? (...args: A) => R : never;
};
type BoundScoped<M> = {
  [K in keyof M]: M[K] extends (db: Database, scope: Scope, ...args: infer A) => infer R
    ? (...args: A) => R
    : never;
};

function bindDb<M extends object, K extends keyof M>(db: Database, mod: M, names: K[]): BoundDb<Pick<M, K>> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const fn = mod[name] as (db: Queryable, ...args: unknown[]) => unknown;
    out[name as string] = (...args: unknown[]) => fn(db, ...args);
  }
  return out as BoundDb<Pick<M, K>>;
}

function bindScoped<M extends object, K extends keyof M>(
  db: Database,
  scope: Scope,
  mod: M,
  names: K[],
): BoundScoped<Pick<M, K>> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const fn = mod[name] as (db: Queryable, scope: Scope, ...args: unknown[]) => unknown;
    out[name as string] = (...args: unknown[]) => fn(db, scope, ...args);
  }
  return out as BoundScoped<Pick<M, K>>;
}

/**
 * Repositories bound to one caller's scope: the only way routes reach scoped data, so
 * every read and write is limited to the caller's area by the repository itself.
 */
export function scopedRepositories(db: Database, scope: Scope) {
  return {
    areas: bindScoped(db, scope, areas, ['listAreas', 'getArea', 'findAreasAtPoint']),
    areaPaths: bindDb(db, areas, ['getAreaPath']),
    features: bindScoped(db, scope, features, [
      'listFeatures',
      'pageFeatures',
      'layerExtent',
      'incidentsSince',
      'getFeature',
      'countLayers',
      'linkedIncidents',
    ]),
    search: bindScoped(db, scope, searchRepo, ['search']),
    around: bindScoped(db, scope, aroundRepo, ['around', 'exposedSites']),
    stats: bindScoped(db, scope, stats, ['areaStats']),
    incidents: bindScoped(db, scope, incidents, [
      'intake',
      'getIncident',
      'timeline',
      'queue',
      'transition',
      'duplicatesOf',
      'nearbyCameras',
      'open311Requests',
      'getPhoto',
    ]),
    tiles: bindScoped(db, scope, tiles, ['pointTile', 'areaTile']),
    teams: bindScoped(db, scope, teams, ['listTeams', 'getTeam', 'recordPosition', 'teamTrack', 'setDuty']),
    dispatches: bindScoped(db, scope, dispatches, [
      'candidates',
      'getDispatch',
      'listDispatches',
      'dispatchTeam',
      'advanceDispatch',
      'reassignDispatch',
      'planDispatches',
      'applyPlan',
    ]),
    coverage: bindScoped(db, scope, coverageRepo, ['teamIsochrones', 'coverage']),
    screen: bindScoped(db, scope, screen, ['screenSummary', 'playback']),
    reports: bindScoped(db, scope, reports, ['incidentReport']),
    assessment: bindScoped(db, scope, assessmentRepo, ['assessment']),
    grids: bindScoped(db, scope, grids, [
      'listGrids',
      'getGrid',
      'gridHistory',
      'validateGrid',
      'createGrid',
      'updateGrid',
      'deleteGrid',
      'splitGrid',
      'mergeGrids',
      'importGrids',
      'pendingReassignments',
      'reassignIncidents',
      'listWorkerCandidates',
    ]),
    users: bindScoped(db, scope, users, [
      'listUsers',
      'getUser',
      'getUserToChange',
      'createUser',
      'updateUser',
      'changeOwnPassword',
    ]),
    apiKeys: bindScoped(db, scope, apiKeys, ['listApiKeys', 'createApiKey', 'revokeApiKey']),
    audit: bindScoped(db, scope, audit, ['listAudit', 'recordAudit']),
    units: bindScoped(db, scope, units, ['listUnits']),
    tasks: bindScoped(db, scope, tasks, ['listTasks', 'addTask', 'stepTask']),
    supervisions: bindScoped(db, scope, supervisions, ['listSupervisions', 'supervise', 'answerSupervision']),
    tracking: bindScoped(db, scope, tracking, ['rateReport']),
  };
}
export type ScopedRepositories = ReturnType<typeof scopedRepositories>;

/** Repositories that need no caller: health, sign-in, public intake (with its own Scope), basemap tiles. */
function systemRepositories(db: Database) {
  return {
    health: bindDb(db, health, ['getDatabaseInfo']),
    categories: bindDb(db, categories, ['listCategories']),
    departments: bindDb(db, units, ['listDepartments']),
    tracking: bindDb(db, tracking, ['trackReport']),
    sessions: bindDb(db, sessions, ['createSession', 'deleteSession', 'findSessionPrincipal']),
    credentials: bindDb(db, users, [
      'findCredentials',
      'getPasswordHash',
      'findLoginLock',
      'recordLoginFailure',
      'recordLoginSuccess',
      'areaExists',
    ]),
    audit: bindDb(db, audit, ['recordAnonymousAudit']),
    basemapTiles: bindDb(db, tiles, ['basemapTile']),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    repos: ReturnType<typeof systemRepositories>;
    /** Scoped repositories for the caller; throws 401 when nobody is signed in. */
    reposFor(req: FastifyRequest): ScopedRepositories;
    /** Scoped repositories for a given scope (public intake acts as an anonymous reporter). */
    reposAs(scope: Scope): ScopedRepositories;
  }
}

export const repositoriesPlugin = fp(
  async (app) => {
    app.decorate('repos', systemRepositories(app.db));
    app.decorate('reposFor', (req: FastifyRequest) => scopedRepositories(app.db, app.requireScope(req)));
    app.decorate('reposAs', (scope: Scope) => scopedRepositories(app.db, scope));
  },
  { name: 'repositories', dependencies: ['database', 'auth'] },
);
