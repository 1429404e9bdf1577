import { isCityWide, scopeSql, type Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  address?: string | null;
  /**
   * The area the target lies in. Usually left out: the database looks it up from the
   * target (audit_log_area_of, migration 0020); give it where the target is not yet visible.
   */
  areaCode?: string | null;
}

/**
 * Appends one audit record for a write done by `scope`. Call it inside the same
 * transaction as the write, so there is never a write without its record.
 */
export async function recordAudit(q: Queryable, scope: Scope, e: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (actor_id, actor_name, actor_kind, action, target_type, target_id, before, after, address,
                            area_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
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
      e.areaCode ?? null,
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

/**
 * Audit records, newest first, for principals who manage users (checked by the caller's
 * permission). A city-wide admin sees everything. Anyone else sees only the records whose
 * target lies in their area (their users, incidents, teams, grids and imports, and their
 * users' sign-ins), without API-key events and without client addresses.
 */
export async function listAudit(db: Queryable, scope: Scope, f: AuditFilter): Promise<AuditRow[]> {
  const cityWide = isCityWide(scope);
  const params: unknown[] = [
    f.actor ?? null,
    f.action ?? null,
    f.targetType ?? null,
    f.targetId ?? null,
    f.from ?? null,
    f.to ?? null,
    f.beforeId ?? null,
    f.limit,
  ];
  const scoped = cityWide
    ? 'TRUE'
    : `${scopeSql(scope, 'area_code', params)} AND target_type <> 'api_key' AND action NOT LIKE 'api_key.%'`;
  const r = await db.query<AuditRow>(
    `SELECT id, at, actor_name, actor_kind, action, target_type, target_id, before, after,
            ${cityWide ? 'address' : 'NULL::text AS address'}
     FROM audit_log
     WHERE ($1::text IS NULL OR actor_name = $1)
       AND ($2::text IS NULL OR action = $2)
       AND ($3::text IS NULL OR target_type = $3)
       AND ($4::text IS NULL OR target_id = $4)
       AND ($5::timestamptz IS NULL OR at >= $5)
       AND ($6::timestamptz IS NULL OR at < $6)
       AND ($7::bigint IS NULL OR id < $7)
       AND ${scoped}
     ORDER BY id DESC
     LIMIT $8`,
    params,
  );
  return r.rows;
}
