import { ensureAccounts } from '../auth/bootstrap.ts';
import type { StartingStep } from '../lib/starting-page.ts';
import type { Database } from './database.ts';
import { loadDataset, SAMPLE_DIR, type LoadProgress } from './dataset-loader.ts';
import { migrate } from './migrate.ts';
import { roadGraph } from './road-repository.ts';

export interface PrepareOptions {
  /** Load the sample city into an empty database. */
  seed: boolean;
  adminPassword?: string;
  demoPassword?: string;
  log: (msg: string, data?: object) => void;
  /** Hears what is being done now (the starting page shows it). */
  onStep?: (step: StartingStep) => void;
  /**
   * Shows the password generated for the first `admin`, which is stored nowhere in clear:
   * this is the one chance to see it. Printed to stdout when not given.
   */
  showAdminPassword?: (password: string) => void;
  /**
   * Leave marking the sample teams' positions fresh to `afterReady` (`npm start`, which
   * answers requests sooner that way); otherwise it is done here.
   */
  positionsAfterReady?: boolean;
}

/** What the sample city's tables hold, for the progress lines and the starting page. */
const SAMPLE_STEPS: Record<string, StartingStep> = {
  areas: { zh: '行政区划与网格', en: 'areas and grids' },
  sites: { zh: '重点场所', en: 'sites' },
  components: { zh: '城市部件', en: 'city components' },
  risk_sources: { zh: '风险源', en: 'risk sources' },
  cameras: { zh: '视频监控', en: 'cameras' },
  teams: { zh: '处置队伍', en: 'teams' },
  incidents: { zh: '历史事件', en: 'incidents' },
  road_nodes: { zh: '路网节点', en: 'road nodes' },
  road_edges: { zh: '道路', en: 'roads' },
  tile_cells: { zh: '地图瓦片计数', en: 'map tile counts' },
};

/**
 * Everything a database needs before the API serves it, in order: migrations, the
 * sample city (first start), and the first accounts (admin; demo users with the sample).
 */
export async function prepareDatabase(db: Database, o: PrepareOptions): Promise<void> {
  o.onStep?.({ zh: '正在检查数据库结构', en: 'Checking the database schema' });
  const applied = await migrate(db);
  if (applied.length > 0) o.log('migrations applied', { applied });
  if (o.seed) {
    const progress = ({ step, rows, ms }: LoadProgress) => {
      const what = SAMPLE_STEPS[step] ?? { zh: step, en: step };
      if (rows === undefined) {
        o.onStep?.({
          zh: `首次启动，正在载入示例城市：${what.zh}`,
          en: `First start: loading the sample city's ${what.en}`,
        });
      } else {
        o.log(`sample city: ${what.en} loaded`, { table: step, rows, ms });
      }
    };
    const counts = await loadDataset(db, SAMPLE_DIR, 'sample', progress);
    if (counts) {
      o.onStep?.({ zh: '首次启动，正在统计数据分布', en: 'First start: gathering table statistics' });
      await db.exec('ANALYZE');
      o.log('sample city loaded', { counts });
    }
  }
  const demo = await hasSampleCity(db);
  if (demo && !o.positionsAfterReady) await markSamplePositionsFresh(db, o.log);
  const r = await ensureAccounts(db, { adminPassword: o.adminPassword, demoPassword: o.demoPassword, demo });
  if (r.generatedAdminPassword) {
    const show =
      o.showAdminPassword ??
      ((password: string) => console.log(`\n  riskmap: created user 'admin' with password ${password}\n`));
    show(r.generatedAdminPassword);
  } else if (r.created) {
    o.log('created user admin with the password from RISKMAP_ADMIN_PASSWORD');
  }
}

async function hasSampleCity(db: Database): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM dataset_loads WHERE name = 'sample'`)).rowCount > 0;
}

/**
 * The sample city's teams are synthetic and have no trackers: their sample positions count
 * as fixes taken now, so that dispatch (which ignores stale fixes) works in the demo. Teams
 * with real fixes (synthetic = false) are never touched. About a second of engine time for
 * the sample's 3,000 teams.
 */
async function markSamplePositionsFresh(db: Database, log: PrepareOptions['log']): Promise<void> {
  const r = await db.transaction(async (tx) => {
    // start-up housekeeping, not news for the live stream
    await tx.query(`SET LOCAL riskmap.bulk_load = 'on'`);
    return tx.query(
      `UPDATE teams SET position_at = now() WHERE synthetic AND geom IS NOT NULL AND position_at < now() - interval '1 minute'`,
    );
  });
  if (r.rowCount > 0) log('sample teams: positions marked fresh', { teams: r.rowCount });
}

/**
 * Start-up work the API answers without, done once it does (`npm start`): the sample
 * teams' positions (with `positionsAfterReady`), and what the first dispatch and the first
 * map tile would otherwise wait for: the road graph read into memory, and PostGIS's PROJ
 * set up (its first transformation opens proj.db, most of a second).
 */
export async function afterReady(
  db: Database,
  o: Pick<PrepareOptions, 'log' | 'positionsAfterReady'>,
): Promise<void> {
  if (o.positionsAfterReady && (await hasSampleCity(db))) await markSamplePositionsFresh(db, o.log);
  await roadGraph(db);
  await db.query(`SELECT ST_Transform(ST_SetSRID(ST_MakePoint(113.75, 23.02), 4326), 3857)`);
}
