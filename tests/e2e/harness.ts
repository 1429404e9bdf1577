import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../api/config.ts';
import { spawnServer } from '../support/server-process.ts';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'e2e-admin-password';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the platform as `npm start` would (built web app, embedded database in a
 * fresh data dir, sample city loaded on first start) on a free port.
 */
export async function startServer(): Promise<RunningServer> {
  if (!existsSync(path.join(PROJECT_ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/web is missing: run `npm run build` before the browser tests');
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-e2e-'));
  const server = await spawnServer({
    RISKMAP_DATA_DIR: dataDir,
    RISKMAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    DATABASE_URL: '',
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
