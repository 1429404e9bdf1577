import type { Permission } from '../auth/permissions.ts';
import { OutOfScopeError, scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';

export interface ApiKeyRow {
  id: number;
  name: string;
  key_prefix: string;
  permissions: Permission[];
  area_code: string;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, key_prefix, permissions, area_code, created_at, revoked_at';

/** API keys whose area lies inside the scope, newest first. */
export async function listApiKeys(db: Queryable, scope: Scope): Promise<ApiKeyRow[]> {
  const params: unknown[] = [];
  const r = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE ${scopeSql(scope, 'area_code', params)} ORDER BY id DESC`,
    params,
  );
  return r.rows;
}

/** Stores a new key (its hash only) with its audit record. */
export async function createApiKey(
  db: Database,
  scope: Scope,
  k: { name: string; keyHash: string; keyPrefix: string; permissions: Permission[]; areaCode: string },
  address?: string,
): Promise<ApiKeyRow> {
  if (!scopeCovers(scope, k.areaCode)) throw new OutOfScopeError(`area ${k.areaCode}`);
  return db.transaction(async (tx) => {
    const r = await tx.query<ApiKeyRow>(
      `INSERT INTO api_keys (name, key_hash, key_prefix, permissions, area_code, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [k.name, k.keyHash, k.keyPrefix, k.permissions, k.areaCode, scope.kind === 'user' ? scope.id : null],
    );
    const row = r.rows[0]!;
    await recordAudit(tx, scope, {
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: String(row.id),
      after: { name: k.name, permissions: k.permissions, areaCode: k.areaCode },
      address,
    });
    return row;
  });
}

/** Revokes a key inside the scope; null when there is no such key. */
export async function revokeApiKey(
  db: Database,
  scope: Scope,
  id: number,
  address?: string,
): Promise<ApiKeyRow | null> {
  return db.transaction(async (tx) => {
    const cur = await tx.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    const before = cur.rows[0];
    // outside the caller's area answers as missing: an id reveals nothing
    if (!before || !scopeCovers(scope, before.area_code)) return null;
    const r = await tx.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    await recordAudit(tx, scope, {
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: String(id),
      address,
    });
    return r.rows[0]!;
  });
}
