/**
 * `npm run bench`: city-scale benchmarks on the embedded engine, or on PostgreSQL/PostGIS
 * when DATABASE_URL is set (a database named `<yours>_bench` on that server is used, created
 * if missing). Generates the city-scale dataset once (data/geodata-city), loads it once,
 * then prints median and p95 per operation; results also go to results/bench-*.json.
 */
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { hashPassword } from '../../api/auth/password.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT } from '../../api/config.ts';
import type { Database } from '../../api/db/database.ts';
import { loadDataset } from '../../api/db/dataset-loader.ts';
import { SYSTEM_SCOPE } from '../../api/auth/scope.ts';
import { around } from '../../api/db/around-repository.ts';
import { intake, transition } from '../../api/db/incident-repository.ts';
import {
  advanceDispatch,
  candidates,
  dispatchTeam,
  listDispatches,
  planDispatches,
} from '../../api/db/dispatch-repository.ts';
import { teamIsochrones } from '../../api/db/coverage-repository.ts';
import { reloadRoadGraph, roadGraph } from '../../api/db/road-repository.ts';
import { listFeatures } from '../../api/db/feature-repository.ts';
import { areaTile, foldTileCells, pointTile, POINT_TILES } from '../../api/db/tile-repository.ts';
import { tileAt } from '../../api/lib/tiles.ts';
import { migrate } from '../../api/db/migrate.ts';
import { openDatabase } from '../../api/db/open-database.ts';
import { percentile, timeRuns } from './stats.ts';
import { createImport, runImport, undoImport } from '../../api/db/import-repository.ts';
import { previewFile } from '../../api/lib/import-readers/index.ts';
import { suggestCoordinates, suggestMapping } from '../../api/lib/import-fields.ts';
import { mulberry32 } from '../../geodata/generate/prng.ts';
import { startTileCellFolding } from '../../api/lib/tile-cell-folding.ts';
import { spawnServer } from '../support/server-process.ts';
import { postgisBundle } from '../../api/db/postgis-bundle.ts';

interface Result {
  operation: string;
  n: number;
  p50: number;
  p95: number;
  unit: string;
  target?: string;
  note?: string;
}

const CITY_DIR = path.resolve(process.env.RISKMAP_CITY_DIR ?? path.join(PROJECT_ROOT, 'data/geodata-city'));

