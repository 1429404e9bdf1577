/** The parts of a request that say how the client reached it (Fastify's request has them). */
export interface RequestOrigin {
  protocol: string;
  host: string;
}

/** A URL authority: a name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const AUTHORITY = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The base URL (`scheme://host[:port]`, no trailing slash) under which the client reached this
 * request, for the absolute links the API writes (OGC API, TileJSON).
 *
 * Fastify's `protocol` and `host` read X-Forwarded-Proto and X-Forwarded-Host only when the
 * `trustProxy` setting trusts the peer that sent them, and the connection and Host header
 * otherwise, so forwarded headers from anyone else are never believed. The Host header is still
 * the client's to write: one that is not a plain host[:port] gives `localhost` instead of being
 * copied into links and headers.
 */
export function publicBaseUrl(req: RequestOrigin): string {
  return `${req.protocol === 'https' ? 'https' : 'http'}://${publicHost(req)}`;
}

/** The host[:port] part of `publicBaseUrl`. */
export function publicHost(req: RequestOrigin): string {
  return AUTHORITY.test(req.host) ? req.host : 'localhost';
}
