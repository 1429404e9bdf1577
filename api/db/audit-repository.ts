import type { Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  address?: string | null;
}

/**
 * Appends one audit record for a write done by `scope`. Call it inside the same
 * transaction as the write, so there is never a write without its record.
 */
export async function recordAudit(q: Queryable, scope: Scope, e: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (actor_id, actor_name, actor_kind, action, target_type, target_id, before, after, address)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      scope.id,
      scope.name,
      scope.kind,
      e.action,
      e.targetType,
      e.targetId ?? null,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.address ?? null,
    ],
  );
}

/** Records an event with no signed-in actor (a failed sign-in). */
export async function recordAnonymousAudit(q: Queryable, name: string, e: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (actor_name, actor_kind, action, target_type, target_id, after, address)
     VALUES ($1, 'anonymous', $2, $3, $4, $5, $6)`,
    [
      name,
      e.action,
      e.targetType,
      e.targetId ?? null,
      e.after === undefined ? null : JSON.stringify(e.after),
      e.address ?? null,
    ],
  );
}

export interface AuditRow {
  id: number;
  at: Date;
  actor_name: string;
  actor_kind: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  address: string | null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  /** Return records with id below this (paging backwards). */
  beforeId?: number;
  limit: number;
}

/** Audit records, newest first. Only for principals who manage users (checked by the caller's permission). */
export async function listAudit(db: Queryable, _scope: Scope, f: AuditFilter): Promise<AuditRow[]> {
  const r = await db.query<AuditRow>(
    `SELECT id, at, actor_name, actor_kind, action, target_type, target_id, before, after, address
     FROM audit_log
     WHERE ($1::text IS NULL OR actor_name = $1)
       AND ($2::text IS NULL OR action = $2)
       AND ($3::text IS NULL OR target_type = $3)
       AND ($4::text IS NULL OR target_id = $4)
       AND ($5::timestamptz IS NULL OR at >= $5)
       AND ($6::timestamptz IS NULL OR at < $6)
       AND ($7::bigint IS NULL OR id < $7)
     ORDER BY id DESC
     LIMIT $8`,
    [
      f.actor ?? null,
      f.action ?? null,
      f.targetType ?? null,
      f.targetId ?? null,
      f.from ?? null,
      f.to ?? null,
      f.beforeId ?? null,
      f.limit,
    ],
  );
  return r.rows;
}
