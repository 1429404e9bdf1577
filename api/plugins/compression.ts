import fastifyCompress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Answers worth compressing: JSON of every kind (GeoJSON, OpenAPI, TileJSON), XML (Open311),
 * text, and Mapbox vector tiles, which are uncompressed protobuf here.
 */
const COMPRESSIBLE =
  /^(?:text\/(?!event-stream)|application\/(?:[\w.+-]*\+)?(?:json|xml)(?:;|$)|application\/vnd\.mapbox-vector-tile)/;

/** The suffix an ETag gets per content coding, so each encoded representation has its own tag. */
const CODINGS = ['br', 'gzip'] as const;
const SUFFIXED = /-(?:br|gzip)"$/;

/** An entity tag with the coding's suffix inside its quotes: `"abc"` → `"abc-gzip"`, weak kept weak. */
export function etagForCoding(etag: string, coding: string): string {
  return etag.endsWith('"') && !SUFFIXED.test(etag) ? `${etag.slice(0, -1)}-${coding}"` : etag;
}

/** The tags of an If-None-Match with our coding suffixes taken off (what the handlers compare). */
export function stripCodingSuffixes(ifNoneMatch: string): string {
  return ifNoneMatch.replace(/-(?:br|gzip)"/g, '"');
}

function addVary(reply: FastifyReply, field: string) {
  const vary = String(reply.getHeader('vary') ?? '');
  if (!vary.split(/\s*,\s*/).some((v) => v.toLowerCase() === field.toLowerCase() || v === '*')) {
    reply.header('vary', vary ? `${vary}, ${field}` : field);
  }
}

/**
 * Compression (gzip or brotli, as the client accepts) of JSON, XML and vector tiles, with
 * entity tags that stay valid: a compressed answer is another representation, so its ETag gets
 * the coding as a suffix (`"…-gzip"`); a conditional request's tags are read without it, so
 * handlers (tiles, static files) compare against their own tags and answer 304 whichever coding
 * the client had, and that 304 repeats the tag the client holds.
 */
export const compressionPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifyCompress, {
      global: true,
      // uploads (imports) are taken as sent: no decompression of request bodies
      globalDecompression: false,
      encodings: [...CODINGS],
      customTypes: COMPRESSIBLE,
      threshold: 1024,
    });

    app.addHook('onRequest', async (req: FastifyRequest) => {
      const inm = req.headers['if-none-match'];
      if (typeof inm === 'string' && /-(?:br|gzip)"/.test(inm)) {
        (req as FastifyRequest & { clientEtags?: string }).clientEtags = inm;
        req.headers['if-none-match'] = stripCodingSuffixes(inm);
      }
    });

    // after the compression hook of each route (route hooks run in the order they were added)
    app.addHook('onRoute', (route: RouteOptions) => {
      const hook = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        const etag = reply.getHeader('etag');
        if (typeof etag !== 'string') return payload;
        addVary(reply, 'Accept-Encoding');
        const coding = reply.getHeader('content-encoding');
        if (typeof coding === 'string' && (CODINGS as readonly string[]).includes(coding)) {
          reply.header('etag', etagForCoding(etag, coding));
        } else if (reply.statusCode === 304) {
          // the 304 confirms the representation the client holds: repeat its tag
          const held = (req as FastifyRequest & { clientEtags?: string }).clientEtags
            ?.split(',')
            .map((t) => t.trim())
            .find((t) => stripCodingSuffixes(t) === etag);
          if (held) reply.header('etag', held);
        }
        return payload;
      };
      route.onSend = [
        ...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : []),
        hook,
      ];
    });
  },
  { name: 'compression' },
);
