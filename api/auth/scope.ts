import type { Permission, Role } from './permissions.ts';

/**
 * Who is acting and where: every repository call that reads or writes scoped data
 * takes one. Area codes nest by prefix, so "inside the scope" is "the code starts
 * with the home area's code (or a granted area's code)".
 */
export interface Scope {
  kind: 'user' | 'api_key' | 'system' | 'anonymous';
  /** users.id or api_keys.id; null for the system. */
  id: number | null;
  name: string;
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  /** Home area code (6, 9, 12 or 15 digits). 441900 = the whole city. */
  areaCode: string;
  /** Further areas this principal may work in (explicit grants). */
  grants: readonly string[];
}

/** The platform itself (start-up, seeding): everything, everywhere. */
export const SYSTEM_SCOPE: Scope = {
  kind: 'system',
  id: null,
  name: 'system',
  role: null,
  permissions: new Set([
    'read',
    'report',
    'accept',
    'dispatch',
    'verify',
    'close',
    'edit_grids',
    'manage_users',
  ]),
  areaCode: '',
  grants: [],
};

/**
 * A citizen or an Open311 client reporting without an account: may report anywhere
 * in the city and nothing else. `name` says which public channel it came through.
 */
export function publicReporter(name: string): Scope {
  return {
    kind: 'anonymous',
    id: null,
    name,
    role: null,
    permissions: new Set(['report']),
    areaCode: '441900',
    grants: [],
  };
}

/** Area-code prefixes the scope covers; [''] covers everything. */
export function scopePrefixes(scope: Scope): string[] {
  return [scope.areaCode, ...scope.grants];
}

/** True when the scope covers every area (the city, or the system). */
export function isCityWide(scope: Scope): boolean {
  return scope.areaCode.length <= 6;
}

/**
 * True when an area code lies inside the scope. A null code (a thing outside every
 * area) is inside only a city-wide scope.
 */
export function scopeCovers(scope: Scope, code: string | null | undefined): boolean {
  if (isCityWide(scope)) return true;
  if (!code) return false;
  return scopePrefixes(scope).some((p) => code.startsWith(p));
}

/** True when an area code is the scope's home area or one of its ancestors (shown for context). */
export function isAncestorOfScope(scope: Scope, code: string): boolean {
  return scopePrefixes(scope).some((p) => p.startsWith(code));
}

/**
 * SQL condition restricting `expr` (an area-code expression) to the scope; appends
 * its parameter to `params`. City-wide scopes get `TRUE`, which the planner drops.
 */
export function scopeSql(scope: Scope, expr: string, params: unknown[]): string {
  if (isCityWide(scope)) return 'TRUE';
  params.push(scopePrefixes(scope).map((p) => `${p}%`));
  return `(${expr} LIKE ANY ($${params.length}::text[]))`;
}

/** Thrown by repositories when the target exists but lies outside the caller's scope (→ 403). */
export { OutOfScopeError } from '../lib/errors.ts';

/**
 * Like scopeSql, but also lets through the ancestors of the scope's areas (a town
 * coordinator sees the city outline and their own town's name in paths).
 */
export function scopeSqlWithAncestors(scope: Scope, expr: string, params: unknown[]): string {
  if (isCityWide(scope)) return 'TRUE';
  params.push(scopePrefixes(scope));
  return `(EXISTS (SELECT 1 FROM unnest($${params.length}::text[]) p WHERE ${expr} LIKE p || '%' OR p LIKE ${expr} || '%'))`;
}
