import type { Permission, Role } from '../auth/permissions.ts';
import type { Queryable } from './database.ts';

/** The principal behind a live session or API key. */
export interface PrincipalRow {
  id: number;
  name: string;
  display_name: string;
  role: Role | null;
  area_code: string;
  grants: string[];
  csrf_token: string | null;
  /** API keys only: the permissions the key carries. */
  permissions: Permission[] | null;
}

/** Opens a session for a user; the token itself is never stored, only its hash. */
export async function createSession(
  db: Queryable,
  userId: number,
  tokenHash: string,
  csrfToken: string,
  ttlHours: number,
  address: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, address)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5)`,
    [tokenHash, userId, csrfToken, ttlHours, address],
  );
}

/**
 * The user behind a live session (not expired, user not disabled); null otherwise.
 * Sliding expiry: each use pushes the end `ttlHours` ahead (written at most once a minute).
 */
export async function findSessionPrincipal(
  db: Queryable,
  tokenHash: string,
  ttlHours: number,
): Promise<PrincipalRow | null> {
  const r = await db.query<PrincipalRow & { stale: boolean }>(
    `SELECT u.id, u.username AS name, u.display_name, u.role, u.home_area_code AS area_code,
            ARRAY(SELECT g.area_code FROM area_grants g WHERE g.user_id = u.id AND (g.expires_at IS NULL OR g.expires_at > now())) AS grants,
            s.csrf_token, NULL::text[] AS permissions,
            s.last_seen_at < now() - interval '1 minute' AS stale
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash],
  );
  const row = r.rows[0];
  if (!row) return null;
  if (row.stale) {
    await db.query(
      `UPDATE sessions SET last_seen_at = now(), expires_at = now() + make_interval(hours => $2) WHERE token_hash = $1`,
      [tokenHash, ttlHours],
    );
  }
  const { stale: _stale, ...principal } = row;
  return principal;
}

/** Ends one session. */
export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

/** The integration behind an API key that is not revoked; null otherwise. */
export async function findApiKeyPrincipal(db: Queryable, keyHash: string): Promise<PrincipalRow | null> {
  const r = await db.query<PrincipalRow>(
    `SELECT id, name, name AS display_name, NULL::text AS role, area_code, ARRAY[]::text[] AS grants,
            NULL::text AS csrf_token, permissions
     FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [keyHash],
  );
  return r.rows[0] ?? null;
}
