import fp from 'fastify-plugin';
import { SYSTEM_SCOPE, type Scope } from '../auth/scope.ts';
import { roadGraph } from '../db/road-repository.ts';
import {
  acquireSimulatorLease,
  deskQueue,
  hasSampleCity,
  markSynthetic,
  openSyntheticDispatches,
  pruneSyntheticFixes,
  reportPlaces,
  syntheticAmong,
  syntheticDuty,
  syntheticTeams,
  type SimulatorLease,
} from '../db/simulator-repository.ts';
import type { Database } from '../db/database.ts';
import { DomainError } from '../lib/errors.ts';
import { systemClock, type Clock } from '../lib/simulator/clock.ts';
import type { DeskAction } from '../lib/simulator/desk.ts';
import { CitySimulator, type SimulatorPorts } from '../lib/simulator/engine.ts';
import type { ScopedRepositories } from './repositories.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The sample city's simulator in this process (see api/lib/simulator/engine.ts). */
    simulator: SimulatorHandle;
  }
}

export interface SimulatorHandle {
  /** Wanted here (RISKMAP_SIMULATE and the database): this process simulates or waits for the lease. */
  readonly enabled: boolean;
  /** True while this process holds the lease and simulates. */
  active(): boolean;
  /** Ticks run by this process so far. */
  ticks(): number;
}

/** Who the simulator acts as: the platform itself, named so that its steps read as synthetic. */
export const SIMULATOR_SCOPE: Scope = { ...SYSTEM_SCOPE, name: '城市模拟器' };

/** One tick a second of real time. */
const TICK_MS = 1000;
/** A process without the lease asks again this often (the holder may have stopped). */
const LEASE_RETRY_MS = 10_000;

/** A refusal that means "not any more" (someone else got there first), not a failure. */
function refused(err: unknown): boolean {
  return err instanceof DomainError && (err.statusCode === 409 || err.statusCode === 404);
}

const INCIDENT_ACTION: Record<
  Exclude<DeskAction, 'dispatch'>,
  'accept' | 'reject' | 'merge' | 'verify_pass' | 'verify_fail' | 'close'
> = {
  accept: 'accept',
  reject: 'reject',
  merge: 'merge',
  verify_pass: 'verify_pass',
  verify_fail: 'verify_fail',
  close: 'close',
};

/**
 * The simulator's ports bound to the repositories: every change goes the way the API's
 * routes make it — fixes as PATCH /api/teams/{id}/position, reports as POST /api/reports'
 * intake, dispatch steps, duty and the desk's transitions — acting as SIMULATOR_SCOPE.
 */
function simulatorPorts(
  db: Database,
  repos: ScopedRepositories,
  o: { fixMaxAgeS: number; marginM: number },
): SimulatorPorts {
  return {
    teams: () => syntheticTeams(db),
    openDispatches: () => openSyntheticDispatches(db),
    duty: () => syntheticDuty(db),
    async sendFix(teamId, lon, lat, at) {
      await repos.teams.recordPosition(teamId, { lon, lat, at, marginM: o.marginM });
    },
    async arrive(dispatchId) {
      try {
        return (await repos.dispatches.advanceDispatch(dispatchId, 'arrive')) !== null;
      } catch (err) {
        if (refused(err)) return false;
        throw err;
      }
    },
    async complete(dispatchId) {
      try {
        return (await repos.dispatches.advanceDispatch(dispatchId, 'complete')) !== null;
      } catch (err) {
        if (refused(err)) return false;
        throw err;
      }
    },
    async setDuty(teamId, onDuty) {
      try {
        return (await repos.teams.setDuty(teamId, onDuty)) !== null;
      } catch (err) {
        if (refused(err)) return false;
        throw err;
      }
    },
    places: () => reportPlaces(db),
    async report(r) {
      const made = await repos.incidents.intake({
        clientKey: r.clientKey,
        category: r.category,
        channel: r.channel,
        description: r.description,
        lon: r.lon,
        lat: r.lat,
        ...(r.siteId === undefined ? {} : { siteId: r.siteId }),
      });
      const id = made.incident.id;
      await markSynthetic(db, id);
      // a second report is merged only into a synthetic one: people's incidents are left to people
      const duplicates = await syntheticAmong(
        db,
        made.possibleDuplicates.map((d) => d.id).filter((d) => d !== id),
      );
      return { id, duplicates };
    },
    deskQueue: () => deskQueue(db),
    async deskStep(incidentId, action, into) {
      try {
        if (action === 'dispatch') {
          const found = await repos.dispatches.candidates(incidentId, { limit: 5, fixMaxAgeS: o.fixMaxAgeS });
          for (const c of found?.candidates ?? []) {
            try {
              await repos.dispatches.dispatchTeam({ incidentId, teamId: c.teamId });
              return 'done';
            } catch (err) {
              // the team was taken meanwhile: the next one
              if (!refused(err)) throw err;
            }
          }
          return 'retry';
        }
        await repos.incidents.transition(incidentId, {
          action: INCIDENT_ACTION[action],
          ...(action === 'merge' && into !== undefined ? { into } : {}),
          ...(action === 'reject' ? { note: '不属于受理范围' } : {}),
        });
        return 'done';
      } catch (err) {
        if (refused(err)) return 'retry';
        throw err;
      }
    },
    pruneFixes: (beforeMs) => pruneSyntheticFixes(db, new Date(beforeMs)),
  };
}

