import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from './config.ts';
import { startServer } from './server.ts';

/** Newest modification time (ms) of the files under a folder. */
function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return t;
}

/** Builds the web app in a child process; its output is shown only when it fails. */
function buildWebApp(): Promise<void> {
  console.log('building the web app (its sources changed or it is missing)…');
  const vite = path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js');
  const child = spawn(process.execPath, [vite, 'build'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => output.push(b));
  child.stderr.on('data', (b: Buffer) => output.push(b));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) return resolve();
      process.stderr.write(Buffer.concat(output));
      reject(new Error('web build failed'));
    });
  });
}

// `npm start`: serve, building the web app meanwhile when it is missing or older than its
// sources (the server says "starting…" until both the build and the database are ready).
const config = loadConfig();
const index = path.join(config.webDir, 'index.html');
const sources = [path.join(PROJECT_ROOT, 'web'), path.join(PROJECT_ROOT, 'api/schemas')];
const stale = !existsSync(index) || Math.max(...sources.map(newest)) > statSync(index).mtimeMs;
startServer({ before: stale ? buildWebApp() : undefined }).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
