import { PERMISSIONS } from '../../api/auth/permissions.ts';
import type { AuditRecord, Permission, Role } from '../api/client.ts';
import type { I18n, Language, MessageKey } from '../i18n.ts';
import { formatTime } from '../lib/format.ts';
import { actionName, codeName } from '../lib/incident-format.ts';
import { ROLES, permissionName, roleName } from '../lib/roles.ts';
import { refusalParams } from '../lib/team-format.ts';

/**
 * The audit log in words: what was done (`user.create` → 新建用户), on what kind of thing, and
 * what changed, field by field, with statuses, roles, permissions and times as the interface
 * says them. Codes the vocabulary does not know yet show as they are.
 */

const ACTION_KEYS: Record<string, MessageKey> = {
  'auth.login': 'auditAction.auth.login',
  'auth.login_failed': 'auditAction.auth.login_failed',
  'user.create': 'auditAction.user.create',
  'user.update': 'auditAction.user.update',
  'user.update+password': 'auditAction.user.update_password',
  'user.password': 'auditAction.user.password',
  'api_key.create': 'auditAction.api_key.create',
  'api_key.revoke': 'auditAction.api_key.revoke',
  'grid.create': 'auditAction.grid.create',
  'grid.update': 'auditAction.grid.update',
  'grid.delete': 'auditAction.grid.delete',
  'grid.split': 'auditAction.grid.split',
  'grid.merge': 'auditAction.grid.merge',
  'grid.import': 'auditAction.grid.import',
  'import.apply': 'auditAction.import.apply',
  'import.undo': 'auditAction.import.undo',
  'team.on_duty': 'auditAction.team.on_duty',
  'team.off_duty': 'auditAction.team.off_duty',
};

/** The audit actions in the action filter's order (incident actions are "incident.<action>"). */
export const AUDIT_ACTIONS = Object.keys(ACTION_KEYS);

const TARGET_KEYS: Record<string, MessageKey> = {
  user: 'auditTarget.user',
  api_key: 'auditTarget.api_key',
  area: 'auditTarget.area',
  incident: 'auditTarget.incident',
  team: 'auditTarget.team',
  sites: 'layer.sites',
  components: 'layer.components',
  risk_sources: 'layer.risk_sources',
  cameras: 'layer.cameras',
  teams: 'layer.teams',
  areas: 'auditTarget.areas',
};

/** The kinds of target in the target filter's order. */
export const AUDIT_TARGETS = Object.keys(TARGET_KEYS);

const ACTOR_KIND_KEYS: Record<string, MessageKey> = {
  user: 'auditActor.user',
  api_key: 'auditActor.api_key',
  system: 'auditActor.system',
  anonymous: 'auditActor.anonymous',
};

const FIELD_KEYS: Record<string, MessageKey> = {
  status: 'auditField.status',
  deadlineAt: 'auditField.deadlineAt',
  username: 'auditField.username',
  displayName: 'auditField.displayName',
  role: 'auditField.role',
  homeAreaCode: 'auditField.homeAreaCode',
  areaCode: 'auditField.areaCode',
  disabled: 'auditField.disabled',
  grants: 'auditField.grants',
  permissions: 'auditField.permissions',
  name: 'auditField.name',
  version: 'auditField.version',
  households: 'auditField.households',
  workerIds: 'auditField.workerIds',
  reshaped: 'auditField.reshaped',
  grids: 'auditField.grids',
  code: 'auditField.code',
  newCodes: 'auditField.newCodes',
  kept: 'auditField.kept',
  created: 'auditField.created',
  closed: 'auditField.closed',
  filename: 'auditField.filename',
  inserted: 'auditField.inserted',
  rejected: 'auditField.rejected',
  deleted: 'auditField.deleted',
  gridCode: 'auditField.gridCode',
};

/** What an audit record's action did, in words: "新建用户", "事件：受理". */
export function auditActionName(t: I18n['t'], action: string): string {
  if (action.startsWith('incident.')) {
    const step = action.slice('incident.'.length);
    const name = actionName(t, step);
    return name === step ? action : t('auditAction.incident', { action: name });
  }
  return codeName(t, ACTION_KEYS, action);
}

/** The kind of thing an audit record is about: "用户", "网格", "重点场所". */
export function auditTargetName(t: I18n['t'], targetType: string): string {
  return codeName(t, TARGET_KEYS, targetType);
}

/** Who acted, when not a signed-in user: "API 密钥", "系统", "未登录". */
export function actorKindName(t: I18n['t'], kind: string): string {
  return codeName(t, ACTOR_KIND_KEYS, kind);
}

const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v);
const isPermission = (v: string): v is Permission => (PERMISSIONS as readonly string[]).includes(v);

/** An ISO 8601 instant as the API writes it into records. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A value of a change in words, for the field it belongs to. */
export function auditValue(t: I18n['t'], language: Language, field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return t(value ? 'value.yes' : 'value.no');
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (field === 'status') return String(refusalParams(t, { status: value }).status);
    if (field === 'role' && isRole(value)) return roleName(language, value);
    if (ISO_INSTANT.test(value)) return formatTime(language, value);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return t('auditValue.none');
    const items = value.map((v) =>
      typeof v === 'string' && (field === 'permissions' || field === 'grants') && isPermission(v)
        ? permissionName(language, v)
        : auditValue(t, language, field, v),
    );
    return items.join(language === 'zh-CN' ? '、' : ', ');
  }
  if (typeof value === 'object') {
    // a grid as {code, version}: "441900110001001（第 3 版）"
    const o = value as Record<string, unknown>;
    if (typeof o.code === 'string' && typeof o.version === 'number') {
      return t('auditValue.gridVersion', { code: o.code, version: o.version });
    }
    return Object.entries(o)
      .map(([k, v]) => `${fieldName(t, k)} ${auditValue(t, language, k, v)}`)
      .join(language === 'zh-CN' ? '，' : ', ');
  }
  return String(value);
}

/** A field's name; the field itself when the vocabulary does not know it. */
export function fieldName(t: I18n['t'], field: string): string {
  return codeName(t, FIELD_KEYS, field);
}

/** One line of a change: a field, its value before (if recorded) and after. */
export interface ChangeLine {
  field: string;
  before: string | null;
  after: string | null;
}

const asRecord = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * What a record changed, field by field, in words: each field of `before` or `after`, with
 * the fields whose value stayed the same left out (an update records the whole summary).
 */
export function auditChanges(t: I18n['t'], language: Language, record: AuditRecord): ChangeLine[] {
  const before = asRecord(record.before);
  const after = asRecord(record.after);
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const lines: ChangeLine[] = [];
  for (const field of fields) {
    const had = before !== null && field in before;
    const has = after !== null && field in after;
    if (had && has && JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    lines.push({
      field: fieldName(t, field),
      before: had ? auditValue(t, language, field, before[field]) : null,
      after: has ? auditValue(t, language, field, after[field]) : null,
    });
  }
  return lines;
}
