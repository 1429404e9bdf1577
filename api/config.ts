import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Everything the platform reads from the environment, in one place. */
export interface Config {
  /** HTTP port (PORT, default 8080). */
  port: number;
  /** Address to listen on (HOST, default 127.0.0.1: this machine only; 0.0.0.0 for the network). */
  host: string;
  /**
   * Whose X-Forwarded-Proto/-Host/-For to believe (RISKMAP_TRUST_PROXY, Fastify's `trustProxy`):
   * false (default) trusts nobody, true every peer, a list the given addresses/subnets.
   */
  trustProxy: boolean | string[];
  /** Origins allowed to frame /screen (RISKMAP_SCREEN_FRAME_ANCESTORS); empty: no page may be framed. */
  screenFrameAncestors: string[];
  /** PostgreSQL/PostGIS URL (DATABASE_URL); unset selects the embedded engine. */
  databaseUrl?: string;
  /** Embedded engine data directory (RISKMAP_DATA_DIR, default ./data). */
  dataDir: string;
  /** Built web app served at / (dist/web). */
  webDir: string;
  /** Load the sample city on first start when the database is empty (RISKMAP_SEED, default on). */
  seed: boolean;
  logLevel: string;
  /**
   * Console log format (LOG_FORMAT): `pretty` (readable lines) or `json` (one JSON object a
   * line, for a log collector); unset: pretty on a terminal, JSON otherwise.
   */
  logFormat?: 'pretty' | 'json';
  /** Password of the first `admin` (RISKMAP_ADMIN_PASSWORD); random and printed once when unset. */
  adminPassword?: string;
  /** Password of the sample city's demo users (RISKMAP_DEMO_PASSWORD). */
  demoPassword?: string;
  /** A team's position counts as fresh for dispatch for this many seconds (RISKMAP_FIX_MAX_AGE_S, default 900). */
  fixMaxAgeS: number;
  /**
   * A team position fix must lie within this many metres of the city's towns
   * (RISKMAP_SERVICE_AREA_MARGIN_M, default 10000): farther is a wrong fix (swapped axes,
   * another coordinate system, a tracker's zero position) and is refused.
   */
  serviceAreaMarginM: number;
  /** A live client further behind than this many events gets a snapshot notice (RISKMAP_LIVE_MAX_REPLAY, default 10000). */
  liveMaxReplay: number;
  /** The basemap the web app draws under the data (RISKMAP_BASEMAP_*, see BasemapConfig). */
  basemap: BasemapConfig;
  /** Largest import upload in bytes (RISKMAP_IMPORT_MAX_BYTES, default 2 GiB). */
  importMaxBytes: number;
  /**
   * Largest total an import's archives (zipped Shapefile, KMZ) may expand to, in bytes
   * (RISKMAP_IMPORT_MAX_EXPANDED_BYTES, default 4 GiB); also the limit of one archive entry.
   */
  importMaxExpandedBytes: number;
  /**
   * Local 7-parameter shifts of Xian 1980 and Beijing 1954 to WGS 84
   * (RISKMAP_DATUM_PARAMS_XIAN1980, RISKMAP_DATUM_PARAMS_BEIJING1954: `dx,dy,dz,rx,ry,rz,ds` in
   * metres, arc-seconds and ppm, position-vector convention as PROJ's +towgs84). Without them,
   * files in those systems are imported with an approximate shift (tens of metres).
   */
  datumParams: { xian1980?: number[]; beijing1954?: number[] };
  /**
   * Web origins whose pages may read /ogc, /api/tiles and /open311 (RISKMAP_CORS_ORIGINS, space- or
   * comma-separated, or `*` for any); empty (the default): no cross-origin reads.
   */
  corsOrigins: string[];
  /**
   * The intranet video platform's address of one camera's view (RISKMAP_CAMERA_URL_TEMPLATE,
   * with `{code}` for the camera's 20-digit GB/T 28181 code), or null: cameras are listed
   * beside an incident without a link.
   */
  cameraUrlTemplate: string | null;
  /**
   * The sample city's simulator (RISKMAP_SIMULATE): `auto` (unset, the default) runs it when
   * this database holds the sample city, `true` (1/true/on) whenever there are synthetic teams,
   * `false` (0/false/off) never.
   */
  simulate: boolean | 'auto';
  /** Simulated time runs this many times as fast as real time (RISKMAP_SIMULATE_SPEED, default 1). */
  simulateSpeed: number;
  /** New synthetic reports a simulated day (RISKMAP_SIMULATE_REPORTS_PER_DAY, default 48). */
  simulateReportsPerDay: number;
}

