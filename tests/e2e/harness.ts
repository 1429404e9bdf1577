import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { PROJECT_ROOT } from '../../api/config.ts';
import { spawnServer } from '../support/server-process.ts';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'e2e-admin-password';

/**
 * The web app the browser tests drive: the test build (`npm run build:test`), the only one
 * with the `window.__riskmap` hooks; RISKMAP_E2E_WEB_DIR points elsewhere (a build of one's own).
 */
export const E2E_WEB_DIR = process.env.RISKMAP_E2E_WEB_DIR || path.join(PROJECT_ROOT, 'dist/web-test');

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the platform as `npm start` would (built web app, embedded database in a
 * fresh data dir, sample city loaded on first start) on a free port.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(path.join(E2E_WEB_DIR, 'index.html'))) {
    throw new Error(`${E2E_WEB_DIR} is missing: run \`npm run build:test\` (npm run test:e2e does) first`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-e2e-'));
  const server = await spawnServer({
    RISKMAP_DATA_DIR: dataDir,
    RISKMAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    RISKMAP_WEB_DIR: E2E_WEB_DIR,
    DATABASE_URL: '',
    ...env,
  });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium with WebGL through SwiftShader and no background traffic. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** Records every request the page makes that does not go to `origin`. */
export function watchForeignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  return foreign;
}

/** Signs in through the sign-in form. */
export async function signInThroughForm(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor({ timeout: 30_000 });
}

/**
 * Puts every team of a town on duty, as the town's duty officer would (PATCH /api/teams/{id}
 * with the page's session): the sample's shifts follow the clock (grid workers by day, some
 * patrols by night), so a test that sends a team would otherwise depend on the hour it runs.
 */
export async function putTownOnDuty(page: Page, baseUrl: string, town: string): Promise<void> {
  const me = (await (await page.request.get(`${baseUrl}/api/auth/me`)).json()) as { csrfToken: string };
  const off = (await (
    await page.request.get(`${baseUrl}/api/teams?area=${town}&status=off_duty&limit=1000`)
  ).json()) as { teams: Array<{ id: number }> };
  for (const team of off.teams) {
    const res = await page.request.patch(`${baseUrl}/api/teams/${team.id}`, {
      data: { onDuty: true },
      headers: { 'x-csrf-token': me.csrfToken },
    });
    if (res.status() !== 200) throw new Error(`team ${team.id} not put on duty: ${res.status()}`);
  }
}

/** A point in 常平镇 (441900110), the home town of dispatcher-cp. */
export const CHANGPING = { lon: 114.0012, lat: 22.9795 };

/**
 * Registers a desk report in 常平镇 through the API with the page's session (cookie and CSRF
 * token) and returns its id.
 */
export async function deskReport(
  page: Page,
  baseUrl: string,
  category: string,
  description: string,
): Promise<number> {
  const me = (await (await page.request.get(`${baseUrl}/api/auth/me`)).json()) as { csrfToken: string };
  const made = await page.request.post(`${baseUrl}/api/incidents`, {
    data: {
      clientKey: `e2e-${category}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      category,
      channel: 'desk',
      description,
      ...CHANGPING,
    },
    headers: { 'x-csrf-token': me.csrfToken },
  });
  if (made.status() !== 201) throw new Error(`report not registered: ${made.status()} ${await made.text()}`);
  return ((await made.json()) as { id: number }).id;
}

/** Where the browser tests leave their screenshots. */
export const SHOTS = path.join(PROJECT_ROOT, 'test-results');

/** A running app and the browser that looks at it, shared by the tests of a file. */
export interface App {
  server: RunningServer;
  browser: Browser;
  /** Opens a fresh browser context (own cookies) with one page; see OpenPageOptions. */
  openPage(options?: OpenPageOptions): Promise<AppPage>;
  /** Closes the browser and stops the server (and removes its data). */
  close(): Promise<void>;
}

export interface OpenPageOptions {
  /** Signs in through the form as this user; null stays signed out. Default: nobody. */
  user?: string | null;
  /** Default: the demo users' password (the admin's for `admin`). */
  password?: string;
  /** Default 1440 × 900. */
  viewport?: { width: number; height: number };
  /** Further context options (phone emulation, geolocation, …). */
  context?: BrowserContextOptions;
  /** Opened after signing in; default the start page. */
  path?: string;
}

/** One browser context with one page and the foreign requests that page made. */
export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Requests of `page` to anywhere but the app: must stay empty (the platform works offline). */
  foreign: string[];
  close(): Promise<void>;
}

/** Starts the server (with `env` on top) and the browser side by side, and makes the screenshot folder. */
export async function startApp(env: Record<string, string> = {}): Promise<App> {
  const [server, browser] = await Promise.all([
    startServer(env),
    launchBrowser(),
    mkdir(SHOTS, { recursive: true }),
  ]);
  return {
    server,
    browser,
    async openPage(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1440, height: 900 },
        ...options.context,
      });
      const page = await context.newPage();
      const foreign = watchForeignRequests(page, server.url);
      const user = options.user ?? null;
      if (user !== null || !options.path) await page.goto(server.url);
      if (user !== null) {
        const password = options.password ?? (user === 'admin' ? ADMIN_PASSWORD : DEFAULT_DEMO_PASSWORD);
        await signInThroughForm(page, user, password);
      }
      if (options.path) await page.goto(`${server.url}${options.path}`);
      return { context, page, foreign, close: () => context.close() };
    },
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * The usual start of a browser test: the app, a browser, one page signed in as `user`
 * (default none) at `path`. `close()` ends all of it.
 */
export async function openApp(
  options: OpenPageOptions = {},
  env: Record<string, string> = {},
): Promise<App & AppPage> {
  const app = await startApp(env);
  try {
    const opened = await app.openPage(options);
    return { ...app, ...opened, close: app.close };
  } catch (e) {
    await app.close();
    throw e;
  }
}
