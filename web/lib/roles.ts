/**
 * Role and permission names the interface offers. The roles and their names come from the
 * API's own role table (api/auth/permissions.ts has no imports, so it costs the bundle nothing).
 */
import { ROLES, ROLE_NAMES } from '../../api/auth/permissions.ts';
import type { Language } from '../i18n.ts';
import type { NewApiKeyBody, Permission, Role } from '../api/client.ts';

/** Every role, most powerful first (the order of the role select). */
export { ROLES };

/** A permission an API key may hold. */
export type ApiKeyPermission = NewApiKeyBody['permissions'][number];

/** The permissions an API key may be given, in checkbox order. */
export const API_KEY_PERMISSIONS = [
  'read',
  'report',
  'accept',
  'dispatch',
  'verify',
  'close',
] as const satisfies readonly ApiKeyPermission[];

type Assert<T extends true> = T;
/** Compile-time check: API_KEY_PERMISSIONS lists every permission a key may have. */
export type ApiKeyPermissionsComplete = Assert<
  [Exclude<ApiKeyPermission, (typeof API_KEY_PERMISSIONS)[number]>] extends [never] ? true : false
>;

/** Display name of a role in a language. */
export function roleName(language: Language, role: Role): string {
  return language === 'zh-CN' ? ROLE_NAMES[role].zh : ROLE_NAMES[role].en;
}

/** Permission names for the API key checkboxes. */
const PERMISSION_NAMES: Record<Permission, { zh: string; en: string }> = {
  read: { zh: '查看', en: 'Read' },
  report: { zh: '上报', en: 'Report' },
  accept: { zh: '受理', en: 'Accept' },
  dispatch: { zh: '派遣', en: 'Dispatch' },
  verify: { zh: '核查', en: 'Verify' },
  close: { zh: '结案', en: 'Close' },
  edit_grids: { zh: '编辑网格', en: 'Edit grids' },
  manage_users: { zh: '用户管理', en: 'Manage users' },
  assess: { zh: '考核', en: 'Assess' },
};

/** Display name of a permission in a language. */
export function permissionName(language: Language, permission: Permission): string {
  return language === 'zh-CN' ? PERMISSION_NAMES[permission].zh : PERMISSION_NAMES[permission].en;
}

/** The permission that opens data import (the same people who edit grids). */
export const IMPORT_PERMISSION: Permission = 'edit_grids';