/** Coordinate system of a basemap's tiles: WGS84 (EPSG:4326 lon/lat) or China's GCJ-02. */
export type BasemapCrs = 'wgs84' | 'gcj02';

/**
 * The basemap, from the environment:
 * - nothing set: `{ kind: 'offline' }`, the offline GeoJSON basemap served under /api/basemap.
 * - RISKMAP_BASEMAP_URL: an intranet tile server. For `raster` (RISKMAP_BASEMAP_TYPE, the default)
 *   a tile URL template with {z}, {x} and {y}, e.g. `http://10.1.2.3/tiles/{z}/{x}/{y}.png`
 *   (256-px tiles). For `vector` either a MapLibre style JSON URL, or an MVT template with {z}{x}{y}
 *   together with RISKMAP_BASEMAP_STYLE, the path of a style JSON on this server whose vector
 *   sources without `tiles`/`url` get the template.
 * - RISKMAP_BASEMAP_CRS: `wgs84` (default) or `gcj02` (AMap-style tiles; the web app then draws the
 *   data shifted WGS84 → GCJ-02 and turns picked positions back; storage is never shifted).
 * - RISKMAP_BASEMAP_ATTRIBUTION: shown in the map's attribution; none when unset.
 * - RISKMAP_BASEMAP_MAXZOOM: deepest zoom the server has tiles for (default 18; MapLibre
 *   over-zooms beyond it).
 * A URL is absolute http(s) or a path on this origin starting with `/`.
 */
export type BasemapConfig =
  | { kind: 'offline' }
  | {
      kind: 'raster' | 'vector';
      /** Tile template ({z}/{x}/{y}) or, for vector without a template, the style JSON URL. */
      url: string;
      crs: BasemapCrs;
      attribution: string | null;
      /** Deepest zoom of the tiles (web-mercator zoom, 0…24). */
      maxzoom: number;
      /** Vector MVT template only: the style read from RISKMAP_BASEMAP_STYLE; null otherwise. */
      style: Record<string, unknown> | null;
    };

/** True when a URL is a tile template: it holds {z}, {x} and {y}. */
export function isTileTemplate(url: string): boolean {
  return url.includes('{z}') && url.includes('{x}') && url.includes('{y}');
}

/**
 * Reads and checks the RISKMAP_BASEMAP_* settings; throws with a message naming the variable
 * when one is wrong, so the process refuses to start instead of drawing a broken map.
 */
export function loadBasemapConfig(env: NodeJS.ProcessEnv = process.env): BasemapConfig {
  const url = env.RISKMAP_BASEMAP_URL?.trim();
  const others = ['TYPE', 'CRS', 'ATTRIBUTION', 'MAXZOOM', 'STYLE'].filter(
    (k) => env[`RISKMAP_BASEMAP_${k}`],
  );
  if (!url) {
    if (others.length > 0)
      throw new Error(
        `RISKMAP_BASEMAP_${others[0]} is set but RISKMAP_BASEMAP_URL is not: set the tile server's URL, or unset the RISKMAP_BASEMAP_* variables for the offline basemap`,
      );
    return { kind: 'offline' };
  }
  const type = env.RISKMAP_BASEMAP_TYPE || 'raster';
  if (type !== 'raster' && type !== 'vector')
    throw new Error(`RISKMAP_BASEMAP_TYPE must be 'raster' or 'vector', got '${type}'`);
  const crs = env.RISKMAP_BASEMAP_CRS || 'wgs84';
  if (crs !== 'wgs84' && crs !== 'gcj02')
    throw new Error(`RISKMAP_BASEMAP_CRS must be 'wgs84' or 'gcj02', got '${crs}'`);
  checkUrl(url);
  const template = isTileTemplate(url);
  if (type === 'raster' && !template)
    throw new Error(
      `RISKMAP_BASEMAP_URL must be a tile template with {z}, {x} and {y} for a raster basemap, e.g. http://10.1.2.3/tiles/{z}/{x}/{y}.png; got '${url}'`,
    );
  const maxzoom = env.RISKMAP_BASEMAP_MAXZOOM ? Number(env.RISKMAP_BASEMAP_MAXZOOM) : 18;
  if (!Number.isInteger(maxzoom) || maxzoom < 0 || maxzoom > 24)
    throw new Error(`RISKMAP_BASEMAP_MAXZOOM must be an integer 0–24, got ${env.RISKMAP_BASEMAP_MAXZOOM}`);
  let style: Record<string, unknown> | null = null;
  const stylePath = env.RISKMAP_BASEMAP_STYLE;
  if (type === 'vector' && template) {
    if (!stylePath)
      throw new Error(
        'RISKMAP_BASEMAP_STYLE must name a style JSON file on this server when RISKMAP_BASEMAP_URL is a vector tile template (the tiles alone say nothing about how to draw them)',
      );
    style = readStyle(stylePath);
  } else if (stylePath) {
    throw new Error(
      'RISKMAP_BASEMAP_STYLE is only used with RISKMAP_BASEMAP_TYPE=vector and an MVT tile template',
    );
  }
  return {
    kind: type,
    url,
    crs,
    attribution: env.RISKMAP_BASEMAP_ATTRIBUTION?.trim() || null,
    maxzoom,
    style,
  };
}

