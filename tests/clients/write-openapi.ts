/**
 * Writes the two OpenAPI documents the API serves — the whole API (`GET /api/docs/json`) and the
 * OGC API's own service description (`GET /ogc/api`) — into a folder, for an OpenAPI linter.
 * `npx tsx tests/clients/write-openapi.ts DIR` (on the test template database); the API tests
 * call `writeOpenApiDocuments` on their own app.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestApp } from '../api/template.ts';

export async function writeOpenApiDocuments(t: TestApp, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const admin = await t.as('admin');
  const files: string[] = [];
  for (const [name, url] of [
    ['riskmap-api.json', '/api/docs/json'],
    ['riskmap-ogc-api.json', '/ogc/api'],
  ] as const) {
    const res = await admin.inject(url);
    if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify(res.json(), null, 1));
    files.push(file);
  }
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tsx tests/clients/write-openapi.ts DIR');
  const { default: setup } = await import('../api/global-setup.ts');
  const { openTestApp } = await import('../api/template.ts');
  await setup();
  const t = await openTestApp();
  try {
    for (const f of await writeOpenApiDocuments(t, dir)) console.log(f);
  } finally {
    await t.close();
  }
}
