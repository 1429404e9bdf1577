import path from 'node:path';

/** Everything the platform reads from the environment, in one place. */
export interface Config {
  /** HTTP port (PORT, default 8080). */
  port: number;
  host: string;
  /** PostgreSQL/PostGIS URL (DATABASE_URL); unset selects the embedded engine. */
  databaseUrl?: string;
  /** Embedded engine data directory (RISKMAP_DATA_DIR, default ./data). */
  dataDir: string;
  /** Built web app served at / (dist/web). */
  webDir: string;
  /** Load the sample city on first start when the database is empty (RISKMAP_SEED, default on). */
  seed: boolean;
  logLevel: string;
  /** Password of the first `admin` (RISKMAP_ADMIN_PASSWORD); random and printed once when unset. */
  adminPassword?: string;
  /** Password of the sample city's demo users (RISKMAP_DEMO_PASSWORD). */
  demoPassword?: string;
  /** A team's position counts as fresh for dispatch for this many seconds (RISKMAP_FIX_MAX_AGE_S, default 900). */
  fixMaxAgeS: number;
  /** A live client further behind than this many events gets a snapshot notice (RISKMAP_LIVE_MAX_REPLAY, default 10000). */
  liveMaxReplay: number;
}

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** Reads the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0–65535, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.RISKMAP_DATA_DIR ?? path.join(PROJECT_ROOT, 'data')),
    webDir: path.resolve(env.RISKMAP_WEB_DIR ?? path.join(PROJECT_ROOT, 'dist/web')),
    seed: env.RISKMAP_SEED !== '0',
    logLevel: env.LOG_LEVEL ?? 'info',
    adminPassword: env.RISKMAP_ADMIN_PASSWORD || undefined,
    demoPassword: env.RISKMAP_DEMO_PASSWORD || undefined,
    fixMaxAgeS: positiveNumber(env, 'RISKMAP_FIX_MAX_AGE_S', 900),
    liveMaxReplay: positiveNumber(env, 'RISKMAP_LIVE_MAX_REPLAY', 10_000),
  };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return v;
}
