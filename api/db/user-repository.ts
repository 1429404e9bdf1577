import type { Role } from '../auth/permissions.ts';
import { OutOfScopeError, scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import { DomainError } from '../lib/errors.ts';
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

/** What sign-in needs: includes the hash (failures are counted by name, in login_failures). */
export interface UserCredentialsRow {
  id: number;
  username: string;
  password_hash: string;
  disabled: boolean;
}

const USER_COLUMNS = `u.id, u.username, u.display_name, u.role, u.home_area_code,
  (SELECT name FROM areas a WHERE a.code = u.home_area_code AND a.valid_to IS NULL) AS home_area_name,
  u.disabled, u.locked_until, u.created_at,
  ARRAY(SELECT g.area_code FROM area_grants g WHERE g.user_id = u.id AND (g.expires_at IS NULL OR g.expires_at > now()) ORDER BY g.area_code) AS grants`;

/** Credentials of a user by username, for sign-in; null when there is no such user. */
export async function findCredentials(db: Queryable, username: string): Promise<UserCredentialsRow | null> {
  const r = await db.query<UserCredentialsRow>(
    'SELECT id, username, password_hash, disabled FROM users WHERE username = $1',
    [username],
  );
  return r.rows[0] ?? null;
}

/** Password hash of a user by id; null when there is none. */
export async function getPasswordHash(db: Queryable, id: number): Promise<string | null> {
  const r = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id]);
  return r.rows[0]?.password_hash ?? null;
}

/** When failed sign-ins lock a name, and how long a failure is remembered. */
export interface LoginFailureLimits {
  /** Failures in a row that lock the name. */
  maxFailures: number;
  /** How long a lock lasts. */
  lockMinutes: number;
  /** A name without failures for this long starts counting afresh (and its row is pruned). */
  forgetHours: number;
}

// The failures that count for a name: recent ones, and for an account only those since its
// password last changed, so that an administrator's password reset also unlocks it.
const COUNTED_SINCE = `greatest(now() - make_interval(hours => $2),
  coalesce((SELECT u.password_changed_at FROM users u WHERE u.username = $1), '-infinity'::timestamptz))`;

/**
 * When the sign-in name (lower-case) is locked; null when it is not. The same for names of
 * accounts and names of nobody, so that a lock tells nothing about which names exist.
 */
export async function findLoginLock(
  db: Queryable,
  username: string,
  limits: LoginFailureLimits,
): Promise<Date | null> {
  const r = await db.query<{ locked_until: Date }>(
    `SELECT locked_until FROM login_failures
      WHERE username = $1 AND locked_until > now() AND last_failure_at > ${COUNTED_SINCE}`,
    [username, limits.forgetHours],
  );
  return r.rows[0]?.locked_until ?? null;
}

/**
 * Counts a failed sign-in for a name (lower-case), whether or not an account has it; locks the
 * name for `lockMinutes` once `maxFailures` failures in a row are reached. Prunes the names
 * whose failures are forgotten. Returns the new count and lock time.
 */
export async function recordLoginFailure(
  db: Queryable,
  username: string,
  limits: LoginFailureLimits,
): Promise<{ failed_attempts: number; locked_until: Date | null }> {
  await db.query('DELETE FROM login_failures WHERE last_failure_at < now() - make_interval(hours => $1)', [
    limits.forgetHours,
  ]);
  // One statement, incrementing the stored row, so that concurrent failures all count.
  const counted = `CASE WHEN f.last_failure_at > ${COUNTED_SINCE} THEN f.failed_attempts + 1 ELSE 1 END`;
  const r = await db.query<{ failed_attempts: number; locked_until: Date | null }>(
    `INSERT INTO login_failures AS f (username, failed_attempts, locked_until, last_failure_at)
     VALUES ($1, 1, CASE WHEN $3 <= 1 THEN now() + make_interval(mins => $4) END, now())
     ON CONFLICT (username) DO UPDATE SET
       failed_attempts = ${counted},
       locked_until = CASE WHEN ${counted} >= $3 THEN now() + make_interval(mins => $4) END,
       last_failure_at = now()
     RETURNING failed_attempts, locked_until`,
    [username, limits.forgetHours, limits.maxFailures, limits.lockMinutes],
  );
  const row = r.rows[0]!;
  // shown in the user list; no-op for a name that is nobody's
  await db.query('UPDATE users SET failed_attempts = $2, locked_until = $3 WHERE username = $1', [
    username,
    row.failed_attempts,
    row.locked_until,
  ]);
  return row;
}

/** Clears the failures of a name (lower-case) after a successful sign-in. */
export async function recordLoginSuccess(db: Queryable, username: string): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE username = $1', [username]);
  await db.query('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE username = $1', [username]);
}

/** One user inside the scope; null when none has this id or it lives outside the scope (the two answer alike). */
export async function getUser(db: Queryable, scope: Scope, id: number): Promise<UserRow | null> {
  const r = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  const row = r.rows[0];
  if (!row || !scopeCovers(scope, row.home_area_code)) return null;
  return row;
}

/**
 * A user the scope may change; null when missing or homed outside the scope (alike). Whoever
 * changes a user (a password above all) could act as them, so the scope must cover
 * everything the user can reach, not only their home area: a user with a grant outside it is
 * refused (403, `user_beyond_scope`).
 */
export async function getUserToChange(db: Queryable, scope: Scope, id: number): Promise<UserRow | null> {
  const user = await getUser(db, scope, id);
  if (!user) return null;
  const beyond = user.grants.filter((g) => !scopeCovers(scope, g));
  if (beyond.length > 0) {
    throw new DomainError(
      403,
      'user_beyond_scope',
      `user ${id} may also work in ${beyond.join(', ')}, outside your area: only an admin whose area covers it may change this user`,
      { id, areas: beyond.join(',') },
    );
  }
  return user;
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
    await tx.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [id]);
    const before = await getUserToChange(tx, scope, id);
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
