import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from './error-codes.ts';
import { open311ErrorXml, wantsOpen311Xml } from './open311-xml.ts';
import {
  OPENING_DATABASE,
  STARTING_RETRY_AFTER_S,
  startingPage,
  type StartingStep,
} from './starting-page.ts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Paths of the interfaces (JSON or XML clients), as opposed to the web app's pages. */
const INTERFACE = /^\/(?:api|ogc|open311)(?:\/|$)/;

/**
 * The HTTP server's request handler from the moment it listens: until `open` hands the
 * requests to the application, pages get the "starting…" page and the interfaces a 503
 * with Retry-After (`/api/health` says `starting`), so that a browser, a load balancer or
 * a client library all know to come back rather than that the server is down.
 */
export class StartupGate {
  private app: RequestHandler | null = null;
  private step: StartingStep = OPENING_DATABASE;
  private readonly since = performance.now();

  /** The server's 'request' listener. */
  readonly handle: RequestHandler = (req, res) => {
    if (this.app) this.app(req, res);
    else this.answerStarting(req, res);
  };

  /** Says what the start is doing now (on the page). */
  setStep(step: StartingStep): void {
    this.step = step;
  }

  /** From now on every request goes to `app`. */
  open(app: RequestHandler): void {
    this.app = app;
  }

  get isOpen(): boolean {
    return this.app !== null;
  }

  private answerStarting(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0] ?? '/';
    const headers: Record<string, string> = {
      'retry-after': String(STARTING_RETRY_AFTER_S),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    };
    const send = (type: string, body: string) => {
      res.writeHead(503, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const message = `the server is starting (${this.step.en.toLowerCase()}): try again in ${STARTING_RETRY_AFTER_S} s`;
    if (pathname === '/api/health') {
      return send('application/json; charset=utf-8', JSON.stringify({ status: 'starting' }));
    }
    if (/^\/open311(\/|$)/.test(pathname)) {
      // GeoReport v2 clients expect its own error list
      const errors = [{ code: 503, description: message }];
      return wantsOpen311Xml(url)
        ? send('application/xml; charset=utf-8', open311ErrorXml(errors))
        : send('application/json; charset=utf-8', JSON.stringify(errors));
    }
    const page = (req.method === 'GET' || req.method === 'HEAD') && !INTERFACE.test(pathname);
    if (page && (/\btext\/html\b/.test(req.headers.accept ?? '') || !/\.[a-z0-9]+$/i.test(pathname))) {
      // the page holds inline styles and nothing else: no script, no other origin
      headers['content-security-policy'] =
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
      headers['referrer-policy'] = 'no-referrer';
      return send(
        'text/html; charset=utf-8',
        startingPage(this.step, (performance.now() - this.since) / 1000),
      );
    }
    const code: ErrorCode = 'starting';
    send(
      'application/json; charset=utf-8',
      JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message, code }),
    );
  }
}
