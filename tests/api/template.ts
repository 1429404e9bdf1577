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
  for (const f of ['db/dataset-loader.ts', 'db/prepare-database.ts', 'db/migrate.ts', 'auth/bootstrap.ts']) {
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
export async function openTestApp(config: Partial<Config> = {}): Promise<TestApp> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  let dataDir = TEMPLATE_DIR;
  if (!databaseUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-test-'));
    await cp(TEMPLATE_DIR, dataDir, { recursive: true });
  }
  const db = await openDatabase({ databaseUrl, dataDir });
  const app = await build({ db, config: { seed: false, webDir: '/nonexistent', ...config }, logger: false });
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
    },
  };
}
