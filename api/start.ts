import { spawnSync } from 'node:child_process';
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

// `npm start`: build the web app when it is missing or older than its sources, then serve.
const config = loadConfig();
const index = path.join(config.webDir, 'index.html');
const sources = [path.join(PROJECT_ROOT, 'web'), path.join(PROJECT_ROOT, 'api/schemas')];
const stale = !existsSync(index) || Math.max(...sources.map(newest)) > statSync(index).mtimeMs;
if (stale) {
  console.log('building the web app…');
  const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('web build failed');
    process.exit(1);
  }
}
startServer().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
