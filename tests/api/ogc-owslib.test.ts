import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenWithReadKey, openTestApp, type TestApp } from './template.ts';

const run = promisify(execFile);
/** Debian's python3-owslib (.ci/run installs it), read by Debian's own Python. */
const PYTHON = '/usr/bin/python3';
function haveOwslib(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import owslib.ogcapi.features'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const HAVE_OWSLIB = haveOwslib();
const SCRIPT = path.join(import.meta.dirname, '../clients/ogc_owslib.py');

describe.skipIf(!HAVE_OWSLIB)(
  'OGC API – Features read by owslib (python3-owslib; apt-get install python3-owslib)',
  () => {
    let t: TestApp;
    let base: string;
    let key: string;
    beforeAll(async () => {
      t = await openTestApp();
      ({ base, key } = await listenWithReadKey(t, {
        prefix: '/ogc',
        keyName: 'owslib',
        areaCode: '441900110',
      }));
    });
    afterAll(() => t.close());

    const inChangping = async (table: string, where = 'true', params: unknown[] = []) =>
      (
        await t.db.query<{ n: number }>(
          `SELECT count(*)::int n FROM ${table} t WHERE t.geom IS NOT NULL
         AND coalesce(t.grid_code, t.village_code, t.town_code) LIKE '441900110%' AND ${where}`,
          params,
        )
      ).rows[0]!.n;

    it('lists the collections, reads items by bbox, datetime and limit, and pages through a collection', async () => {
      const box = [113.9, 22.8, 114.1, 23.0];
      const day = (
        await t.db.query<{ d: string }>(
          `SELECT to_char(max(reported_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') d FROM incidents t
         WHERE coalesce(t.grid_code, t.village_code, t.town_code) LIKE '441900110%'`,
        )
      ).rows[0]!.d;
      const { stdout } = await run(PYTHON, [SCRIPT, base, key, box.join(','), day], { timeout: 120_000 });
      const seen = JSON.parse(stdout);
      expect(seen.collections).toEqual([
        'sites',
        'components',
        'risk_sources',
        'cameras',
        'teams',
        'incidents',
      ]);
      expect(seen.conformance).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core');
      expect(seen.service_desc_paths).toContain('/collections/sites/items');
      expect(seen.sites_extent[0]).toBeGreaterThan(113.5);

      const inBox = await inChangping('sites', 't.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)', box);
      expect(seen.bbox_matched).toBe(inBox);
      expect(seen.bbox_returned).toBe(inBox);
      expect(seen.bbox_inside).toBe(true);

      const onDay = await inChangping(
        'incidents',
        `t.reported_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND t.reported_at < (($1::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`,
        [day],
      );
      expect(onDay).toBeGreaterThan(0);
      expect(seen.datetime_matched).toBe(onDay);
      expect(seen.datetime_returned).toBe(Math.min(5, onDay));

      const sites = await inChangping('sites');
      expect(seen.paged_ids).toBe(sites);
      expect(seen.paged_unique).toBe(sites);
      expect(seen.pages).toBe(Math.ceil(sites / 250) + (sites % 250 === 0 ? 1 : 0));
      expect(typeof seen.one_id).toBe('number');
    });
  },
);
