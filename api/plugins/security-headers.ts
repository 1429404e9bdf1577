import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { BasemapConfig } from '../config.ts';
import { publicHost } from '../lib/public-url.ts';

export interface SecurityHeadersOptions {
  /** The basemap the web app draws: a tile server elsewhere is allowed to be fetched from. */
  basemap: BasemapConfig;
  /** Origins allowed to frame /screen (a video-wall controller); empty: no page may be framed. */
  screenFrameAncestors: readonly string[];
}

type HelmetOptions = NonNullable<Parameters<FastifyReply['helmet']>[0]>;
type Directives = Record<string, string[]>;

/** The origin of an absolute http(s) URL (a tile template's placeholders aside); null otherwise. */
function originOf(url: unknown): string | null {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  try {
    return new URL(url.replaceAll(/\{[a-z]+\}/g, '0')).origin;
  } catch {
    return null;
  }
}

/** The parts of a MapLibre style that name other servers. */
interface StyleReferences {
  glyphs?: unknown;
  sprite?: unknown;
  sources?: Record<string, { url?: unknown; tiles?: unknown }>;
}

/**
 * Where the basemap comes from when it is not on this origin: the tile server, and for a vector
 * style kept on this server the glyphs, sprites and sources it names.
 */
export function basemapOrigins(basemap: BasemapConfig): string[] {
  if (basemap.kind === 'offline') return [];
  const style = (basemap.style ?? {}) as StyleReferences;
  // a sprite is a URL or a list of {id, url}
  const sprites = [style.sprite]
    .flat()
    .map((s) => (typeof s === 'object' && s !== null ? (s as { url?: unknown }).url : s));
  const sources = Object.values(style.sources ?? {}).flatMap((s) => [
    s.url,
    ...(Array.isArray(s.tiles) ? (s.tiles as unknown[]) : []),
  ]);
  const origins = [basemap.url, style.glyphs, ...sprites, ...sources].map(originOf);
  return [...new Set(origins.filter((o): o is string => o !== null))];
}

/** What varies between answers' policies. */
export interface PolicyParts {
  /** Origins of the basemap's tile server, allowed for images and fetches. */
  basemap: readonly string[];
  /** The host the client used, for the live WebSocket. */
  websocketHost: string;
  /** Who may frame the page; empty: nobody. */
  frameAncestors: readonly string[];
  /** The API documentation's Swagger UI adds a <style> element from its script. */
  inlineStyles: boolean;
}

/**
 * The Content-Security-Policy of every answer: everything from this origin only, except what the
 * web app needs beyond that (MapLibre's workers started from blob: URLs, images and fonts from
 * data:/blob: URLs, the live WebSocket) and the basemap's tile server.
 */
export function contentSecurityPolicy(p: PolicyParts): Directives {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", ...(p.inlineStyles ? ["'unsafe-inline'"] : [])],
    'img-src': ["'self'", 'data:', 'blob:', ...p.basemap],
    'font-src': ["'self'", 'data:'],
    // 'self' covers ws(s): of the same host in current browsers; older ones need it spelt out
    'connect-src': ["'self'", `ws://${p.websocketHost}`, `wss://${p.websocketHost}`, ...p.basemap],
    'worker-src': ["'self'", 'blob:'],
    // browsers without worker-src take workers' sources from child-src
    'child-src': ["'self'", 'blob:'],
    'form-action': ["'self'"],
    'frame-ancestors': p.frameAncestors.length > 0 ? [...p.frameAncestors] : ["'none'"],
  };
}

/** The command-centre screen, the one page a video-wall controller may show in a frame. */
const SCREEN = /^\/screen\/?(?:[?#]|$)/;
/** The API documentation (Swagger UI), whose page styles itself with an inline <style>. */
const DOCS = /^\/api\/docs(?:[/?#]|$)/;

/**
 * Security headers on every answer (helmet): the Content-Security-Policy above, nosniff,
 * Referrer-Policy no-referrer, X-Frame-Options DENY (no page may be framed, so clickjacking
 * has nothing to work with) — except /screen when RISKMAP_SCREEN_FRAME_ANCESTORS names the
 * controllers that may frame it. The API documentation may also use inline styles (never
 * inline scripts).
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance, opts: SecurityHeadersOptions) => {
    const basemap = basemapOrigins(opts.basemap);
    await app.register(fastifyHelmet, {
      // applied per request below: the policy names the host the client used
      global: false,
      contentSecurityPolicy: false,
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      // Browsers heed this over HTTPS only. Neighbouring intranet names may still be plain
      // HTTP: pin this host, not its subdomains.
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    });
    app.addHook('onRequest', async (req, reply) => {
      const framed = opts.screenFrameAncestors.length > 0 && SCREEN.test(req.url);
      const options: HelmetOptions = {
        contentSecurityPolicy: {
          useDefaults: false,
          directives: contentSecurityPolicy({
            basemap,
            websocketHost: publicHost(req),
            frameAncestors: framed ? opts.screenFrameAncestors : [],
            inlineStyles: DOCS.test(req.url),
          }),
        },
        ...(framed ? { xFrameOptions: false } : {}),
      };
      reply.helmet(options);
    });
  },
  { name: 'security-headers' },
);
