import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { build } from '../../api/app.ts';
import type { Config } from '../../api/config.ts';
import type { Database } from '../../api/db/database.ts';
import { GEODATA_DIR } from '../../api/db/dataset-loader.ts';
import { MIGRATIONS_DIR } from '../../api/db/migrate.ts';
import { openDatabase } from '../../api/db/open-database.ts';
import { prepareDatabase } from '../../api/db/prepare-database.ts';
import pg from 'pg';

/** Hash of everything the seeded template is made from, so a stale template is never reused. */
function inputsHash(): string {
  const h = createHash('sha256');
  for (const dir of [MIGRATIONS_DIR, path.join(GEODATA_DIR, 'sample'), path.join(GEODATA_DIR, 'reference')]) {
    for (const f of readdirSync(dir).sort()) {
      const full = path.join(dir, f);
      if (statSync(full).isFile()) h.update(f).update(readFileSync(full));
    }
  }
  // and the code that turns them into a database
  for (const f of [
    'db/dataset-loader.ts',
    'db/sample-history.ts',
    'lib/simulator/history.ts',
    'lib/simulator/schedule.ts',
    'db/prepare-database.ts',
    'db/migrate.ts',
    'auth/bootstrap.ts',
  ]) {
    h.update(f).update(readFileSync(path.join(MIGRATIONS_DIR, '../api', f)));
  }
  return h.digest('hex').slice(0, 16);
}

/** The seeded embedded database that test files copy (built by global-setup when missing). */
export const TEMPLATE_DIR = path.join(os.tmpdir(), `riskmap-test-template-${inputsHash()}`);

/** Password of `admin` in test databases. */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

/** A signed-in client: injects requests with the session cookie and the CSRF header. */
export interface Client {
  inject(opts: InjectOptions | string): Promise<LightMyRequestResponse>;
  csrfToken: string;
  cookie: string;
}

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  /** Signs in (once per app) as a demo user, `admin`, or any user with `password`. */
  as(username: string, password?: string): Promise<Client>;
  close(): Promise<void>;
}

/**
 * A new database of its own on the PostgreSQL server of `url` (for a file whose background
 * work — the simulator — would change what the other files on the shared one read); `drop`
 * removes it.
 */
async function privatePostgres(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `riskmap_private_${process.pid}_${Date.now().toString(36)}`;
  const run = async (sql: string) => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  return { url: own.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Signs in through the API and returns a client carrying that session. */
export async function signIn(app: FastifyInstance, username: string, password: string): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === 'riskmap_session');
  if (!setCookie) throw new Error('no session cookie');
  const cookie = `riskmap_session=${setCookie.value}`;
  const csrfToken = res.json().csrfToken as string;
  return {
    cookie,
    csrfToken,
    inject(opts) {
      const o: InjectOptions = typeof opts === 'string' ? { url: opts } : opts;
      return app.inject({ ...o, headers: { cookie, 'x-csrf-token': csrfToken, ...(o.headers ?? {}) } });
    },
  };
}

/**
 * A fresh app for one test file: on the embedded engine over a private copy of the
 * seeded template (so files never see each other's writes); on PostgreSQL over
 * DATABASE_URL. The web app is not served.
 */
export async function openTestApp(
  config: Partial<Config> = {},
  o: { privateDatabase?: boolean } = {},
): Promise<TestApp> {
  let databaseUrl = process.env.DATABASE_URL || undefined;
  let dataDir = TEMPLATE_DIR;
  let dropPrivate: (() => Promise<void>) | null = null;
  if (!databaseUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-test-'));
    await cp(TEMPLATE_DIR, dataDir, { recursive: true });
  } else if (o.privateDatabase) {
    ({ url: databaseUrl, drop: dropPrivate } = await privatePostgres(databaseUrl));
  }
  const db = await openDatabase({ databaseUrl, dataDir });
  if (dropPrivate) {
    await prepareDatabase(db, { seed: true, adminPassword: TEST_ADMIN_PASSWORD, log: () => undefined });
  }
  // the app's own files (uploads and staging of imports) in a folder of this test file: apps over
  // separate databases sharing one folder would sweep each other's files as no import of theirs
  let filesDir = config.dataDir;
  let dropFiles = false;
  if (!filesDir) {
    filesDir = databaseUrl ? await mkdtemp(path.join(os.tmpdir(), 'riskmap-test-files-')) : dataDir;
    dropFiles = Boolean(databaseUrl);
  }
  const app = await build({
    db,
    config: { seed: false, webDir: '/nonexistent', ...config, dataDir: filesDir },
    logger: false,
  });
  await app.ready();
  const clients = new Map<string, Promise<Client>>();
  return {
    app,
    db,
    as(username, password) {
      const key = `${username}\u0000${password ?? ''}`;
      let c = clients.get(key);
      if (!c) {
        c = signIn(
          app,
          username,
          password ?? (username === 'admin' ? TEST_ADMIN_PASSWORD : DEFAULT_DEMO_PASSWORD),
        );
        clients.set(key, c);
      }
      return c;
    },
    async close() {
      await app.close();
      await db.close();
      if (!databaseUrl) await rm(dataDir, { recursive: true, force: true });
      if (dropFiles) await rm(filesDir, { recursive: true, force: true });
      if (dropPrivate) await dropPrivate();
    },
  };
}

/**
 * Listens on a free port (for clients in their own process: GDAL, owslib, curl) and makes
 * a read-only API key limited to `areaCode`; returns the base address of `prefix` and the key.
 */
export async function listenWithReadKey(
  t: TestApp,
  opts: { prefix: string; keyName: string; areaCode: string },
): Promise<{ base: string; key: string }> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}${opts.prefix}`;
  const admin = await t.as('admin');
  const res = await admin.inject({
    method: 'POST',
    url: '/api/api-keys',
    payload: { name: opts.keyName, permissions: ['read'], areaCode: opts.areaCode },
  });
  if (res.statusCode !== 201) throw new Error(`API key not made: ${res.statusCode} ${res.body}`);
  return { base, key: res.json<{ key: string }>().key };
}

let standbyTeams = 0;
/**
 * A team of this file standing by at a point (available, on duty, fresh fix): a test that
 * sends a team does not depend on the sample's shifts (which follow the clock) nor on the
 * teams other files send meanwhile on a shared database. Its id.
 */
export async function addStandbyTeam(
  db: Database,
  o: { capability: string; lon: number; lat: number; homeAreaCode: string },
): Promise<number> {
  const id = 8_000_000_000 + process.pid * 1000 + ++standbyTeams;
  await db.query(
    `INSERT INTO teams (id, name, kind, capabilities, status, on_duty, home_area_code, position_at, geom)
     VALUES ($1, $2, 'urban_management', $3, 'available', true, $4, now(), ST_SetSRID(ST_MakePoint($5, $6), 4326))`,
    [id, `待命测试队${id}`, [o.capability], o.homeAreaCode, o.lon, o.lat],
  );
  return id;
}
