import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Database } from './db/database.ts';
import { loadConfig, type Config } from './config.ts';
import { StartupGate, type RequestHandler } from './lib/startup-gate.ts';

// Only what answering "starting…" needs is imported up front: the HTTP server listens
// within a fraction of a second of the launch, and the database engine and the
// application's modules (seconds of loading) come after it.

/** Milliseconds since the process was launched. */
const sinceLaunch = () => Math.round(performance.now());

/** CPU milliseconds this process has used so far, all its threads (robust on a busy machine). */
function cpuMs(): number {
  const c = process.cpuUsage();
  return Math.round((c.user + c.system) / 1000);
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function baseUrl(config: Config, server: http.Server): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}

/** The admin password of a first start, once, where the person starting it will see it. */
function adminPasswordNotice(pretty: boolean, password: string): string {
  if (!pretty) return `first start: created user 'admin' with password ${password} (shown this once only)`;
  const rule = '  ' + '─'.repeat(60);
  return [
    '',
    rule,
    '  首次启动：已创建管理员账号 admin / first start: created user admin',
    `  密码 password:  ${password}`,
    '  只显示这一次，请立即记下 / shown this once only: note it now',
    rule,
    '',
    '',
  ].join('\n');
}

export interface StartOptions {
  /** Work the app must wait for before it is built (`npm start` building the web app). */
  before?: Promise<void>;
  /** Opens the database (tests hold it back to see the server while it starts). */
  openDatabase?: (config: Config) => Promise<Database>;
}

/** A server that listens and is starting, or has started. */
export interface StartedServer {
  url: string;
  /** Resolves when the API serves (the database is open and prepared). */
  ready: Promise<FastifyInstance>;
  /** Stops: once the start has got as far as it will, closes the app, the database and the server. */
  stop(): Promise<void>;
}

/**
 * Listens at once (answering "starting…" and 503 + Retry-After), then opens the database
 * while the application's modules load, prepares the database (migrations; on a first
 * start the sample city), builds the app and hands it the requests.
 */
export async function listenAndStart(config: Config, options: StartOptions = {}): Promise<StartedServer> {
  const pretty = (config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  const gate = new StartupGate();
  const server = http.createServer(gate.handle);
  await listen(server, config.port, config.host);
  const listenMs = sinceLaunch();
  const listenCpuMs = cpuMs();
  const { createLogger } = await import('./lib/log-options.ts');
  const log = createLogger(config.logLevel, pretty ? 'pretty' : 'json');
  const url = baseUrl(config, server);
  const where = config.databaseUrl ? 'the PostgreSQL database' : `the embedded database in ${config.dataDir}`;
  // the default keeps a fresh install off the network until someone decides otherwise
  const local = config.host === '127.0.0.1' ? 'this machine only; HOST=0.0.0.0 listens on the network' : null;
  if (pretty) {
    process.stdout.write(
      `\n  风险一张图 riskmap  ${url}\n` +
        (local ? `  ${local}\n` : '') +
        `  listening ${listenMs} ms after launch; opening ${where}…\n\n`,
    );
  } else {
    log.info({ url, listenMs, listenCpuMs }, `riskmap listening on ${url}, starting: opening ${where}`);
  }

  let app: FastifyInstance | null = null;
  /** Closed after the app, whose background services (live hub, tile folding) use it to the end. */
  let database: Database | null = null;
  let afterStart: Promise<void> = Promise.resolve();
  const stamp =
    <T>(what: string) =>
    (value: T) => {
      log.debug({ ms: sinceLaunch(), cpuMs: cpuMs() }, what);
      return value;
    };
  const ready = (async () => {
    // the engine first: its WebAssembly compiles off the main thread while the app's modules load
    const opening = (
      options.openDatabase
        ? options.openDatabase(config)
        : import('./db/open-database.ts').then((m) => m.openDatabase(config))
    ).then(stamp('start: database open'));
    const [db, { build }, { prepareDatabase, afterReady }] = await Promise.all([
      opening,
      import('./app.ts').then(stamp('start: modules loaded')),
      import('./db/prepare-database.ts'),
      options.before,
    ]);
    database = db;
    try {
      await prepareDatabase(db, {
        seed: config.seed,
        adminPassword: config.adminPassword,
        demoPassword: config.demoPassword,
        log: (msg, data) => log.info(data ?? {}, msg),
        onStep: (step) => gate.setStep(step),
        positionsAfterReady: true,
        showAdminPassword: (password) => {
          if (pretty) process.stdout.write(adminPasswordNotice(true, password));
          else log.warn(adminPasswordNotice(false, password));
        },
      });
      stamp('start: database prepared')(null);
      gate.setStep({ zh: '正在准备服务', en: 'Setting up the service' });
      let handler: RequestHandler | null = null;
      const built = await build({
        config,
        db,
        prepared: true,
        loggerInstance: log,
        serverFactory: (h) => {
          handler = h;
          return server;
        },
      });
      app = built;
      stamp('start: app built')(null);
      await built.ready();
      if (!handler) throw new Error('the app did not take the HTTP server');
      gate.open(handler);
      const readyMs = sinceLaunch();
      log.info(
        { listenMs, readyMs, listenCpuMs, readyCpuMs: cpuMs(), backend: db.backend },
        `riskmap ready in ${(readyMs / 1000).toFixed(1)} s on ${url} (${db.backend} database)` +
          (local && !pretty ? `; ${local}` : ''),
      );
      // work that can wait, while requests are already answered
      afterStart = afterReady(db, {
        log: (msg, data) => log.info(data ?? {}, msg),
        positionsAfterReady: true,
      }).then(
        () => log.debug({ ms: sinceLaunch(), cpuMs: cpuMs() }, 'start: after-ready work done'),
        (err: unknown) => log.warn({ err }, 'start: after-ready work failed'),
      );
      return built;
    } catch (err) {
      await app?.close().catch(() => undefined);
      database = null;
      await db.close().catch(() => undefined);
      throw err;
    }
  })();
  ready.catch((err: unknown) => log.error({ err }, 'start failed'));

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      if (!gate.isOpen) log.info('stopping once the database is open, to close it cleanly');
      await ready.catch(() => undefined);
      // the database closes after the work it is doing, not under it
      await afterStart;
      await app?.close();
      await database?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })());
  return { url, ready, stop };
}

/**
 * `npm start`: starts (see listenAndStart) with the configuration from the environment,
 * and stops cleanly on SIGINT/SIGTERM, also while still starting (a second signal stops at
 * once). Resolves when the API serves.
 */
export async function startServer(options: StartOptions = {}): Promise<void> {
  const started = await listenAndStart(loadConfig(), options);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      started.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await started.ready;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
