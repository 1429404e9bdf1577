import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../api/config.ts';

describe('the production build', () => {
  let outDir = '';
  afterAll(() => (outDir ? rm(outDir, { recursive: true, force: true }) : undefined));

  it('carries no test hooks: window.__riskmap exists only in the test build', async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-prod-build-'));
    const build = (mode: string, dir: string) =>
      spawnSync(
        process.execPath,
        [
          path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'),
          'build',
          '--mode',
          mode,
          '--outDir',
          dir,
          '--emptyOutDir',
        ],
        { cwd: PROJECT_ROOT, encoding: 'utf8' },
      );
    const scripts = async (dir: string) => {
      const assets = path.join(dir, 'assets');
      const names = (await readdir(assets)).filter((f) => f.endsWith('.js'));
      return (await Promise.all(names.map((f) => readFile(path.join(assets, f), 'utf8')))).join('\n');
    };
    const prod = build('production', path.join(outDir, 'prod'));
    expect(prod.status, prod.stderr).toBe(0);
    const test = build('test', path.join(outDir, 'test'));
    expect(test.status, test.stderr).toBe(0);
    expect(await scripts(path.join(outDir, 'test'))).toContain('__riskmap');
    expect(await scripts(path.join(outDir, 'prod'))).not.toContain('__riskmap');
  });
});
