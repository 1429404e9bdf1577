import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldTileCells } from '../../api/db/tile-repository.ts';
import { tileAt } from '../../api/lib/tiles.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

const decode = (body: Buffer) => new VectorTile(new PbfReader(new Uint8Array(body)));
/** 常平镇, the test town: inside it at z8–z16. */
const CP = { lon: 114.0, lat: 22.98 };

describe('vector tiles', () => {
  let t: TestApp;
  let commander: Client;
  beforeAll(async () => {
    t = await openTestApp();
    commander = await t.as('commander');
  });
  afterAll(() => t.close());

  async function tile(c: Client, layer: string, z: number, lon: number, lat: number, qs = '') {
    const { x, y } = tileAt(lon, lat, z);
    return c.inject(`/api/tiles/${layer}/${z}/${x}/${y}.mvt${qs}`);
  }

  it('aggregates a city-wide layer into counted cells at low zoom: the counts add up to the layer', async () => {
    // the z7 tile holding the whole of Dongguan
    const res = await tile(commander, 'sites', 7, 113.75, 22.95);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const layer = decode(res.rawPayload).layers.sites!;
    let total = 0;
    for (let i = 0; i < layer.length; i++) total += layer.feature(i).properties.count as number;
    const n = await t.db.query<{ n: number }>('SELECT count(*)::int n FROM sites');
    expect(total).toBe(n.rows[0]!.n);
    expect(layer.length).toBeLessThan(total);
  });

  it('serves raw points with ids and properties from the raw zoom on', async () => {
    const res = await tile(commander, 'risk_sources', 12, CP.lon, CP.lat);
    const layer = decode(res.rawPayload).layers.risk_sources;
    expect(layer).toBeDefined();
    const f = layer!.feature(0);
    expect(typeof f.id).toBe('number');
    expect([1, 2, 3, 4]).toContain(f.properties.level);
    expect(f.properties.radius).toBeGreaterThan(0);
    const one = await commander.inject(`/api/layers/risk_sources/features/${f.id}`);
    expect(one.json().properties.level).toBe(f.properties.level);
  });

  it('filters tiles by level, and refuses filters a layer does not have', async () => {
    const res = await tile(commander, 'risk_sources', 9, 113.75, 22.95, '?level=1');
    const layer = decode(res.rawPayload).layers.risk_sources!;
    for (let i = 0; i < layer.length; i++) expect(layer.feature(i).properties.level).toBe(1);
    const bad = await tile(commander, 'cameras', 9, 113.75, 22.95, '?level=1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/no filter 'level'/);
  });

  it('is never stale: a moved team shows in its new tile at once, with a new ETag', async () => {
    const team = (
      await t.db.query<{ id: number }>(`SELECT id FROM teams WHERE kind = 'police' ORDER BY id LIMIT 1`)
    ).rows[0]!.id;
    const before = await tile(commander, 'teams', 13, CP.lon, CP.lat);
    const etag = before.headers.etag as string;
    const unchanged = await (async () => {
      const { x, y } = tileAt(CP.lon, CP.lat, 13);
      return commander.inject({
        url: `/api/tiles/teams/13/${x}/${y}.mvt`,
        headers: { 'if-none-match': etag },
      });
    })();
    expect(unchanged.statusCode).toBe(304);
    await t.db.query(
      `UPDATE teams SET geom = ST_SetSRID(ST_MakePoint($2, $3), 4326), position_at = now() WHERE id = $1`,
      [team, CP.lon, CP.lat],
    );
    const after = await tile(commander, 'teams', 13, CP.lon, CP.lat);
    expect(after.headers.etag).not.toBe(etag);
    const layer = decode(after.rawPayload).layers.teams!;
    const ids = Array.from({ length: layer.length }, (_, i) => layer.feature(i).id);
    expect(ids).toContain(team);
    // and the low-zoom counts moved with it
    // (police only: other test files add teams of other kinds meanwhile)
    const z8 = decode((await tile(commander, 'teams', 7, 113.75, 22.95, '?kind=police')).rawPayload).layers
      .teams!;
    let total = 0;
    for (let i = 0; i < z8.length; i++) total += z8.feature(i).properties.count as number;
    // every police team inside that z7 tile
    const { x, y } = tileAt(113.75, 22.95, 7);
    const lon = (k: number) => (k / 2 ** 7) * 360 - 180;
    const lat = (k: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * k) / 2 ** 7))) * 180) / Math.PI;
    const inTile = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM teams WHERE geom IS NOT NULL AND kind = 'police'
       AND ST_X(geom) >= $1 AND ST_X(geom) < $2 AND ST_Y(geom) > $3 AND ST_Y(geom) <= $4`,
      [lon(x), lon(x + 1), lat(y + 1), lat(y)],
    );
    expect(total).toBe(inTile.rows[0]!.n);
  });

  it('counts a new report in the low-zoom cells at once, and the same once its change is folded', async () => {
    // 0506 (disorderly bicycles): a category no other test reports, so the counts are this test's
    const cells = async (qs: string) => {
      const layer = decode((await tile(commander, 'incidents', 7, 113.75, 22.95, qs)).rawPayload).layers
        .incidents;
      let total = 0;
      for (let i = 0; i < (layer?.length ?? 0); i++) total += layer!.feature(i).properties.count as number;
      return total;
    };
    const stored = async (status?: string) =>
      (
        await t.db.query<{ n: number }>(
          `SELECT count(*)::int n FROM incidents WHERE category = '0506' AND ($1::text IS NULL OR status = $1)`,
          [status ?? null],
        )
      ).rows[0]!.n;
    const before = await cells('?kind=0506');
    expect(before).toBe(await stored());

    const res = await commander.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: `tiles-fold-${Date.now()}-${Math.random()}`,
        category: '0506',
        channel: 'desk',
        description: '共享单车乱停放',
        lon: CP.lon,
        lat: CP.lat,
      },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as number;
    // at once, whether or not a fold has run yet
    expect(await cells('?kind=0506')).toBe(before + 1);

    while ((await foldTileCells(t.db)) > 0) {
      // until nothing is pending
    }
    const pending = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM tile_cell_deltas WHERE layer = 'incidents' AND kind = '0506'`,
    );
    expect(pending.rows[0]!.n).toBe(0);
    const folded = await t.db.query<{ n: number }>(
      `SELECT coalesce(sum(n), 0)::int n FROM tile_cells WHERE layer = 'incidents' AND cz = 10 AND kind = '0506'`,
    );
    expect(folded.rows[0]!.n).toBe(before + 1);
    expect(await cells('?kind=0506')).toBe(before + 1);

    // a status change moves the report from one status's cells to the other's
    const reported = await cells('?kind=0506&status=reported');
    expect(reported).toBe(await stored('reported'));
    await t.db.query(`UPDATE incidents SET status = 'rejected', closed_at = now() WHERE id = $1`, [id]);
    expect(await cells('?kind=0506&status=reported')).toBe(reported - 1);
    expect(await cells('?kind=0506&status=rejected')).toBe(await stored('rejected'));
    expect(await cells('?kind=0506')).toBe(before + 1);

    // a report changed before its first change is folded: both fold into the right cells,
    // and the folded cells equal a count of the table at every zoom
    const second = await commander.inject({
      method: 'POST',
      url: '/api/incidents',
      payload: {
        clientKey: `tiles-fold-2-${Date.now()}-${Math.random()}`,
        category: '0506',
        channel: 'desk',
        description: '共享单车堆放',
        lon: CP.lon + 0.01,
        lat: CP.lat,
      },
    });
    expect(second.statusCode).toBe(201);
    await t.db.query(`UPDATE incidents SET status = 'rejected', closed_at = now() WHERE id = $1`, [
      second.json().id,
    ]);
    while ((await foldTileCells(t.db)) > 0) {
      // until nothing is pending
    }
    const perZoom = await t.db.query<{ cz: number; n: number; stored: number }>(
      `SELECT cz, sum(n)::int AS n, (SELECT count(*)::int FROM incidents WHERE category = '0506' AND status = 'rejected') AS stored
       FROM tile_cells WHERE layer = 'incidents' AND kind = '0506' AND status = 'rejected' GROUP BY cz ORDER BY cz`,
    );
    expect(perZoom.rows.map((r) => r.cz)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
    for (const r of perZoom.rows) expect(r.n).toBe(r.stored);
    expect(await cells('?kind=0506&status=reported')).toBe(await stored('reported'));
  });

  it('draws area outlines by zoom with labels', async () => {
    const z9 = decode((await tile(commander, 'areas', 9, 113.75, 22.95)).rawPayload);
    expect(Object.keys(z9.layers).sort()).toEqual(['label', 'town']);
    expect(z9.layers.town!.feature(0).type).toBe(3);
    const z13 = decode((await tile(commander, 'areas', 13, CP.lon, CP.lat)).rawPayload);
    expect(Object.keys(z13.layers)).toEqual(expect.arrayContaining(['town', 'village', 'grid', 'label']));
    const grid = z13.layers.grid!.feature(0);
    expect(grid.properties.code).toMatch(/^\d{15}$/);
  });

  it('keeps a town coordinator to their town, in cells and in points', async () => {
    const humen = await t.as('humen');
    const z8 = decode((await tile(humen, 'sites', 7, 113.75, 22.95)).rawPayload).layers.sites!;
    let total = 0;
    for (let i = 0; i < z8.length; i++) total += z8.feature(i).properties.count as number;
    const n = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM sites WHERE grid_code LIKE '441900121%'`,
    );
    expect(total).toBe(n.rows[0]!.n);
    // a raw tile in 常平镇 has nothing for 虎门镇's coordinator
    const cp = await tile(humen, 'teams', 13, CP.lon, CP.lat);
    expect(decode(cp.rawPayload).layers.teams).toBeUndefined();
    // a grid worker's scope is small: even at low zoom they get their own points, and only those
    const gw = await t.as('gridworker-cp');
    const gz7 = decode((await tile(gw, 'teams', 7, 113.75, 22.95)).rawPayload).layers.teams!;
    const gn = await t.db.query<{ id: number }>(
      `SELECT id FROM teams WHERE home_area_code LIKE '441900110002001%' AND geom IS NOT NULL ORDER BY id`,
    );
    expect(Array.from({ length: gz7.length }, (_, i) => gz7.feature(i).id)).toEqual(gn.rows.map((r) => r.id));
  });

  it.each([
    ['/api/tiles/volcanoes/8/209/111.mvt', /unknown tile layer/],
    ['/api/tiles/sites/23/0/0.mvt', /z must be/],
    ['/api/tiles/sites/8/256/0.mvt', /x must be/],
    ['/api/tiles/sites/8/0/-1.mvt', /y must be/],
    ['/api/tiles/sites/8/0/0.mvt?level=abc', /level/],
    ['/api/tiles/sites/8/0/0.mvt?town=123', /town/],
  ])('rejects %s with 400 saying why', async (url, why) => {
    const res = await commander.inject(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(why);
  });

  it('describes each layer with TileJSON', async () => {
    const res = await commander.inject('/api/tiles/risk_sources.json?level=2');
    expect(res.statusCode).toBe(200);
    const tj = res.json();
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles[0]).toMatch(/\/api\/tiles\/risk_sources\/\{z\}\/\{x\}\/\{y\}\.mvt\?level=2$/);
    expect(tj.vector_layers[0].id).toBe('risk_sources');
  });
});

// On PostgreSQL the same SQL can also feed the JS encoder the embedded engine uses:
// both must give the same features, so a client cannot tell the backends apart.
describe.runIf(process.env.DATABASE_URL)('tiles from ST_AsMVT and from the embedded encoder', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  const features = (buf: Uint8Array) => {
    const vt = new VectorTile(new PbfReader(buf));
    return Object.fromEntries(
      Object.entries(vt.layers).map(([name, l]) => [
        name,
        Array.from({ length: l.length }, (_, i) => {
          const f = l.feature(i);
          return {
            id: f.id,
            type: f.type,
            properties: f.properties,
            geometry: f.type === 1 ? f.loadGeometry() : undefined,
          };
        }).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      ]),
    );
  };

  it.each([
    ['sites', 7],
    ['risk_sources', 12],
    ['teams', 13],
    ['incidents', 9],
    ['components', 15],
  ] as const)('%s at z%i', async (layer, z) => {
    const { pointTile } = await import('../../api/db/tile-repository.ts');
    const { SYSTEM_SCOPE } = await import('../../api/auth/scope.ts');
    const tile = tileAt(CP.lon, CP.lat, z);
    const embeddedLike = { ...t.db, backend: 'embedded' as const };
    const a = await pointTile(t.db, SYSTEM_SCOPE, layer, tile, {});
    const b = await pointTile(embeddedLike, SYSTEM_SCOPE, layer, tile, {});
    expect(features(b)).toEqual(features(a));
    expect(Object.keys(features(a))).toEqual([layer]);
  });

  it('areas: the same outlines and labels per level', async () => {
    const { areaTile } = await import('../../api/db/tile-repository.ts');
    const { SYSTEM_SCOPE } = await import('../../api/auth/scope.ts');
    const tile = tileAt(CP.lon, CP.lat, 13);
    const codes = (buf: Uint8Array) => {
      const vt = new VectorTile(new PbfReader(buf));
      return Object.fromEntries(
        Object.entries(vt.layers).map(([name, l]) => [
          name,
          Array.from({ length: l.length }, (_, i) => l.feature(i).properties.code).sort(),
        ]),
      );
    };
    const a = codes(await areaTile(t.db, SYSTEM_SCOPE, tile));
    const b = codes(await areaTile({ ...t.db, backend: 'embedded' as const }, SYSTEM_SCOPE, tile));
    expect(b).toEqual(a);
  });
});
