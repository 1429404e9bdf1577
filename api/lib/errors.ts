import type { ErrorCode, NotFoundKind } from './error-codes.ts';

/**
 * Typed domain errors: what was refused, with a stable `code` (one of ERROR_CODES) and its
 * parameters, so that the one error handler (api/plugins/error-handler.ts) maps it to HTTP and
 * the web app can say it in the user's language. `message` stays the English sentence for logs
 * and clients that read no codes: it names what was attempted on what.
 */
export type ErrorParams = Record<string, string | number | boolean | null>;

/** The statuses a refusal may answer with. */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 423 | 429;

export class DomainError extends Error {
  /**
   * Further members of the answer's body beside `params`, for clients that act on them
   * (a plan's conflicts, one per planned dispatch).
   */
  readonly details: Readonly<Record<string, unknown>> = {};

  constructor(
    readonly statusCode: RefusalStatus,
    readonly code: ErrorCode,
    message: string,
    readonly params: ErrorParams = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

const NAMES: Partial<Record<NotFoundKind, string>> = { api_key: 'API key', risk_source: 'risk source' };

/**
 * Something that does not exist — or exists outside the caller's area, which answers the
 * same (status, body shape and wording), so that an id or a key reveals nothing about
 * things the caller may not see. Code `<what>_not_found`, params `{id}`.
 */
export class NotFoundError extends DomainError {
  constructor(what: NotFoundKind, id: string | number) {
    super(404, `${what}_not_found`, `no ${NAMES[what] ?? what.replaceAll('_', ' ')} ${id}`, {
      id: String(id),
    });
  }
}

/** The target exists but lies outside the caller's area (where saying so reveals nothing). */
export class OutOfScopeError extends DomainError {
  constructor(what: string) {
    super(403, 'out_of_scope', `${what} lies outside your area`, { what });
  }
}
