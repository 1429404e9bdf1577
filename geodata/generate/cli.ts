/**
 * Deterministic sample-city generator for Dongguan.
 *
 *   npx tsx geodata/generate/cli.ts --scale small|city [--out DIR] [--seed N]
 *
 * Defaults: --seed 20261127; --out geodata/sample (small) or data/geodata-city (city).
 * The same seed and scale always give byte-identical files. Areas (towns, villages, grids)
 * are identical for both scales; only the point layers and the road lattice differ.
 */
import { setGeometryEncoding } from './format.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { areasGeoJson, buildAreas } from './areas.ts';
import { loadCategories } from './categories.ts';
import { HISTORY_DAYS, HISTORY_REFERENCE_MS, loadCalendar, writeHistory } from './history.ts';
import {
  buildTeams,
  writeCameras,
  writeComponents,
  writeRiskSources,
  writeSites,
  writeTeams,
} from './layers.ts';
import { Placer } from './placement.ts';
import { Rng } from './prng.ts';
import { buildRoads, writeRoads, type RoadOptions } from './roads.ts';

/** Row counts and road lattice for one scale. */
export interface ScaleConfig {
  sites: number;
  components: number;
  riskSources: number;
  cameras: number;
  /** Total teams including one grid worker per grid (others = total − grids, at least `minOtherTeams`). */
  teamsTotal: number;
  minOtherTeams: number;
  /** Incidents of the history (30 days and the last day). */
  incidents: number;
  /** Write the teams' position fixes of the last two days (team_positions.csv). */
  tracks: boolean;
  roads: RoadOptions;
}

/** The two scales. */
export const SCALES: Record<'small' | 'city', ScaleConfig> = {
  small: {
    sites: 2000,
    components: 3000,
    riskSources: 400,
    cameras: 800,
    teamsTotal: 0,
    minOtherTeams: 300,
    incidents: 500,
    tracks: true,
    roads: { spacingM: 1000, expresswayEvery: 12, arterialEvery: 2, secondaryEvery: 0, onewayShare: 0.15 },
  },
  city: {
    sites: 300_000,
    components: 700_000,
    riskSources: 20_000,
    cameras: 200_000,
    teamsTotal: 10_000,
    minOtherTeams: 300,
    incidents: 100_000,
    tracks: false,
    roads: { spacingM: 200, expresswayEvery: 60, arterialEvery: 10, secondaryEvery: 5, onewayShare: 0.1 },
  },
};

/** Default seed. */
export const DEFAULT_SEED = 20261127;

/** Options of generate(). */
export interface GenerateOptions {
  scale: 'small' | 'city';
  out: string;
  seed: number;
  /** Directory holding geodata/ (default: the repository root). */
  root?: string;
  log?: (msg: string) => void;
}

/** Run the whole generator; returns the manifest object that was written. */
export function generate(opts: GenerateOptions): Record<string, unknown> {
  const root = opts.root ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const log = opts.log ?? (() => undefined);
  const cfg = SCALES[opts.scale];
  // The committed sample stays readable (EWKT); the city-scale files load faster as hex EWKB.
  setGeometryEncoding(opts.scale === 'city' ? 'hex' : 'ewkt');
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const rng = new Rng(opts.seed);
  const t0 = performance.now();
  const cats = loadCategories(join(root, 'geodata', 'reference', 'categories.csv'));

  const model = buildAreas(join(root, 'geodata', 'source'), rng.fork('areas'));
  writeFileSync(join(out, 'areas.geojson'), areasGeoJson(model));
  log(
    `areas: ${model.towns.length} towns, ${model.villages.length} villages, ${model.grids.length} grids (${Math.round(performance.now() - t0)} ms)`,
  );

  const placer = new Placer(model);
  const counts: Record<string, number> = {
    areas: 1 + model.towns.length + model.villages.length + model.grids.length,
  };
  counts.sites = writeSites(out, cfg.sites, cats, placer, rng.fork('sites'));
  counts.components = writeComponents(out, cfg.components, cats, placer, rng.fork('components'));
  const risks = writeRiskSources(out, cfg.riskSources, cats, placer, rng.fork('risk_sources'));
  counts.risk_sources = risks.length;
  counts.cameras = writeCameras(out, cfg.cameras, placer, rng.fork('cameras'));
  const others = Math.max(cfg.minOtherTeams, cfg.teamsTotal - placer.grids.length);
  const teams = buildTeams(others, placer, rng.fork('teams'));
  log(`points done (${Math.round(performance.now() - t0)} ms)`);

  const outline = model.city.geom;
  if (!outline) throw new Error('city outline missing');
  const net = buildRoads(outline, cfg.roads, rng.fork('roads'));
  const [nodes, edges] = writeRoads(out, net);
  counts.road_nodes = nodes;
  counts.road_edges = edges;
  log(`roads: ${nodes} nodes, ${edges} edges (${Math.round(performance.now() - t0)} ms)`);

  // the recent past: incidents with their timelines, dispatches, team tracks; then the teams
  // as that past leaves them
  const history = writeHistory({
    outDir: out,
    incidents: cfg.incidents,
    tracks: cfg.tracks,
    cats,
    cal: loadCalendar(join(root, 'geodata', 'reference', 'calendar-2026.csv')),
    placer,
    teams,
    risks,
    roads: net,
    rng: rng.fork('incidents'),
  });
  counts.teams = writeTeams(out, teams, history.teams);
  counts.incidents = history.counts.incidents;
  counts.incident_events = history.counts.incident_events;
  counts.dispatches = history.counts.dispatches;
  if (cfg.tracks) counts.team_positions = history.counts.team_positions;
  log(`history: ${JSON.stringify(history.counts)} (${Math.round(performance.now() - t0)} ms)`);

  const manifest = {
    scale: opts.scale,
    seed: opts.seed,
    counts,
    area_levels: {
      city: 1,
      town: model.towns.length,
      village: model.villages.length,
      grid: model.grids.length,
    },
    srid: 4326,
    // the files describe the city at the end of the day starting at `reference`; the loader
    // moves them by whole days so that the load time falls in that day (api/db/sample-history.ts)
    history: { reference: new Date(HISTORY_REFERENCE_MS).toISOString(), days: HISTORY_DAYS },
    synthetic:
      'City outline, town outlines, NBS codes, names and 2020 census populations are real (see geodata/PROVENANCE.md). ' +
      'Village polygons, village/grid populations and households, grids, sites, components, risk sources, cameras, ' +
      'teams, incidents with their timelines and dispatches, team tracks and roads are synthetic (seeded generator geodata/generate), for demonstration and tests only.',
  };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function parseArgs(argv: string[]): GenerateOptions {
  let scale: 'small' | 'city' = 'small';
  let out: string | undefined;
  let seed = DEFAULT_SEED;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--scale' && (v === 'small' || v === 'city')) {
      scale = v;
      i++;
    } else if (a === '--out' && v) {
      out = v;
      i++;
    } else if (a === '--seed' && v && /^\d+$/.test(v)) {
      seed = Number(v);
      i++;
    } else {
      throw new Error(`usage: cli.ts --scale small|city [--out DIR] [--seed N] (bad argument ${a})`);
    }
  }
  return { scale, seed, out: out ?? (scale === 'small' ? 'geodata/sample' : 'data/geodata-city') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const manifest = generate({ ...opts, log: (m) => console.error(m) });
  console.error(`wrote ${resolve(opts.out)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(manifest.counts));
}