function ensureCityData(): void {
  if (existsSync(path.join(CITY_DIR, 'manifest.json'))) return;
  console.log(`generating the city-scale dataset into ${CITY_DIR} …`);
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'geodata/generate/cli.ts'),
      '--scale',
      'city',
      '--out',
      CITY_DIR,
    ],
    { stdio: 'inherit', cwd: PROJECT_ROOT },
  );
  if (r.status !== 0) throw new Error('city-scale generation failed');
  console.log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function benchDatabaseUrl(url: string): Promise<string> {
  const u = new URL(url);
  const name = `${u.pathname.slice(1) || 'postgres'}_bench`.replace(/[^a-z0-9_]/gi, '_');
  // Create it from the server's maintenance database: the named one may not exist yet.
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Bulk load of 1M points (sites + components) into fresh tables, then their GiST
 * indexes. The two files load side by side (two connections on a server, one after
 * the other on the single-connection embedded engine), as an import job would.
 */
async function benchBulkLoad(db: Database): Promise<Result[]> {
  await db.exec(`DROP TABLE IF EXISTS bench_sites, bench_components;
    CREATE TABLE bench_sites (LIKE sites INCLUDING DEFAULTS);
    CREATE TABLE bench_components (LIKE components INCLUDING DEFAULTS);`);
  const t0 = performance.now();
  const [s, c] = await Promise.all([
    db.copyCsv(
      'bench_sites',
      ['id', 'name', 'kind', 'address', 'town_code', 'village_code', 'grid_code', 'synthetic', 'geom'],
      path.join(CITY_DIR, 'sites.csv'),
    ),
    db.copyCsv(
      'bench_components',
      ['id', 'code', 'kind', 'status', 'town_code', 'village_code', 'grid_code', 'synthetic', 'geom'],
      path.join(CITY_DIR, 'components.csv'),
    ),
  ]);
  const t1 = performance.now();
  await Promise.all([
    db.exec('CREATE INDEX ON bench_sites USING gist (geom)'),
    db.exec('CREATE INDEX ON bench_components USING gist (geom)'),
  ]);
  const t2 = performance.now();
  await db.exec('DROP TABLE bench_sites, bench_components');
  const n = s + c;
  return [
    {
      operation: `bulk load ${n.toLocaleString('en')} points (COPY)`,
      n: 1,
      p50: t1 - t0,
      p95: t1 - t0,
      unit: 'ms',
    },
    { operation: 'build GiST indexes on them', n: 1, p50: t2 - t1, p95: t2 - t1, unit: 'ms' },
    {
      operation: 'bulk load incl. index',
      n: 1,
      p50: t2 - t0,
      p95: t2 - t0,
      unit: 'ms',
      target: db.backend === 'postgres' ? '≤ 5000 ms' : undefined,
    },
  ];
}

/** Random points inside town outlines, reproducible. */
async function samplePoints(db: Database, n: number, seed = 7): Promise<Array<[number, number]>> {
  const r = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM sites ORDER BY id LIMIT $1`,
    [n * 20],
  );
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const p = r.rows[Math.floor(rand() * r.rows.length)]!;
    return [p.lon, p.lat] as [number, number];
  });
}

async function benchPointToGrid(db: Database): Promise<Result> {
  const pts = await samplePoints(db, 2000);
  const times = await timeRuns(pts.length, async (i) => {
    const [lon, lat] = pts[i]!;
    const r = await db.query(
      `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS pt)
       SELECT code, level FROM areas, p
       WHERE valid_to IS NULL AND level IN ('town', 'grid') AND geom && p.pt AND ST_Intersects(geom, p.pt)`,
      [lon, lat],
    );
    if (r.rowCount === 0) throw new Error(`no area at ${lon},${lat}`);
  });
  return {
    operation: 'point → its grid and town',
    n: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    unit: 'ms',
    target: '≤ 1 ms p95',
  };
}

async function benchBBoxGeoJson(db: Database): Promise<Result> {
  const pts = await samplePoints(db, 40);
  const sizes: number[] = [];
  const times = await timeRuns(
    pts.length,
    async (i) => {
      const [lon, lat] = pts[i]!;
      const d = 0.03;
      const r = await listFeatures(
        db,
        SYSTEM_SCOPE,
        'components',
        { bbox: [lon - d, lat - d, lon + d, lat + d] },
        10_000,
      );
      sizes.push(r.features.length);
      JSON.stringify(r.features);
    },
    3,
  );
  return {
    operation: 'bbox → GeoJSON, 10k features (components)',
    n: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    unit: 'ms',
    note: `features per answer p50 ${percentile(sizes, 50)}`,
  };
}

/** The bare engine: PGlite + PostGIS (+ the contrib modules the project loads) reopening `dataDir`. */
const BARE_OPEN = `
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { postgis } from '@electric-sql/pglite-postgis';
const [dataDir, bundle] = process.argv.slice(1);
const ext = bundle ? { name: 'postgis', setup: async (pg, o) => ({ ...(await postgis.setup(pg, o)), bundlePath: new URL(bundle) }) } : postgis;
const pg = await PGlite.create({ dataDir, extensions: { postgis: ext, btree_gist, pg_trgm } });
const readyMs = performance.now();
const cpu = process.cpuUsage();
await pg.query('SELECT 1');
await pg.close();
console.log(JSON.stringify({ readyMs, readyCpuMs: (cpu.user + cpu.system) / 1000 }));
`;

interface StartTiming {
  /** ms from the process's launch (its own clock). */
  listenMs?: number;
  readyMs: number;
  /** CPU ms of the process (all threads) until ready. */
  readyCpuMs: number;
}

/** One bare reopen of `dataDir` in a process of its own, as PGlite ships (or with a given PostGIS bundle). */
function bareReopen(dataDir: string, bundle?: string): StartTiming {
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', BARE_OPEN, dataDir, ...(bundle ? [bundle] : [])],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`bare reopen failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StartTiming;
}

