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
  /** Milliseconds from spawn to the first HTTP answer of any kind (the "starting" 503 included). */
  listenMs: number;
  /** Milliseconds from spawn to the first healthy answer. */
  readyMs: number;
  /** What the process wrote to stdout and stderr so far (with `output: 'capture'`). */
  output(): string;
  /** SIGTERM (a clean stop) and wait for the exit. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** `inherit` (default) shows the server's output, `capture` keeps it for `output()`. */
  output?: 'inherit' | 'ignore' | 'capture';
}

/**
 * Runs `api/server.ts` in its own process, as `npm start` does after building, on a free
 * port and listening on 127.0.0.1 only, with `env` on top of this process's environment;
 * resolves once /api/health answers 200: the database is open and the API serves (while
 * the server starts, it answers 503 with `status: starting`).
 *
 * Waits for that state, or for the process to end, and for nothing else: how long a start
 * takes depends on how busy the machine is, so no deadline here decides that it failed
 * (the calling test's own timeout is the last resort).
 */
export async function spawnServer(
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const t0 = performance.now();
  const mode = options.output ?? 'inherit';
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', mode === 'capture' ? 'pipe' : mode, mode === 'capture' ? 'pipe' : mode],
  });
  const captured: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => captured.push(b));
  child.stderr?.on('data', (b: Buffer) => captured.push(b));
  const output = () => Buffer.concat(captured).toString('utf8');
  const exited = new Promise<NodeJS.Signals | number | null>((r) =>
    child.once('exit', (code, signal) => r(signal ?? code)),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  let listenMs = NaN;
  for (;;) {
    if (ended) {
      const tail = output().slice(-2000);
      throw new Error(`server exited (${await exited}) before it was ready${tail ? `:\n${tail}` : ''}`);
    }
    const status = await fetch(`${url}/api/health`).then(
      (r) => r.status,
      () => 0, // not listening yet
    );
    if (status !== 0 && Number.isNaN(listenMs)) listenMs = performance.now() - t0;
    if (status === 200)
      return { url, child, exited, listenMs, readyMs: performance.now() - t0, output, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
}
