/**
 * The one database interface the platform uses. Two implementations: the embedded
 * PGlite + PostGIS engine (default) and a PostgreSQL/PostGIS server through `pg`.
 * Both speak the same SQL; repositories only ever see this interface.
 */

/** A result row set. `rowCount` is the number of rows returned or affected. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Keeps the statement prepared on each server connection under this name, so a hot
   * statement is parsed and planned once (the text must be the same on every call). The
   * embedded engine ignores it.
   */
  prepare?: string;
}

/** Something that runs SQL: the database itself, or one open transaction. */
export interface Queryable {
  /** One statement with `$n` parameters. */
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /** A script of several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk load CSV (with a header line) into `table (columns)` via COPY.
   * `file` is a path on this machine. Returns the number of rows loaded.
   */
  copyCsv(table: string, columns: readonly string[], file: string): Promise<number>;
}

export type Backend = 'embedded' | 'postgres';

export interface Database extends Queryable {
  readonly backend: Backend;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to NOTIFY on `channel`; resolves to an unsubscribe function. `onRelisten` is
   * called when the connection that listens was lost and listens again: notifications sent
   * in between are gone, so it must look up whatever they would have announced. (The
   * embedded engine's one connection is never lost.)
   */
  listen(
    channel: string,
    handler: (payload: string) => void,
    onRelisten?: () => void,
  ): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

/** Quotes an SQL identifier that has already been checked against an allow-list. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not an allowed identifier: ${name}`);
  return `"${name}"`;
}

/** The COPY statement both backends use; identifiers must come from allow-lists. */
export function copyStatement(table: string, columns: readonly string[], source: string): string {
  return `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM ${source} WITH (FORMAT csv, HEADER true)`;
}
