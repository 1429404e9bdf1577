import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './config.ts';

// `npm run dev`: the API on :8080 (restarted on change) and Vite on :5173 proxying /api.
const bin = (name: string) => path.join(PROJECT_ROOT, 'node_modules/.bin', name);
const children = [
  spawn(bin('tsx'), ['watch', 'api/server.ts'], { cwd: PROJECT_ROOT, stdio: 'inherit' }),
  spawn(bin('vite'), [], { cwd: PROJECT_ROOT, stdio: 'inherit' }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
for (const c of children) c.once('exit', stop);
