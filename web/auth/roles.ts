/**
 * Role and permission names the interface offers. Written out here rather than imported from
 * api/auth/permissions.ts so the browser bundle stays free of server modules; the Assert types
 * fail to compile if these lists and the API contract ever differ.
 */
import type { Language } from '../i18n.ts';
import type { NewApiKeyBody, Permission, Role } from '../api/client.ts';

/** Every role, most powerful first (the order of the role select). */
export const ROLES = [
  'admin',
  'commander',
  'town_coordinator',
  'village_coordinator',
  'dispatcher',
  'grid_worker',
  'viewer',
] as const satisfies readonly Role[];

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
/** Compile-time check: ROLES lists every Role of the API. */
export type RolesComplete = Assert<[Exclude<Role, (typeof ROLES)[number]>] extends [never] ? true : false>;
/** Compile-time check: API_KEY_PERMISSIONS lists every permission a key may have. */
export type ApiKeyPermissionsComplete = Assert<
  [Exclude<ApiKeyPermission, (typeof API_KEY_PERMISSIONS)[number]>] extends [never] ? true : false
>;

/** Role names as the API's ROLE_NAMES has them. */
const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator' },
  commander: { zh: '指挥长', en: 'Commander' },
  town_coordinator: { zh: '镇街统筹员', en: 'Town coordinator' },
  village_coordinator: { zh: '村社区统筹员', en: 'Village coordinator' },
  dispatcher: { zh: '调度员', en: 'Dispatcher' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  viewer: { zh: '只读用户', en: 'Viewer' },
};

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
};

/** Display name of a permission in a language. */
export function permissionName(language: Language, permission: Permission): string {
  return language === 'zh-CN' ? PERMISSION_NAMES[permission].zh : PERMISSION_NAMES[permission].en;
}
