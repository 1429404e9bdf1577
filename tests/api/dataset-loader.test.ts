import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../api/db/database.ts';
import { loadDataset, type LoadProgress } from '../../api/db/dataset-loader.ts';
import { migrate } from '../../api/db/migrate.ts';
import { openScratchDatabase } from './scratch-database.ts';

const square = (x: number, y: number, d: number) => ({
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [x, y],
        [x + d, y],
        [x + d, y + d],
        [x, y + d],
        [x, y],
      ],
    ],
  ],
});

/** A dataset of one city, one town and two sites; `badSite` makes the second row invalid. */
async function writeDataset(dir: string, badSite: boolean): Promise<void> {
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ scale: 'test', seed: 1, counts: {} }));
  const feature = (code: string, level: string, parent: string | null, d: number) => ({
    type: 'Feature',
    geometry: square(113.7, 22.9, d),
    properties: {
      code,
      level,
      name: `${level} ${code}`,
      parent_code: parent,
      population: 1,
      households: null,
      synthetic: true,
    },
  });
  await writeFile(
    path.join(dir, 'areas.geojson'),
    JSON.stringify({
      type: 'FeatureCollection',
      features: [feature('441900', 'city', null, 0.2), feature('441900110', 'town', '441900', 0.1)],
    }),
  );
  const lon = badSite ? 'not-a-number' : '113.75';
  await writeFile(
    path.join(dir, 'sites.csv'),
    'id,name,kind,town_code,synthetic,geom\n' +
      '1,第一小学,S01,441900110,t,SRID=4326;POINT(113.71 22.91)\n' +
      `2,"第二小学, 东区",S01,441900110,t,SRID=4326;POINT(${lon} 22.95)\n`,
  );
}

/**
 * A new empty database: on the embedded engine an initdb and CREATE EXTENSION postgis, some
 * 15 s of CPU, so minutes when the machine is busy with other test files. There is no
 * state to wait for in pure computation: this limit only ends a run that hangs.
 */
const SETUP_HANG_LIMIT_MS = 20 * 60_000;

describe('loading a dataset', () => {
  let scratch: { db: Database; drop(): Promise<void> };
  let dir: string;
  beforeAll(async () => {
    scratch = await openScratchDatabase();
    await migrate(scratch.db);
    dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-dataset-'));
  }, SETUP_HANG_LIMIT_MS);
  afterAll(async () => {
    await scratch.db.close();
    await scratch.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads all or nothing: a bad row late in a file leaves the database empty', async () => {
    await writeDataset(dir, true);
    await expect(loadDataset(scratch.db, dir, 'broken')).rejects.toThrow(/geometry/);
    const counts = await scratch.db.query<{ a: number; s: number; c: number; d: number }>(
      `SELECT (SELECT count(*)::int FROM areas) + (SELECT count(*)::int FROM area_codes) a, (SELECT count(*)::int FROM sites) s,
              (SELECT count(*)::int FROM categories) c, (SELECT count(*)::int FROM dataset_loads) d`,
    );
    expect(counts.rows[0]).toEqual({ a: 0, s: 0, c: 0, d: 0 });
  });

  it('loads a good dataset once and does nothing the second time', async () => {
    await writeDataset(dir, false);
    const progress: LoadProgress[] = [];
    const counts = await loadDataset(scratch.db, dir, 'good', (p) => progress.push(p));
    expect(counts).toMatchObject({ areas: 2, sites: 2 });
    // each table is announced as it starts, then reported with its rows (the first start's lines)
    expect(progress.map(({ step, rows }) => ({ step, rows }))).toEqual([
      { step: 'areas', rows: undefined },
      { step: 'areas', rows: 2 },
      { step: 'sites', rows: undefined },
      { step: 'sites', rows: 2 },
      { step: 'tile_cells', rows: undefined },
      { step: 'tile_cells', rows: expect.any(Number) as number },
    ]);
    expect(await loadDataset(scratch.db, dir, 'good')).toBeNull();
    const site = await scratch.db.query<{ name: string; lon: number }>(
      `SELECT name, ST_X(geom) AS lon FROM sites WHERE id = 2`,
    );
    expect(site.rows[0]).toEqual({ name: '第二小学, 东区', lon: 113.75 });
  });

  it('refuses a CSV header naming a column outside the allow-list', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'riskmap-dataset-'));
    try {
      await writeDataset(other, false);
      await writeFile(path.join(other, 'sites.csv'), 'id,name,kind,geom,password\n');
      await expect(loadDataset(scratch.db, other, 'evil')).rejects.toThrow(/unknown columns password/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
