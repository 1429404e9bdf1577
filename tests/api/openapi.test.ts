import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOpenApiDocuments } from '../clients/write-openapi.ts';
import { openTestApp, type TestApp } from './template.ts';

const run = promisify(execFile);
const REDOCLY = path.join(import.meta.dirname, '../../node_modules/.bin/redocly');

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
}
type Doc = {
  servers?: Array<{ url: string }>;
  security?: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
};
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** The OpenAPI documents as a linter reads them: Redocly CLI, recommended rules, no error. */
describe('the OpenAPI documents', () => {
  let t: TestApp;
  let dir: string;
  let files: string[];
  beforeAll(async () => {
    t = await openTestApp();
    dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-openapi-'));
    files = await writeOpenApiDocuments(t, dir);
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pass Redocly’s recommended rules without an error', async () => {
    const lint = await run(REDOCLY, ['lint', '--extends=recommended', '--format=stylish', ...files], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((e: { stdout: string; stderr: string }) => e);
    const out = `${lint.stdout}\n${lint.stderr}`;
    expect(out.match(/^.*\berror\b.*$/gm)?.filter((l) => !/0 errors/.test(l)) ?? [], out).toEqual([]);
    expect(out).toMatch(/valid|warning/i);
  });

  it('name every operation once, apply the cookie session and the API key, and name the server', async () => {
    for (const file of files) {
      const doc = JSON.parse(await readFile(file, 'utf8')) as Doc;
      expect(doc.servers?.length, file).toBeGreaterThan(0);
      const schemes = doc.components.securitySchemes;
      expect(Object.values(schemes)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'riskmap_session' }),
          expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
          expect.objectContaining({ type: 'http' }),
        ]),
      );
      const ids = new Set<string>();
      for (const [p, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          if (!METHODS.has(method)) continue;
          expect(op.operationId, `${method} ${p}`).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
          expect(ids.has(op.operationId!), `${method} ${p} repeats ${op.operationId}`).toBe(false);
          ids.add(op.operationId!);
          for (const requirement of op.security ?? doc.security ?? []) {
            for (const name of Object.keys(requirement as object)) expect(schemes[name], name).toBeDefined();
          }
        }
      }
    }
  });

  it('say which operations are public and which take a session or a key', async () => {
    const doc = JSON.parse(await readFile(files[0]!, 'utf8')) as Doc;
    expect(doc.paths['/api/health']!.get!.security).toEqual([]);
    expect(doc.paths['/open311/v2/services.{format}']!.get!.security).toEqual([]);
    expect(doc.paths['/api/incidents']!.get!.security).toEqual([
      { session: [] },
      { apiKey: [] },
      { bearer: [] },
    ]);
    expect(doc.paths['/open311/v2/requests.{format}']!.get!.security).toContainEqual({ open311ApiKey: [] });
    // the landing page with a slash is the same operation: not described twice
    expect(doc.paths['/ogc/']).toBeUndefined();
  });
});
