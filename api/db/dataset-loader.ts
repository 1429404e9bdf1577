import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Database, Queryable } from './database.ts';
import { HISTORY_TABLES, loadHistory } from './sample-history.ts';
import { foldTileCells } from './tile-repository.ts';

/** The project's geodata folder (reference data and the committed small sample). */
export const GEODATA_DIR = path.resolve(import.meta.dirname, '../../geodata');
export const SAMPLE_DIR = path.join(GEODATA_DIR, 'sample');
export const REFERENCE_DIR = path.join(GEODATA_DIR, 'reference');

/**
 * CSV files of a dataset and the columns each may carry, in load order (foreign keys
 * first). The allow-list every COPY is built from: a header naming anything else is refused.
 */
export const DATASET_TABLES: ReadonlyArray<{ table: string; columns: readonly string[] }> = [
  {
    table: 'sites',
    columns: ['id', 'name', 'kind', 'address', 'town_code', 'village_code', 'grid_code', 'synthetic', 'geom'],
  },
  {
    table: 'components',
    columns: ['id', 'code', 'kind', 'status', 'town_code', 'village_code', 'grid_code', 'synthetic', 'geom'],
  },
  {
    table: 'risk_sources',
    columns: [
      'id',
      'name',
      'kind',
      'level',
      'impact_radius_m',
      'town_code',
      'village_code',
      'grid_code',
      'synthetic',
      'geom',
    ],
  },
  {
    table: 'cameras',
    columns: ['id', 'code', 'name', 'town_code', 'village_code', 'grid_code', 'synthetic', 'geom'],
  },
  {
    table: 'teams',
    columns: [
      'id',
      'name',
      'kind',
      'capabilities',
      'status',
      'on_duty',
      'home_area_code',
      'synthetic',
      'position_at',
      'geom',
    ],
  },
  {
    table: 'incidents',
    columns: [
      'id',
      'client_key',
      'category',
      'channel',
      'description',
      'status',
      'priority',
      'reported_at',
      'deadline_at',
      'closed_at',
      'town_code',
      'village_code',
      'grid_code',
      'team_capability',
      'raised_by',
      'reported_by',
      'extension_pending_minutes',
      'extended_minutes',
      'rework_count',
      'merged_into',
      'updated_at',
      'synthetic',
      'geom',
    ],
  },
  { table: 'road_nodes', columns: ['id', 'geom'] },
  {
    table: 'road_edges',
    columns: ['id', 'source', 'target', 'length_m', 'speed_kmh', 'oneway', 'class', 'synthetic', 'geom'],
  },
  // the history (manifest `history`, api/db/sample-history.ts): after the roads, which fixes name
  {
    table: 'incident_events',
    columns: ['id', 'incident_id', 'at', 'actor', 'action', 'from_status', 'to_status', 'note'],
  },
  {
    table: 'dispatches',
    columns: [
      'id',
      'incident_id',
      'team_id',
      'status',
      'created_at',
      'created_by',
      'arrived_at',
      'ended_at',
      'travel_time_s',
      'distance_m',
      'note',
    ],
  },
  // a fix at a road node names it (road_node); one elsewhere has its point (geom)
  { table: 'team_positions', columns: ['team_id', 'recorded_at', 'road_node', 'geom'] },
];

/** The columns of a dataset CSV, in file order (the generator writes exactly these). */
export function datasetColumns(table: string): string[] {
  const t = DATASET_TABLES.find((x) => x.table === table);
  if (!t) throw new Error(`no dataset table ${table}`);
  return [...t.columns];
}

const REFERENCE_TABLES: ReadonlyArray<{ table: string; file: string; columns: readonly string[] }> = [
  {
    table: 'categories',
    file: 'categories.csv',
    columns: [
      'code',
      'kind',
      'parent_code',
      'name_zh',
      'name_en',
      'deadline_amount',
      'deadline_unit',
      'team_capability',
      'default_priority',
    ],
  },
  { table: 'calendar_days', file: 'calendar-2026.csv', columns: ['day', 'kind', 'name'] },
];

export interface DatasetManifest {
  scale: string;
  seed: number;
  counts: Record<string, number>;
  /** The files describe the day starting at `reference` (ISO): loaded moved to the load time. */
  history?: { reference: string; days: number };
}