/** One start of the server on `dataDir`; timings from its own "ready" log line. */
async function serverStart(dataDir: string): Promise<StartTiming & { progress: string[] }> {
  const server = await spawnServer(
    {
      RISKMAP_DATA_DIR: dataDir,
      DATABASE_URL: '',
      RISKMAP_ADMIN_PASSWORD: 'bench-admin-password',
      RISKMAP_WEB_DIR: '/nonexistent',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    },
    { output: 'capture' },
  );
  await server.stop();
  const lines = server
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string } & Partial<StartTiming>);
  const ready = lines.find((l) => l.msg.startsWith('riskmap ready'));
  if (!ready?.readyMs || ready.readyCpuMs === undefined) throw new Error('the server logged no ready line');
  return {
    listenMs: ready.listenMs,
    readyMs: ready.readyMs,
    readyCpuMs: ready.readyCpuMs,
    progress: lines.map((l) => l.msg),
  };
}

const loadAverage = () => os.loadavg()[0]!.toFixed(1);

function startRow(operation: string, values: number[], extra: Partial<Result> = {}): Result {
  const median = percentile(values, 50);
  return {
    operation,
    n: values.length,
    p50: median,
    p95: percentile(values, 95),
    unit: 'ms',
    ...extra,
    note: [`range ${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`, extra.note]
      .filter(Boolean)
      .join('; '),
  };
}

/**
 * Start-up on the embedded engine, measured side by side in one run: the bare engine
 * (PGlite + PostGIS as published, `PGlite.create` in a process of its own) reopening the
 * same data dir, the same with the cut-down PostGIS bundle the platform uses, and the
 * server's restart, alternating so that all three see the same load; then a first start on
 * an empty data dir. Each figure is from the process's own launch, wall clock and CPU.
 * `RISKMAP_BENCH_STARTUP_RUNS` sets the runs (5).
 */
