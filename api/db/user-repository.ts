import type { Role } from '../auth/permissions.ts';
import { OutOfScopeError, scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';

/** A user as the API shows it: never the password hash. */
export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  home_area_code: string;
  home_area_name: string | null;
  disabled: boolean;
  locked_until: Date | null;
  created_at: Date;
  grants: string[];
}

/** What sign-in needs: includes the hash and the failure counters. */
export interface UserCredentialsRow {
  id: number;
  username: string;
  password_hash: string;
  disabled: boolean;
  failed_attempts: number;
  locked_until: Date | null;
}

const USER_COLUMNS = `u.id, u.username, u.display_name, u.role, u.home_area_code,
  (SELECT name FROM areas a WHERE a.code = u.home_area_code AND a.valid_to IS NULL) AS home_area_name,
  u.disabled, u.locked_until, u.created_at,
  ARRAY(SELECT g.area_code FROM area_grants g WHERE g.user_id = u.id AND (g.expires_at IS NULL OR g.expires_at > now()) ORDER BY g.area_code) AS grants`;

/** Credentials of a user by username, for sign-in; null when there is no such user. */
export async function findCredentials(db: Queryable, username: string): Promise<UserCredentialsRow | null> {
  const r = await db.query<UserCredentialsRow>(
    'SELECT id, username, password_hash, disabled, failed_attempts, locked_until FROM users WHERE username = $1',
    [username],
  );
  return r.rows[0] ?? null;
}

/** Password hash of a user by id; null when there is none. */
export async function getPasswordHash(db: Queryable, id: number): Promise<string | null> {
  const r = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id]);
  return r.rows[0]?.password_hash ?? null;
}

/**
 * Counts a failed sign-in; locks the account for `lockMinutes` once `maxFailures`
 * is reached. Returns the new count and lock time.
 */
export async function recordLoginFailure(
  db: Queryable,
  id: number,
  maxFailures: number,
  lockMinutes: number,
): Promise<{ failed_attempts: number; locked_until: Date | null }> {
  const r = await db.query<{ failed_attempts: number; locked_until: Date | null }>(
    `UPDATE users SET failed_attempts = failed_attempts + 1,
       locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
     WHERE id = $1 RETURNING failed_attempts, locked_until`,
    [id, maxFailures, lockMinutes],
  );
  return r.rows[0] ?? { failed_attempts: 0, locked_until: null };
}

/** Clears the failure count after a successful sign-in. */
export async function recordLoginSuccess(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1', [id]);
}

/** One user inside the scope; null when none has this id; OutOfScopeError when it is someone else's area. */
export async function getUser(db: Queryable, scope: Scope, id: number): Promise<UserRow | null> {
  const r = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  const row = r.rows[0];
  if (!row) return null;
  if (!scopeCovers(scope, row.home_area_code)) throw new OutOfScopeError(`user ${id}`);
  return row;
}