function checkUrl(url: string): void {
  if (url.startsWith('/') && !url.startsWith('//')) return;
  let parsed: URL;
  try {
    parsed = new URL(url.replaceAll(/\{[a-z]+\}/g, '0'));
  } catch (e) {
    throw new Error(`RISKMAP_BASEMAP_URL is not a URL: '${url}'`, { cause: e });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`RISKMAP_BASEMAP_URL must be http(s) or a path starting with /, got '${url}'`);
}

function readStyle(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (e) {
    throw new Error(
      `RISKMAP_BASEMAP_STYLE: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
      },
    );
  }
  let style: unknown;
  try {
    style = JSON.parse(text);
  } catch (e) {
    throw new Error(`RISKMAP_BASEMAP_STYLE: ${file} is not JSON`, { cause: e });
  }
  const s = style as { version?: unknown; sources?: unknown; layers?: unknown };
  if (
    typeof style !== 'object' ||
    style === null ||
    s.version !== 8 ||
    typeof s.sources !== 'object' ||
    !Array.isArray(s.layers)
  )
    throw new Error(
      `RISKMAP_BASEMAP_STYLE: ${file} is not a MapLibre style (version 8 with sources and layers)`,
    );
  return style as Record<string, unknown>;
}

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** Reads the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0–65535, got ${env.PORT}`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    trustProxy: parseTrustProxy(env.RISKMAP_TRUST_PROXY),
    screenFrameAncestors: parseFrameAncestors(env.RISKMAP_SCREEN_FRAME_ANCESTORS),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.RISKMAP_DATA_DIR ?? path.join(PROJECT_ROOT, 'data')),
    webDir: path.resolve(env.RISKMAP_WEB_DIR ?? path.join(PROJECT_ROOT, 'dist/web')),
    seed: env.RISKMAP_SEED !== '0',
    logLevel: env.LOG_LEVEL ?? 'info',
    logFormat: parseLogFormat(env.LOG_FORMAT),
    adminPassword: env.RISKMAP_ADMIN_PASSWORD || undefined,
    demoPassword: env.RISKMAP_DEMO_PASSWORD || undefined,
    fixMaxAgeS: positiveNumber(env, 'RISKMAP_FIX_MAX_AGE_S', 900),
    serviceAreaMarginM: positiveNumber(env, 'RISKMAP_SERVICE_AREA_MARGIN_M', 10_000),
    liveMaxReplay: positiveNumber(env, 'RISKMAP_LIVE_MAX_REPLAY', 10_000),
    basemap: loadBasemapConfig(env),
    importMaxBytes: positiveNumber(env, 'RISKMAP_IMPORT_MAX_BYTES', 2 * 1024 ** 3),
    importMaxExpandedBytes: positiveNumber(env, 'RISKMAP_IMPORT_MAX_EXPANDED_BYTES', 4 * 1024 ** 3),
    datumParams: {
      xian1980: datumShift(env, 'RISKMAP_DATUM_PARAMS_XIAN1980'),
      beijing1954: datumShift(env, 'RISKMAP_DATUM_PARAMS_BEIJING1954'),
    },
    corsOrigins: parseCorsOrigins(env.RISKMAP_CORS_ORIGINS),
    cameraUrlTemplate: parseCameraUrlTemplate(env.RISKMAP_CAMERA_URL_TEMPLATE),
    simulate: parseSimulate(env.RISKMAP_SIMULATE),
    simulateSpeed: positiveNumber(env, 'RISKMAP_SIMULATE_SPEED', 1),
    simulateReportsPerDay: positiveNumber(env, 'RISKMAP_SIMULATE_REPORTS_PER_DAY', 48),
  };
}

