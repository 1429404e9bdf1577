import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { PROJECT_ROOT } from '../../api/config.ts';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit signal (e.g. 'SIGKILL') or code when the process ends. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** Milliseconds from spawn to the first healthy answer. */
  readyMs: number;
  /** SIGTERM (a clean stop) and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs `api/server.ts` in its own process, as `npm start` does after building, on a free
 * port and listening on 127.0.0.1 only, with `env` on top of this process's environment;
 * resolves once /api/health answers.
 */
export async function spawnServer(
  env: Record<string, string>,
  options: { timeoutMs?: number; output?: 'inherit' | 'ignore' } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((r) =>
    child.once('exit', (code, signal) => r(signal ?? code)),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false, // not listening yet
    );
    if (ok) return { url, child, exited, readyMs: performance.now() - t0, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error('server did not become healthy in time');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