/** Users whose home area lies inside the scope, by username. */
export async function listUsers(db: Queryable, scope: Scope): Promise<UserRow[]> {
  const params: unknown[] = [];
  const r = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users u WHERE ${scopeSql(scope, 'u.home_area_code', params)} ORDER BY u.username`,
    params,
  );
  return r.rows;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  homeAreaCode: string;
  passwordHash: string;
}

/** Whether a current area has this code. */
export async function areaExists(db: Queryable, code: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM areas WHERE code = $1 AND valid_to IS NULL', [code]);
  return r.rowCount > 0;
}

/** Creates a user (home area inside the scope), with its audit record; null when the username is taken. */
export async function createUser(
  db: Database,
  scope: Scope,
  u: NewUser,
  address?: string,
): Promise<UserRow | null> {
  if (!scopeCovers(scope, u.homeAreaCode)) throw new OutOfScopeError(`area ${u.homeAreaCode}`);
  return db.transaction(async (tx) => {
    const r = await tx.query<{ id: number }>(
      `INSERT INTO users (username, display_name, role, home_area_code, password_hash)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id`,
      [u.username, u.displayName, u.role, u.homeAreaCode, u.passwordHash],
    );
    const id = r.rows[0]?.id;
    if (id === undefined) return null;
    const row = (await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]))
      .rows[0]!;
    await recordAudit(tx, scope, {
      action: 'user.create',
      targetType: 'user',
      targetId: String(id),
      after: { username: u.username, role: u.role, homeAreaCode: u.homeAreaCode },
      address,
    });
    return row;
  });
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  homeAreaCode?: string;
  disabled?: boolean;
  passwordHash?: string;
  /** Replaces the explicit cross-area grants. */
  grants?: string[];
}

/** Changes a user inside the scope, with its audit record; null when there is no such user. */
export async function updateUser(
  db: Database,
  scope: Scope,
  id: number,
  p: UserPatch,
  address?: string,
): Promise<UserRow | null> {
  if (p.homeAreaCode && !scopeCovers(scope, p.homeAreaCode))
    throw new OutOfScopeError(`area ${p.homeAreaCode}`);
  for (const g of p.grants ?? []) if (!scopeCovers(scope, g)) throw new OutOfScopeError(`area ${g}`);
  return db.transaction(async (tx) => {
    const before = await getUser(tx, scope, id);
    if (!before) return null;
    await tx.query(
      `UPDATE users SET
         display_name = coalesce($2, display_name),
         role = coalesce($3, role),
         home_area_code = coalesce($4, home_area_code),
         disabled = coalesce($5, disabled),
         password_hash = coalesce($6, password_hash),
         password_changed_at = CASE WHEN $6::text IS NULL THEN password_changed_at ELSE now() END,
         failed_attempts = CASE WHEN $6::text IS NULL THEN failed_attempts ELSE 0 END,
         locked_until = CASE WHEN $6::text IS NULL THEN locked_until ELSE NULL END
       WHERE id = $1`,
      [
        id,
        p.displayName ?? null,
        p.role ?? null,
        p.homeAreaCode ?? null,
        p.disabled ?? null,
        p.passwordHash ?? null,
      ],
    );
    if (p.grants) {
      await tx.query('DELETE FROM area_grants WHERE user_id = $1', [id]);
      await tx.query(
        'INSERT INTO area_grants (user_id, area_code, granted_by) SELECT $1, unnest($2::text[]), $3',
        [id, p.grants, scope.id],
      );
    }
    // A disabled account or a new password ends the sessions it had.
    if (p.disabled || p.passwordHash) await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    const after = (await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]))
      .rows[0]!;
    const summary = (u: UserRow) => ({
      displayName: u.display_name,
      role: u.role,
      homeAreaCode: u.home_area_code,
      disabled: u.disabled,
      grants: u.grants,
    });
    await recordAudit(tx, scope, {
      action: p.passwordHash ? 'user.update+password' : 'user.update',
      targetType: 'user',
      targetId: String(id),
      before: summary(before),
      after: summary(after),
      address,
    });
    return after;
  });
}

/** Sets one's own password (the caller has verified the current one) and ends the other sessions. */
export async function changeOwnPassword(
  db: Database,
  scope: Scope,
  passwordHash: string,
  keepSessionHash: string | null,
  address?: string,
): Promise<void> {
  if (scope.kind !== 'user' || scope.id === null) throw new Error('only a signed-in user has a password');
  await db.transaction(async (tx) => {
    await tx.query('UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1', [
      scope.id,
      passwordHash,
    ]);
    await tx.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2', [
      scope.id,
      keepSessionHash,
    ]);
    await recordAudit(tx, scope, {
      action: 'user.password',
      targetType: 'user',
      targetId: String(scope.id),
      address,
    });
  });
}

/** Number of users (to know whether the first admin must be created). */
export async function countUsers(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return r.rows[0]?.n ?? 0;
}

/** Creates a user without scope checks or audit attribution to a person (start-up). */
export async function insertSystemUser(db: Queryable, u: NewUser): Promise<void> {
  await db.query(
    `INSERT INTO users (username, display_name, role, home_area_code, password_hash)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING`,
    [u.username, u.displayName, u.role, u.homeAreaCode, u.passwordHash],
  );
}
