import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterTar, keepPostgisEntry, POSTGIS_BUNDLE, postgisBundle } from '../../api/db/postgis-bundle.ts';

/** What GNU tar reads in an archive: the oracle, independent of the code under test. */
const list = (archive: string, z = true) =>
  execFileSync('tar', [z ? '-tzf' : '-tf', archive], { encoding: 'utf8', maxBuffer: 1 << 24 })
    .split('\n')
    .filter(Boolean);
const contents = (archive: string, entry: string) =>
  execFileSync('tar', ['-xzOf', archive, entry], { maxBuffer: 1 << 26 });

describe('the cut-down PostGIS bundle', () => {
  let bundle = '';
  beforeAll(async () => {
    bundle = fileURLToPath(await postgisBundle());
  });

  it('holds exactly the published entries it keeps, PostGIS itself and PROJ', () => {
    const published = list(POSTGIS_BUNDLE);
    const kept = published.filter(keepPostgisEntry);
    expect(list(bundle)).toEqual(kept);
    expect(kept).toContain('lib/postgresql/postgis-3.so');
    expect(kept).toContain('share/postgresql/extension/postgis.control');
    expect(kept).toContain('share/proj/proj.db');
    expect(kept.some((e) => /^share\/postgresql\/extension\/postgis--\d+\.\d+\.\d+\.sql$/.test(e))).toBe(
      true,
    );
    // the libraries nothing here creates are left out
    expect(published).toContain('lib/postgresql/postgis_raster-3.so');
    expect(kept.filter((e) => e.endsWith('.so'))).toEqual(['lib/postgresql/postgis-3.so']);
  });

  it('keeps their bytes as published', () => {
    for (const entry of ['lib/postgresql/postgis-3.so', 'share/proj/proj.db']) {
      expect(contents(bundle, entry).equals(contents(POSTGIS_BUNDLE, entry)), entry).toBe(true);
    }
  });
});

describe('filterTar', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-tar-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a long name (GNU record) with its entry and drops the rest', async () => {
    const long = `${'deep/'.repeat(25)}file.txt`; // over tar's 100-character name field
    await mkdir(path.join(dir, 'in', path.dirname(long)), { recursive: true });
    await writeFile(path.join(dir, 'in', long), 'kept');
    await writeFile(path.join(dir, 'in', 'dropped.txt'), 'dropped');
    const archive = path.join(dir, 'a.tar');
    execFileSync('tar', ['--format=gnu', '-cf', archive, '-C', path.join(dir, 'in'), long, 'dropped.txt']);
    const out = path.join(dir, 'b.tar');
    await writeFile(
      out,
      filterTar(await readFile(archive), (name) => name.endsWith('file.txt')),
    );
    expect(list(out, false)).toEqual([long]);
    expect(execFileSync('tar', ['-xOf', out, long], { encoding: 'utf8' })).toBe('kept');
  });
});