async function benchStartup(): Promise<Result[]> {
  const runs = Number(process.env.RISKMAP_BENCH_STARTUP_RUNS ?? 5);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-bench-start-'));
  const loadBefore = loadAverage();
  try {
    const first = await serverStart(dataDir);
    const cutDown = (await postgisBundle()).href;
    const bare: StartTiming[] = [];
    const bareCut: StartTiming[] = [];
    const restart: StartTiming[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(bareReopen(dataDir));
      bareCut.push(bareReopen(dataDir, cutDown));
      restart.push(await serverStart(dataDir));
    }
    const load = `load ${loadBefore} → ${loadAverage()} (1-min average, ${os.cpus().length} cores)`;
    const bareMedian = percentile(
      bare.map((t) => t.readyMs),
      50,
    );
    const progress = first.progress.filter((m) => m.startsWith('sample city:')).length;
    return [
      startRow('embedded: first start (create, migrate, load the sample city): ready', [first.readyMs], {
        target: '≤ 20000 ms',
        note: `CPU ${Math.round(first.readyCpuMs)} ms; ${progress} progress lines; ${load}`,
      }),
      startRow(
        'embedded: bare engine reopen (PGlite.create, PostGIS bundle as published)',
        bare.map((t) => t.readyMs),
        {
          note: `CPU median ${Math.round(
            percentile(
              bare.map((t) => t.readyCpuMs),
              50,
            ),
          )} ms`,
        },
      ),
      startRow(
        'embedded: bare engine reopen with the cut-down PostGIS bundle',
        bareCut.map((t) => t.readyMs),
        {
          note: `CPU median ${Math.round(
            percentile(
              bareCut.map((t) => t.readyCpuMs),
              50,
            ),
          )} ms`,
        },
      ),
      startRow(
        'embedded: restart — listening (503 starting)',
        restart.map((t) => t.listenMs ?? NaN),
        { target: '≤ 1000 ms' },
      ),
      startRow(
        'embedded: restart — ready (API answers)',
        restart.map((t) => t.readyMs),
        {
          target: `≤ bare reopen + 1000 = ${Math.round(bareMedian + 1000)} ms`,
          note: `CPU median ${Math.round(
            percentile(
              restart.map((t) => t.readyCpuMs),
              50,
            ),
          )} ms; ${load}`,
        },
      ),
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Vector tiles per zoom z8–z16 over every tile layer, city-wide scope: latency p50/p95
 * and tile sizes. Tiles are the ones under random sites (where the data is dense).
 */
async function benchTiles(db: Database): Promise<Result[]> {
  const pts = await samplePoints(db, 30);
  const layers = [...Object.keys(POINT_TILES), 'areas'] as Array<keyof typeof POINT_TILES | 'areas'>;
  const out: Result[] = [];
  for (let z = 8; z <= 16; z++) {
    const times: number[] = [];
    const sizes: Array<{ kb: number; layer: string }> = [];
    for (const layer of layers) {
      const run = async (i: number) => {
        const [lon, lat] = pts[i % pts.length]!;
        const t = tileAt(lon, lat, z);
        const tile =
          layer === 'areas'
            ? await areaTile(db, SYSTEM_SCOPE, t)
            : await pointTile(db, SYSTEM_SCOPE, layer, t, {});
        return tile.byteLength;
      };
      for (let i = 0; i < 3; i++) await run(i);
      for (let i = 0; i < pts.length; i++) {
        const t0 = performance.now();
        const bytes = await run(i);
        times.push(performance.now() - t0);
        sizes.push({ kb: bytes / 1024, layer });
      }
    }
    const biggest = sizes.reduce((a, b) => (b.kb > a.kb ? b : a));
    out.push({
      operation: `tile z${z} (${layers.length} layers × ${pts.length} tiles)`,
      n: times.length,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      unit: 'ms',
      target: '≤ 50 ms p95, ≤ 100 kB',
      note: `size p95 ${percentile(
        sizes.map((x) => x.kb),
        95,
      ).toFixed(1)} kB, max ${biggest.kb.toFixed(1)} kB (${biggest.layer})`,
    });
  }
  return out;
}

async function benchAround(db: Database): Promise<Result> {
  const pts = await samplePoints(db, 300);
  const times = await timeRuns(pts.length, async (i) => {
    const [lon, lat] = pts[i]!;
    await around(db, SYSTEM_SCOPE, lon, lat, 500, 100);
  });
  return {
    operation: 'around a point, 500 m (risk sources, sites, teams)',
    n: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    unit: 'ms',
    target: '≤ 10 ms p95',
  };
}

/**
 * Incident intake with all its routing (grid, category, deadline, risk zones,
 * duplicates): one at a time for latency; then a sustained offered load of 1,000 reports
 * a second for 5 s (open loop: each report is sent at its scheduled time whether or not
 * earlier ones have been answered, and its latency counts from that time, so a backlog
 * shows); then as fast as 64 clients can go. The reports go into the bench database like
 * any other.
 */
async function benchIntake(db: Database): Promise<Result[]> {
  // Each run starts from the same state: the reports of earlier runs (open, within 24 h, at
  // the same sample places) would otherwise pile up as duplicate candidates run after run.
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL riskmap.bulk_load = 'on'`);
    await tx.query(
      `UPDATE incidents SET status = 'closed', closed_at = now()
       WHERE client_key LIKE 'bench-%' AND status NOT IN ('closed', 'rejected', 'merged')`,
    );
  });
  // the tile counts of that closing folded now, not by the folding measured below
  await foldTileCells(db, null);
  // and with the tables it writes vacuumed, as autovacuum keeps them on a server that runs it
  // (the server of this machine runs with autovacuum off; the embedded engine has none)
  for (const table of [
    'tile_cells',
    'tile_cell_deltas',
    'incidents',
    'incident_events',
    'audit_log',
    'live_events',
  ]) {
    await db.query(`VACUUM ANALYZE ${table}`);
  }
  // Spread like real reports: 10,000 places, drawn anew each run, so that the reports of
  // earlier runs (still open, and within 24 h) do not pile up as duplicates of each other.
  const pts = await samplePoints(db, 10_000, Date.now() % 2 ** 31);
  // the tile counts of reports are folded in the background, as the API process does
  const folding = startTileCellFolding(
    (maxRows) => foldTileCells(db, maxRows),
    (err) => console.error('tile-cell fold failed', err),
  );
  const run = `bench-${Date.now()}`;
  let seq = 0;
  const one = () => {
    const i = seq++;
    return intake(db, SYSTEM_SCOPE, {
      clientKey: `${run}-${i}`,
      category: '0501',
      channel: 'desk',
      description: '无照经营游商',
      lon: pts[i % pts.length]![0],
      lat: pts[i % pts.length]![1],
    });
  };
  const times = await timeRuns(400, () => one());

  const rate = 1000;
  const seconds = 15;
  const latencies: number[] = [];
  const t0 = performance.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.push(one().then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(sent);
  const sustained = (rate * seconds) / ((performance.now() - t0) / 1000);

  const n = 5000;
  const t1 = performance.now();
  let left = n;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (left-- > 0) await one();
    }),
  );
  const perSecond = n / ((performance.now() - t1) / 1000);
  await folding.stop();
  return [
    {
      operation: 'incident intake, one at a time',
      n: times.length,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      unit: 'ms',
      target: '≤ 20 ms p95',
    },
    {
      operation: `incident intake, offered ${rate}/s for ${seconds} s: latency`,
      n: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      unit: 'ms',
      target: '≤ 20 ms p95',
      note: `achieved ${sustained.toFixed(0)}/s`,
    },
    {
      operation: `incident intake, 64 clients × ${n}: throughput`,
      n,
      p50: perSecond,
      p95: perSecond,
      unit: '/s',
      target: '≥ 1000 /s',
    },
  ];
}

/**
 * Dispatch at city scale: loading the road graph; ranking the candidates of one incident
 * by road time (after 30 warm-up calls); sending teams under contention (8 dispatchers at once, 40 teams wanted
 * by 400 incidents); a batch plan of 200 incidents over every team; a team's 10-minute
 * isochrone. Its incidents are new reports (categories needing urban_management,
 * grid_patrol or public_security teams) accepted for the purpose; positions of any age
 * count (the generated fixes are hours old).
 */
async function benchDispatch(db: Database): Promise<Result[]> {
  const fixMaxAgeS = 10 * 365 * 86_400;
  const t0 = performance.now();
  reloadRoadGraph(db);
  const graph = await roadGraph(db);
  const loadMs = performance.now() - t0;
  const pts = await samplePoints(db, 1000, Date.now() % 2 ** 31);
  const run = `bench-dispatch-${Date.now()}`;
  const cats = ['0501', '0102', '0505'];
  const accepted: number[] = [];
  for (let i = 0; i < 600; i++) {
    const r = await intake(db, SYSTEM_SCOPE, {
      clientKey: `${run}-${i}`,
      category: cats[i % cats.length]!,
      channel: 'desk',
      description: 'bench dispatch',
      lon: pts[i % pts.length]![0],
      lat: pts[i % pts.length]![1],
    });
    await transition(db, SYSTEM_SCOPE, r.incident.id, { action: 'accept' });
    accepted.push(r.incident.id);
  }
  const examined: number[] = [];
  // warm-up: each database connection plans its prepared statements once
  for (let i = 300; i < 330; i++) await candidates(db, SYSTEM_SCOPE, accepted[i]!, { limit: 5, fixMaxAgeS });
  const times = await timeRuns(300, async (i) => {
    const r = await candidates(db, SYSTEM_SCOPE, accepted[i]!, { limit: 5, fixMaxAgeS });
    examined.push(r!.examined);
  });

  // contention: 400 requests for 40 teams, 8 at a time
  const teams = (
    await db.query<{ id: number }>(
      `SELECT id FROM teams WHERE status = 'available' AND on_duty AND 'urban_management' = ANY (capabilities)
       ORDER BY id LIMIT 40`,
    )
  ).rows.map((r) => r.id);
  const wanted = accepted.filter((_, i) => i % 3 === 0).slice(0, 200);
  let won = 0;
  let refused = 0;
  let next = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < 400) {
        const k = next++;
        try {
          await dispatchTeam(db, SYSTEM_SCOPE, {
            incidentId: wanted[k % wanted.length]!,
            teamId: teams[k % teams.length]!,
          });
          won++;
        } catch (err) {
          if ((err as { statusCode?: number }).statusCode !== 409) throw err;
          refused++;
        }
      }
    }),
  );
  const perSecond = 400 / ((performance.now() - t1) / 1000);
  // free the teams again for the plan
  for (const d of await listDispatches(db, SYSTEM_SCOPE, { open: true, limit: 1000 }))
    if (teams.includes(d.team_id)) await advanceDispatch(db, SYSTEM_SCOPE, d.id, 'cancel');

  const t2 = performance.now();
  const plan = await planDispatches(db, SYSTEM_SCOPE, { fixMaxAgeS, maxIncidents: 200 });
  const planMs = performance.now() - t2;
  const eligibleTeams = (
    await db.query<{ n: number }>(`SELECT count(*)::int n FROM teams WHERE status = 'available' AND on_duty`)
  ).rows[0]!.n;

  const teamIds = (await db.query<{ id: number }>(`SELECT id FROM teams WHERE geom IS NOT NULL ORDER BY id`))
    .rows;
  const rand = mulberry32(3);
  const isoTimes = await timeRuns(100, async () => {
    const id = teamIds[Math.floor(rand() * teamIds.length)]!.id;
    await teamIsochrones(db, SYSTEM_SCOPE, id, [10]);
  });
  return [
    {
      operation: `road graph: load ${graph.n.toLocaleString('en')} nodes, ${graph.edgeCount.toLocaleString('en')} directed edges`,
      n: 1,
      p50: loadMs,
      p95: loadMs,
      unit: 'ms',
    },
    {
      operation: 'dispatch candidates: 5 fastest by road for one incident',
      n: times.length,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      unit: 'ms',
      target: '≤ 5 ms p95',
      note: `teams timed per incident p50 ${percentile(examined, 50)}, p95 ${percentile(examined, 95)}`,
    },
    {
      operation: 'dispatch: 400 requests for 40 teams, 8 at a time',
      n: 400,
      p50: perSecond,
      p95: perSecond,
      unit: '/s',
      note: `${won} sent, ${refused} refused with 409 (team taken)`,
    },
    {
      operation: `batch plan: ${plan.incidents} incidents × ${eligibleTeams.toLocaleString('en')} available teams`,
      n: 1,
      p50: planMs,
      p95: planMs,
      unit: 'ms',
      note: `${plan.exact ? 'exact' : `${plan.nearestPerIncident} fastest teams per incident`}; ${plan.assignments.length} assigned`,
    },
    {
      operation: '10-minute isochrone of one team',
      n: isoTimes.length,
      p50: percentile(isoTimes, 50),
      p95: percentile(isoTimes, 95),
      unit: 'ms',
      target: '≤ 20 ms p95',
    },
  ];
}

/**
 * The live stream: an API server in its own process (so its memory is its own), 100
 * then 1,000 WebSocket clients signed in as a city-wide user in this process, and 40
 * incident changes committed here one after the other; latency from the commit
 * returning to each client receiving the event (one clock: this process). Memory per
 * connection is the server's resident memory growth divided by the clients.
 */
async function benchLive(db: Database, databaseUrl: string | undefined): Promise<Result[]> {
  // a second process cannot open the embedded engine's data dir while this one has it
  if (!databaseUrl) return [];
  const password = `bench-live-${Date.now()}`;
  await db.query(
    `INSERT INTO users (username, display_name, role, home_area_code, password_hash)
     VALUES ('bench-live', 'bench', 'commander', '441900', $1)
     ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, failed_attempts = 0, locked_until = NULL`,
    [await hashPassword(password)],
  );
  const server = await spawnServer(
    { DATABASE_URL: databaseUrl, RISKMAP_SEED: '0', RISKMAP_WEB_DIR: '/nonexistent' },
    { output: 'ignore' },
  );
  const rss = () => {
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
  };
  const results: Result[] = [];
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-live', password }),
    });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('riskmap_session='))!
      .split(';')[0]!;
    const incidentIds = (
      await db.query<{ id: number }>(
        `SELECT id FROM incidents WHERE status = 'reported' ORDER BY id DESC LIMIT 40`,
      )
    ).rows.map((r) => r.id);
    for (const n of [100, 1000]) {
      const before = rss();
      const sockets: WebSocket[] = [];
      const pending = new Map<string, { t0: number; waiting: number }>();
      const latencies: number[] = [];
      for (let i = 0; i < n; i++) {
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/live`, { headers: { cookie } });
        ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as {
            type: string;
            kind?: string;
            id?: string;
            data?: { description?: string };
          };
          if (m.type !== 'event' || m.kind !== 'incident') return;
          const p = pending.get(m.id!);
          if (!p) return;
          latencies.push(performance.now() - p.t0);
          p.waiting--;
        });
        sockets.push(ws);
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
      }
      await new Promise((r) => setTimeout(r, 500));
      const perConnection = (rss() - before) / n;
      {
        for (const id of incidentIds) {
          const entry = { t0: 0, waiting: n };
          pending.set(String(id), entry);
          await db.query('UPDATE incidents SET updated_at = now() WHERE id = $1', [id]);
          entry.t0 = performance.now();
          const deadline = Date.now() + 10_000;
          while (entry.waiting > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
          pending.delete(String(id));
        }
        results.push({
          operation: `live: event committed → received, ${n} clients`,
          n: latencies.length,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          unit: 'ms',
          target: n === 1000 ? '≤ 100 ms p95' : undefined,
          note: `${incidentIds.length} events × ${n} clients; server memory per connection ${(perConnection / 1024).toFixed(0)} KiB`,
        });
      }
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              ws.close();
            }),
        ),
      );
    }
  } finally {
    await server.stop();
  }
  return results;
}