/** Reads the header line of a CSV file and checks it against the allowed columns. */
async function csvHeader(file: string, allowed: readonly string[]): Promise<string[]> {
  const handle = await import('node:fs/promises').then((fs) => fs.open(file));
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const first = buf.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '';
    const cols = first.split(',').map((c) => c.trim());
    const unknown = cols.filter((c) => !allowed.includes(c));
    if (unknown.length > 0) throw new Error(`${path.basename(file)}: unknown columns ${unknown.join(', ')}`);
    return cols;
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Loads the reference data (categories, working calendar) if the tables are empty. */
export async function loadReferenceData(tx: Queryable, dir = REFERENCE_DIR): Promise<void> {
  for (const { table, file, columns } of REFERENCE_TABLES) {
    const n = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    if ((n.rows[0]?.n ?? 0) > 0) continue;
    const full = path.join(dir, file);
    await tx.copyCsv(table, await csvHeader(full, columns), full);
  }
}

interface AreaFeatureIn {
  geometry: unknown;
  properties: {
    code: string;
    level: string;
    name: string;
    parent_code: string | null;
    population: number | null;
    households: number | null;
    synthetic: boolean;
  };
}

/** Inserts the areas of a dataset (parents first), as version 1 valid from `validFrom`. */
async function loadAreas(tx: Queryable, file: string, validFrom: string): Promise<number> {
  const fc = JSON.parse(await readFile(file, 'utf8')) as { features: AreaFeatureIn[] };
  const batch = 300;
  for (let i = 0; i < fc.features.length; i += batch) {
    const rows = fc.features.slice(i, i + batch).map((f) => ({ ...f.properties, geometry: f.geometry }));
    const json = JSON.stringify(rows);
    await tx.query(
      `INSERT INTO area_codes (code, level)
       SELECT r->>'code', r->>'level' FROM jsonb_array_elements($1::jsonb) r`,
      [json],
    );
    await tx.query(
      `INSERT INTO areas (code, level, name, parent_code, population, households, synthetic, geom, valid_from)
       SELECT r->>'code', r->>'level', r->>'name', r->>'parent_code',
              (r->>'population')::int, (r->>'households')::int, (r->>'synthetic')::boolean,
              CASE WHEN jsonb_typeof(r->'geometry') = 'object'
                   THEN ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r->'geometry'), 4326)) END,
              $2::timestamptz
       FROM jsonb_array_elements($1::jsonb) r`,
      [json, validFrom],
    );
  }
  return fc.features.length;
}

/** A step of a dataset load: `rows` is absent when the step starts, set when it is done. */
export interface LoadProgress {
  /** A table (`areas`, `sites`, … `road_edges`), or `tile_cells` for the tile counts. */
  step: string;
  rows?: number;
  ms?: number;
}

/**
 * Loads a generated dataset folder (areas.geojson + CSVs, see geodata/README.md) in
 * one transaction: either all of it is there afterwards or none of it, also when the
 * process dies mid-way. Returns null when a dataset was already loaded (nothing done).
 * `onProgress` hears of each table as it starts and as it is done (a first start's
 * console and starting page say what is being loaded).
 */
export async function loadDataset(
  db: Database,
  dir: string,
  name = 'sample',
  onProgress: (p: LoadProgress) => void = () => undefined,
): Promise<Record<string, number> | null> {
  const step = async (table: string, load: () => Promise<number>): Promise<number> => {
    onProgress({ step: table });
    const t0 = performance.now();
    const rows = await load();
    onProgress({ step: table, rows, ms: Math.round(performance.now() - t0) });
    return rows;
  };
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as DatasetManifest;
  // Check every file's columns before touching the database.
  const files: Array<{ table: string; file: string; columns: string[] }> = [];
  for (const { table, columns } of DATASET_TABLES) {
    const file = path.join(dir, `${table}.csv`);
    if (await exists(file)) files.push({ table, file, columns: await csvHeader(file, columns) });
  }
  return db.transaction(async (tx) => {
    const loaded = await tx.query('SELECT 1 FROM dataset_loads LIMIT 1');
    if (loaded.rowCount > 0) return null;
    // a bulk load is not news: no live events (migrations/0011_live_events.sql)
    await tx.query(`SET LOCAL riskmap.bulk_load = 'on'`);
    await loadReferenceData(tx);
    const counts: Record<string, number> = {};
    // Sample areas are valid from the start of the census year they describe.
    counts.areas = await step('areas', () =>
      loadAreas(tx, path.join(dir, 'areas.geojson'), '2020-11-01T00:00:00Z'),
    );
    const history = manifest.history ? new Date(manifest.history.reference) : null;
    for (const { table, file, columns } of files) {
      if (HISTORY_TABLES.has(table)) continue;
      counts[table] = await step(table, () => tx.copyCsv(table, columns, file));
    }
    const dated = files.filter((f) => HISTORY_TABLES.has(f.table));
    if (history) Object.assign(counts, await loadHistory(tx, dated, history, new Date(), step));
    else
      for (const { table, file, columns } of dated)
        counts[table] = await step(table, () => tx.copyCsv(table, columns, file));
    // each town's department units; teams and incidents join theirs (migrations/0021)
    await tx.query('SELECT ensure_units()');
    // the tile counts of all of it, now, rather than left to the background fold
    await step('tile_cells', () => foldTileCells(tx, null));
    // Keep the id sequence ahead of loaded incidents so new reports never collide.
    await tx.query(`SELECT setval('incidents_id_seq', greatest((SELECT max(id) FROM incidents), 1))`);
    await tx.query('INSERT INTO dataset_loads (name, scale, counts) VALUES ($1, $2, $3)', [
      name,
      manifest.scale,
      JSON.stringify(counts),
    ]);
    return counts;
  });
}