/**
 * Runs the sample city's simulator in the background (RISKMAP_SIMULATE; by default only on a
 * database that loaded the sample city): synthetic teams patrol, drive to their dispatches and
 * work, shifts change, synthetic reports come in and the desk handles them. Of all the API
 * processes on one database exactly one simulates (acquireSimulatorLease); the others ask again
 * now and then and take over when it stops. Stops when the app closes, before the database.
 */
export const simulatorPlugin = fp(
  async (app, opts: { clock?: Clock }) => {
    const setting = app.config.simulate;
    const enabled = setting === true || (setting === 'auto' && (await hasSampleCity(app.db)));
    let lease: SimulatorLease | null = null;
    let engine: CitySimulator | null = null;
    let ticks = 0;
    let timer: NodeJS.Timeout | null = null;
    let running: Promise<void> | null = null;
    let closing = false;
    app.decorate('simulator', {
      enabled,
      active: () => engine !== null,
      ticks: () => ticks,
    } satisfies SimulatorHandle);
    if (!enabled) return;

    const schedule = (ms: number, fn: () => Promise<void>) => {
      if (closing) return;
      timer = setTimeout(() => {
        running = fn().finally(() => (running = null));
      }, ms);
      timer.unref();
    };

    const stop = async (why: string) => {
      const held = lease;
      engine = null;
      lease = null;
      if (held) await held.release();
      app.log.info({ why }, 'simulator: stopped');
    };

    const tick = async (): Promise<void> => {
      if (!engine) return;
      try {
        await engine.tick();
        ticks++;
      } catch (err) {
        if (closing) return;
        app.log.warn({ err }, 'simulator: a tick failed');
      }
      if (engine) schedule(TICK_MS, tick);
    };

    const tryLease = async (): Promise<void> => {
      try {
        lease = await acquireSimulatorLease(app.db, app.config.databaseUrl);
      } catch (err) {
        app.log.warn({ err }, 'simulator: could not ask for the lease');
        lease = null;
      }
      if (closing) {
        if (lease) await lease.release();
        lease = null;
        return;
      }
      if (!lease) return schedule(LEASE_RETRY_MS, tryLease);
      const held = lease;
      void held.lost.then(async () => {
        if (lease !== held || closing) return;
        await stop('the lease was lost');
        schedule(LEASE_RETRY_MS, tryLease);
      });
      try {
        const next = new CitySimulator(
          simulatorPorts(app.db, app.reposAs(SIMULATOR_SCOPE), {
            fixMaxAgeS: app.config.fixMaxAgeS,
            marginM: app.config.serviceAreaMarginM,
          }),
          {
            clock: opts.clock ?? systemClock,
            speed: app.config.simulateSpeed,
            graph: await roadGraph(app.db),
            reportsPerDay: app.config.simulateReportsPerDay,
            fixIntervalS: 30,
            fixBudget: 10,
            keepFixesH: 48,
            seed: Date.now() % 2_147_483_647,
            log: app.log,
          },
        );
        await next.start();
        if (closing || lease !== held) return;
        engine = next;
      } catch (err) {
        app.log.warn({ err }, 'simulator: could not start');
        await stop('start failed');
        return schedule(LEASE_RETRY_MS, tryLease);
      }
      schedule(0, tick);
    };

    app.addHook('onReady', () => {
      schedule(0, tryLease);
    });
    app.addHook('onClose', async () => {
      closing = true;
      if (timer) clearTimeout(timer);
      await running;
      if (lease) await stop('the app closes');
    });
  },
  { name: 'simulator', dependencies: ['database', 'repositories'] },
);