/** RISKMAP_CAMERA_URL_TEMPLATE: an http(s) address with `{code}` in it, or unset. */
function parseCameraUrlTemplate(raw: string | undefined): string | null {
  if (!raw) return null;
  if (!/^https?:\/\/[^\s]+$/.test(raw) || !raw.includes('{code}')) {
    throw new Error(
      `RISKMAP_CAMERA_URL_TEMPLATE must be an http(s) address with {code} in it, such as http://video.intranet/view?camera={code}; got '${raw}'`,
    );
  }
  return raw;
}

function parseSimulate(raw: string | undefined): boolean | 'auto' {
  const v = raw?.trim().toLowerCase();
  if (!v || v === 'auto') return 'auto';
  if (['1', 'true', 'on', 'yes'].includes(v)) return true;
  if (['0', 'false', 'off', 'no'].includes(v)) return false;
  throw new Error(`RISKMAP_SIMULATE must be 1/true/on, 0/false/off or auto, got '${raw}'`);
}

function parseLogFormat(raw: string | undefined): 'pretty' | 'json' | undefined {
  const v = raw?.trim().toLowerCase();
  if (!v) return undefined;
  if (v === 'pretty' || v === 'json') return v;
  throw new Error(`LOG_FORMAT must be 'pretty' or 'json', got '${raw}'`);
}

/** A 7-parameter datum shift `dx,dy,dz,rx,ry,rz,ds` (3 parameters allowed: a translation only). */
function datumShift(env: NodeJS.ProcessEnv, name: string): number[] | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if ((values.length !== 3 && values.length !== 7) || values.some((v) => !Number.isFinite(v)))
    throw new Error(
      `${name} must be 7 numbers dx,dy,dz,rx,ry,rz,ds (metres, arc-seconds, ppm) or 3 (dx,dy,dz), got '${raw}'`,
    );
  return values;
}

/** An origin as browsers send it: scheme, host and an optional port, nothing after. */
const ORIGIN = /^https?:\/\/(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** RISKMAP_CORS_ORIGINS: origins (`https://gis.example.org:8443`) separated by spaces or commas, or `*`. */
export function parseCorsOrigins(raw: string | undefined): string[] {
  const list = (raw ?? '').split(/[\s,]+/).filter(Boolean);
  if (list.includes('*')) {
    if (list.length > 1) throw new Error(`RISKMAP_CORS_ORIGINS: '*' (any origin) stands alone, got '${raw}'`);
    return ['*'];
  }
  for (const origin of list) {
    if (!ORIGIN.test(origin))
      throw new Error(
        `RISKMAP_CORS_ORIGINS must list origins such as https://gis.example.org:8443 (no path), separated by spaces or commas, or be *; got '${origin}'`,
      );
  }
  return list;
}

/** RISKMAP_TRUST_PROXY: `1`/`true`, `0`/`false`/unset, or comma-separated addresses and subnets. */
export function parseTrustProxy(raw: string | undefined): boolean | string[] {
  const v = raw?.trim().toLowerCase() ?? '';
  if (v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  // Fastify takes a hop count too, but then never believes X-Forwarded-Proto/-Host (the peer
  // itself is not checked): the cookie would silently lose Secure. Name the proxies instead.
  if (/^\d+$/.test(v))
    throw new Error(
      `RISKMAP_TRUST_PROXY must be 1/true, 0/false or the proxies' addresses (e.g. 127.0.0.1,10.0.0.0/8 or loopback), got '${raw}'`,
    );
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A frame-ancestors source: an http(s) origin (a `*.` wildcard host and a `:*` port allowed) or
 * 'self'. Anything else is refused, so the setting cannot add other directives to the policy.
 */
const FRAME_ANCESTOR =
  /^(?:'self'|https?:\/\/(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::(?:\d{1,5}|\*))?)$/;

/** RISKMAP_SCREEN_FRAME_ANCESTORS: space-separated origins that may frame /screen. */
export function parseFrameAncestors(raw: string | undefined): string[] {
  const list = (raw ?? '').split(/\s+/).filter(Boolean);
  for (const origin of list) {
    if (!FRAME_ANCESTOR.test(origin))
      throw new Error(
        `RISKMAP_SCREEN_FRAME_ANCESTORS must list origins such as https://wall.example.org:8443, separated by spaces; got '${origin}'`,
      );
  }
  return list;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return v;
}
