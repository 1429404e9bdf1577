/**
 * Who may do what: the one table of roles and permissions. The README shows the
 * same table; `tests/unit/permissions.test.ts` keeps the two in step.
 */

export const PERMISSIONS = [
  'read',
  'report',
  'accept',
  'dispatch',
  'verify',
  'close',
  'edit_grids',
  'manage_users',
  'assess',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'admin',
  'commander',
  'town_coordinator',
  'village_coordinator',
  'dispatcher',
  'grid_worker',
  'viewer',
] as const;
export type Role = (typeof ROLES)[number];

/** Role → permissions. Scope (which areas) comes from the user's home area, not from here. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  commander: ['read', 'report', 'accept', 'dispatch', 'verify', 'close', 'assess'],
  town_coordinator: ['read', 'report', 'accept', 'verify', 'close', 'edit_grids', 'assess'],
  village_coordinator: ['read', 'report', 'verify', 'edit_grids', 'assess'],
  dispatcher: ['read', 'report', 'accept', 'dispatch'],
  grid_worker: ['read', 'report', 'verify'],
  viewer: ['read'],
};

/** Roles allowed to act outside their home area without an explicit grant. */
export const CROSS_AREA_ROLES: readonly Role[] = ['admin', 'commander'];

/** Chinese and English role names for the interface and the README. */
export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator' },
  commander: { zh: '指挥长', en: 'Commander' },
  town_coordinator: { zh: '镇街统筹员', en: 'Town coordinator' },
  village_coordinator: { zh: '村社区统筹员', en: 'Village coordinator' },
  dispatcher: { zh: '调度员', en: 'Dispatcher' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  viewer: { zh: '只读用户', en: 'Viewer' },
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** The role table as a Markdown table (what the README shows). */
export function permissionTableMarkdown(): string {
  const head = `| role | ${PERMISSIONS.join(' | ')} |`;
  const rule = `|---|${PERMISSIONS.map(() => ':-:').join('|')}|`;
  const rows = ROLES.map(
    (r) =>
      `| ${r} (${ROLE_NAMES[r].zh}) | ${PERMISSIONS.map((p) => (roleHas(r, p) ? '✓' : '')).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}