/**
 * Imports of a 1,000,000-row CSV, of components (code, kind, status, lon, lat) and of sites
 * (name, kind, lon, lat, address): read and checked in Node, COPY into a staging table,
 * placed in town/village/grid by PostGIS, written in one transaction; each then undone, so
 * the bench database stays as it was.
 */
async function benchImport(db: Database): Promise<Result[]> {
  const ROWS = Number(process.env.RISKMAP_BENCH_IMPORT_ROWS ?? 1_000_000);
  const layers = (process.env.RISKMAP_BENCH_IMPORT_LAYERS ?? 'components,sites').split(',') as Array<
    'components' | 'sites'
  >;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-bench-import-'));
  const results: Result[] = [];
  try {
    const points = await samplePoints(db, 5000, 11);
    for (const layer of layers) {
      const file = path.join(dir, `${layer}.csv`);
      const rand = mulberry32(3);
      // within ~30 m of a real site, so inside the city
      const near = (i: number) => {
        const [x, y] = points[i % points.length]!;
        return `${(x + (rand() - 0.5) * 6e-4).toFixed(7)},${(y + (rand() - 0.5) * 6e-4).toFixed(7)}`;
      };
      const chunks: string[] = [];
      if (layer === 'sites') {
        const kinds = ['S01', '学校', 'S02', '医院', 'S04', 'S06'];
        chunks.push('名称,类型,经度,纬度,地址\n');
        for (let i = 0; i < ROWS; i++) {
          chunks.push(`批量导入场所${i},${kinds[i % kinds.length]},${near(i)},东莞市测试路${i}号\n`);
        }
      } else {
        const kinds = ['0101', '0102', '0103', '0104', '0105', '0106', '0107', '0108'];
        chunks.push('部件编码,状态,经度,纬度\n');
        for (let i = 0; i < ROWS; i++) {
          const kind = kinds[i % kinds.length]!;
          const serial = String(900_000 - Math.floor(i / kinds.length)).padStart(6, '0');
          chunks.push(`441900${kind}${serial},${i % 50 === 0 ? '损坏' : '完好'},${near(i)}\n`);
        }
      }
      await writeFile(file, chunks.join(''));
      chunks.length = 0;
      // from the same state each run: the rows of earlier runs' undone imports are dead tuples
      // until a vacuum, which autovacuum would have run (this machine's server runs without it)
      for (const table of [layer, 'tile_cells']) await db.query(`VACUUM ANALYZE ${table}`);
      const size = statSync(file).size;
      const preview = await previewFile(file, 'csv', 20);
      const job = await createImport(db, SYSTEM_SCOPE, {
        layer,
        format: 'csv',
        filename: `${layer}.csv`,
        storedName: `bench-${layer}.csv`,
        sizeBytes: size,
        preview: {
          columns: preview.columns,
          sample: preview.records.map((r) => r.properties),
          sampleGeometries: [],
          hasGeometry: false,
          suggestedMapping: suggestMapping(layer, preview.columns),
          suggestedCoordinates: suggestCoordinates(preview.columns),
          detectedCrs: null,
        },
      });
      await db.query(`UPDATE imports SET status = 'running' WHERE id = $1`, [job.id]);
      const progress = { phase: null, bytesRead: 0, totalBytes: size, rowsRead: 0, accepted: 0, rejected: 0 };
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
      const t0 = performance.now();
      const outcome = await runImport(
        db,
        SYSTEM_SCOPE,
        job.id,
        {
          mapping: job.suggestedMapping,
          crs: 'wgs84',
          coordinates: { lon: '经度', lat: '纬度' },
          onRejected: 'skip',
        },
        { signal: new AbortController().signal, progress, file, workFile: path.join(dir, 'work') },
      );
      const ms = performance.now() - t0;
      clearInterval(sampler);
      if (outcome.status !== 'applied') throw new Error(`bench import ${outcome.status}: ${outcome.error}`);
      const t1 = performance.now();
      await undoImport(db, SYSTEM_SCOPE, job.id);
      const undoMs = performance.now() - t1;
      await rm(file, { force: true });
      results.push(
        {
          operation: `import a ${ROWS.toLocaleString('en')}-row CSV of ${layer} (${(size / 2 ** 20).toFixed(0)} MiB; read, check, place, write)`,
          n: 1,
          p50: ms,
          p95: ms,
          unit: 'ms',
          target: '< 60,000 ms on PostGIS',
          note: `${outcome.inserted.toLocaleString('en')} written, ${outcome.rejected.toLocaleString('en')} rejected; ${Math.round((ROWS / ms) * 1000).toLocaleString('en')} rows/s; reading ${outcome.timings?.readingMs} ms, checking ${outcome.timings?.checkingMs} ms, writing ${outcome.timings?.writingMs} ms; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
        },
        { operation: `undo that import of ${layer}`, n: 1, p50: undoMs, p95: undoMs, unit: 'ms' },
      );
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- --only intake,tiles` runs some of the benchmarks (names as in main). */
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? (process.argv[i + 1] ?? '').split(',') : null;
})();

/** The benchmarks on the city-scale dataset (loaded once); returns the backend's name. */
async function benchCity(results: Result[]): Promise<string> {
  ensureCityData();
  const databaseUrl = process.env.DATABASE_URL ? await benchDatabaseUrl(process.env.DATABASE_URL) : undefined;
  const dataDir = path.join(PROJECT_ROOT, 'data/bench-embedded');
  const db = await openDatabase({ databaseUrl, dataDir });
  try {
    await migrate(db);
    const t0 = performance.now();
    const counts = await loadDataset(db, CITY_DIR, 'city');
    if (counts) {
      await db.exec('ANALYZE');
      const ms = performance.now() - t0;
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      results.push({
        operation: `load the city dataset (${total.toLocaleString('en')} rows, one transaction)`,
        n: 1,
        p50: ms,
        p95: ms,
        unit: 'ms',
      });
    }
    const benches: Record<string, () => Promise<Result | Result[]>> = {
      'bulk-load': () => benchBulkLoad(db),
      'point-to-grid': () => benchPointToGrid(db),
      bbox: () => benchBBoxGeoJson(db),
      around: () => benchAround(db),
      tiles: () => benchTiles(db),
      intake: () => benchIntake(db),
      dispatch: () => benchDispatch(db),
      live: () => benchLive(db, databaseUrl),
      import: () => benchImport(db),
    };
    for (const [name, bench] of Object.entries(benches)) {
      if (only && !only.includes(name)) continue;
      results.push(...[await bench()].flat());
    }
  } finally {
    await db.close();
  }
  return db.backend;
}

/** `--only startup` needs neither the city dataset nor the benchmark database. */
const startupOnly = only !== null && only.every((name) => name === 'startup');

async function main(): Promise<void> {
  const results: Result[] = [];
  let backend = 'embedded';
  if (!startupOnly) backend = await benchCity(results);
  if (process.env.RISKMAP_BENCH_STARTUP !== '0' && (!only || only.includes('startup')))
    results.push(...(await benchStartup()));

  const machine = `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`\nriskmap benchmarks — backend: ${backend}; machine: ${machine}\n`);
  const rows = results.map((r) => [
    r.operation,
    String(r.n),
    r.p50.toFixed(2),
    r.p95.toFixed(2),
    r.unit,
    r.target ?? '',
    r.note ?? '',
  ]);
  const head = ['operation', 'n', 'median', 'p95', 'unit', 'target', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  const outDir = path.join(PROJECT_ROOT, 'results');
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `bench-${backend}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ backend, machine, at: new Date().toISOString(), results }, null, 2));
  console.log(`\nresults: ${path.relative(PROJECT_ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
