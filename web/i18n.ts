import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';

/** The languages of the user interface; zh-CN is the default. */
export type Language = 'zh-CN' | 'en';

/** Every language the switch cycles through, default first. */
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

/** localStorage key of the chosen language. */
export const LANGUAGE_STORAGE_KEY = 'riskmap.language';

const zh = {
  'app.title': '风险一张图',
  'app.subtitle': 'riskmap',
  'app.documentTitle': '风险一张图 · riskmap',
  'language.switch': 'English',
  'language.switchTitle': '切换到英文',
  'panel.title': '图层',
  'panel.areas': '行政区与网格',
  'panel.features': '要素',
  'panel.lowZoomSkipped': '放大后显示',
  'panel.truncated': '仅显示部分',
  'panel.loading': '加载中…',
  'panel.error': '加载失败',
  'layer.towns': '镇街',
  'layer.villages': '村（社区）',
  'layer.grids': '网格',
  'layer.sites': '重点场所',
  'layer.components': '城市部件',
  'layer.risk_sources': '风险源',
  'layer.cameras': '视频监控',
  'layer.teams': '治理力量',
  'layer.incidents': '事件',
  'legend.title': '风险等级',
  'risk.1': '重大风险',
  'risk.2': '较大风险',
  'risk.3': '一般风险',
  'risk.4': '低风险',
  'detail.title': '详情',
  'detail.close': '关闭',
  'detail.empty': '无属性',
  'area.town': '镇街',
  'area.village': '村（社区）',
  'area.grid': '网格',
  'area.city': '市',
  'map.aria': '地图',
  'status.apiDown': '无法连接服务',
  'value.yes': '是',
  'value.no': '否',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.sessionEnded': '会话已结束，请重新登录。',
  'login.hint': '基层治理指挥平台',
  'login.wrong': '用户名或密码错误。',
  'login.locked': '账号已被锁定',
  'login.tooMany': '登录失败次数过多，请稍后再试',
  'session.loading': '正在加载…',
  'user.menu': '当前用户',
  'user.changePassword': '修改密码',
  'user.logout': '退出登录',
  'user.admin': '系统管理',
  'user.map': '返回地图',
  'user.noRole': '接口密钥',
  'password.title': '修改密码',
  'password.current': '当前密码',
  'password.new': '新密码（至少 10 位）',
  'password.confirm': '确认新密码',
  'password.tooShort': '新密码至少需要 10 个字符。',
  'password.mismatch': '两次输入的新密码不一致。',
  'password.save': '保存',
  'password.cancel': '取消',
  'password.done': '密码已修改。',
  'admin.title': '系统管理',
  'admin.tab.users': '用户',
  'admin.tab.keys': 'API 密钥',
  'admin.tab.audit': '审计日志',
  'admin.forbidden': '您没有用户管理权限。',
  'admin.loading': '加载中…',
  'admin.empty': '暂无记录',
  'admin.save': '保存',
  'admin.cancel': '取消',
  'admin.edit': '编辑',
  'admin.saved': '已保存。',
  'users.username': '用户名',
  'users.displayName': '姓名',
  'users.role': '角色',
  'users.homeArea': '所属区域',
  'users.grants': '授权区域',
  'users.disabled': '停用',
  'users.locked': '锁定至',
  'users.actions': '操作',
  'users.new': '新建用户',
  'users.password': '初始密码（至少 10 位）',
  'users.create': '创建用户',
  'users.created': '已创建用户',
  'users.edit': '编辑用户',
  'users.resetPassword': '重置密码（留空则不变）',
  'users.grantsHint': '区域代码，以逗号分隔',
  'users.usernameHint': '小写字母、数字、_ . -，2–40 位',
  'area.pickTown': '选择镇街',
  'area.pickVillage': '选择村（社区）',
  'area.wholeCity': '东莞市（全市）',
  'area.code': '区域代码',
  'area.anyVillage': '（整个镇街）',
  'keys.name': '名称',
  'keys.prefix': '前缀',
  'keys.permissions': '权限',
  'keys.area': '区域',
  'keys.createdAt': '创建时间',
  'keys.status': '状态',
  'keys.active': '有效',
  'keys.revoked': '已吊销',
  'keys.revoke': '吊销',
  'keys.revokeConfirm': '吊销后使用此密钥的系统将无法访问。',
  'keys.confirmRevoke': '确认吊销',
  'keys.new': '新建 API 密钥',
  'keys.create': '创建密钥',
  'keys.created': '新密钥（只显示这一次，请立即复制保存）：',
  'keys.copy': '复制',
  'keys.copied': '已复制',
  'keys.copyHint': '关闭或刷新页面后将无法再次查看此密钥。',
  'keys.noPermission': '请至少选择一项权限。',
  'audit.at': '时间',
  'audit.actor': '操作者',
  'audit.action': '动作',
  'audit.targetType': '对象类型',
  'audit.targetId': '对象编号',
  'audit.address': '地址',
  'audit.details': '变更',
  'audit.from': '起始时间',
  'audit.to': '截止时间',
  'audit.search': '查询',
  'audit.reset': '清除',
  'audit.more': '更多',
  'audit.end': '没有更多记录',
};

/** A key of the dictionary; the Chinese dictionary is the reference every language must cover. */
export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.title': 'Risk Map',
  'app.subtitle': 'riskmap',
  'app.documentTitle': '风险一张图 · riskmap',
  'language.switch': '中文',
  'language.switchTitle': 'Switch to Chinese',
  'panel.title': 'Layers',
  'panel.areas': 'Areas and grids',
  'panel.features': 'Features',
  'panel.lowZoomSkipped': 'zoom in to show',
  'panel.truncated': 'partial',
  'panel.loading': 'loading…',
  'panel.error': 'failed to load',
  'layer.towns': 'Towns',
  'layer.villages': 'Villages / communities',
  'layer.grids': 'Grids',
  'layer.sites': 'Key sites',
  'layer.components': 'City components',
  'layer.risk_sources': 'Risk sources',
  'layer.cameras': 'Cameras',
  'layer.teams': 'Response teams',
  'layer.incidents': 'Incidents',
  'legend.title': 'Risk level',
  'risk.1': 'Major risk',
  'risk.2': 'High risk',
  'risk.3': 'Moderate risk',
  'risk.4': 'Low risk',
  'detail.title': 'Details',
  'detail.close': 'Close',
  'detail.empty': 'No properties',
  'area.town': 'Town',
  'area.village': 'Village / community',
  'area.grid': 'Grid',
  'area.city': 'City',
  'map.aria': 'Map',
  'status.apiDown': 'Cannot reach the server',
  'value.yes': 'yes',
  'value.no': 'no',
  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.sessionEnded': 'Your session has ended. Please sign in again.',
  'login.hint': 'Command platform for grassroots governance',
  'login.wrong': 'Wrong username or password.',
  'login.locked': 'Account locked',
  'login.tooMany': 'Too many failed sign-ins; try again later',
  'session.loading': 'Loading…',
  'user.menu': 'Signed in as',
  'user.changePassword': 'Change password',
  'user.logout': 'Sign out',
  'user.admin': 'Administration',
  'user.map': 'Back to map',
  'user.noRole': 'API key',
  'password.title': 'Change password',
  'password.current': 'Current password',
  'password.new': 'New password (at least 10 characters)',
  'password.confirm': 'Repeat new password',
  'password.tooShort': 'The new password needs at least 10 characters.',
  'password.mismatch': 'The two new passwords differ.',
  'password.save': 'Save',
  'password.cancel': 'Cancel',
  'password.done': 'Password changed.',
  'admin.title': 'Administration',
  'admin.tab.users': 'Users',
  'admin.tab.keys': 'API keys',
  'admin.tab.audit': 'Audit log',
  'admin.forbidden': 'You may not manage users.',
  'admin.loading': 'Loading…',
  'admin.empty': 'Nothing here',
  'admin.save': 'Save',
  'admin.cancel': 'Cancel',
  'admin.edit': 'Edit',
  'admin.saved': 'Saved.',
  'users.username': 'Username',
  'users.displayName': 'Name',
  'users.role': 'Role',
  'users.homeArea': 'Home area',
  'users.grants': 'Granted areas',
  'users.disabled': 'Disabled',
  'users.locked': 'Locked until',
  'users.actions': 'Actions',
  'users.new': 'New user',
  'users.password': 'Initial password (at least 10 characters)',
  'users.create': 'Create user',
  'users.created': 'Created user',
  'users.edit': 'Edit user',
  'users.resetPassword': 'Reset password (leave empty to keep)',
  'users.grantsHint': 'area codes, comma separated',
  'users.usernameHint': 'lower-case letters, digits, _ . -; 2–40 characters',
  'area.pickTown': 'Town',
  'area.pickVillage': 'Village / community',
  'area.wholeCity': 'Dongguan (whole city)',
  'area.code': 'Area code',
  'area.anyVillage': '(whole town)',
  'keys.name': 'Name',
  'keys.prefix': 'Prefix',
  'keys.permissions': 'Permissions',
  'keys.area': 'Area',
  'keys.createdAt': 'Created',
  'keys.status': 'Status',
  'keys.active': 'active',
  'keys.revoked': 'revoked',
  'keys.revoke': 'Revoke',
  'keys.revokeConfirm': 'Systems using this key will lose access.',
  'keys.confirmRevoke': 'Confirm revoke',
  'keys.new': 'New API key',
  'keys.create': 'Create key',
  'keys.created': 'The new key (shown this once only — copy it now):',
  'keys.copy': 'Copy',
  'keys.copied': 'Copied',
  'keys.copyHint': 'Once you leave or reload this page the key cannot be shown again.',
  'keys.noPermission': 'Choose at least one permission.',
  'audit.at': 'Time',
  'audit.actor': 'Actor',
  'audit.action': 'Action',
  'audit.targetType': 'Target type',
  'audit.targetId': 'Target ID',
  'audit.address': 'Address',
  'audit.details': 'Change',
  'audit.from': 'From',
  'audit.to': 'To',
  'audit.search': 'Search',
  'audit.reset': 'Clear',
  'audit.more': 'More',
  'audit.end': 'No more records',
};

/** The dictionaries, one per language. */
export const MESSAGES: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zh, en };

/** Translate a key in a given language (outside React, e.g. in layer factories). */
export function translate(language: Language, key: MessageKey): string {
  return MESSAGES[language][key];
}

/** Display names of feature and area properties shown in the detail panel. */
const PROPERTY_LABELS: Record<Language, Record<string, string>> = {
  'zh-CN': {
    id: '编号',
    name: '名称',
    code: '编码',
    kind: '类别代码',
    kindName: '类别',
    address: '地址',
    status: '状态',
    level: '等级',
    impactRadiusM: '影响半径（米）',
    townCode: '镇街代码',
    villageCode: '村（社区）代码',
    gridCode: '网格代码',
    capabilities: '能力',
    onDuty: '在岗',
    positionAt: '定位时间',
    homeAreaCode: '所属区域',
    category: '事件类别代码',
    categoryName: '事件类别',
    channel: '来源渠道',
    priority: '优先级',
    description: '描述',
    reportedAt: '上报时间',
    deadlineAt: '办理时限',
    parentCode: '上级代码',
    population: '常住人口',
    households: '户数',
    synthetic: '模拟数据',
    version: '版本',
    validFrom: '生效时间',
    labelPoint: '标注点',
  },
  en: {
    id: 'ID',
    name: 'Name',
    code: 'Code',
    kind: 'Kind code',
    kindName: 'Kind',
    address: 'Address',
    status: 'Status',
    level: 'Level',
    impactRadiusM: 'Impact radius (m)',
    townCode: 'Town code',
    villageCode: 'Village code',
    gridCode: 'Grid code',
    capabilities: 'Capabilities',
    onDuty: 'On duty',
    positionAt: 'Position time',
    homeAreaCode: 'Home area',
    category: 'Category code',
    categoryName: 'Category',
    channel: 'Channel',
    priority: 'Priority',
    description: 'Description',
    reportedAt: 'Reported at',
    deadlineAt: 'Deadline',
    parentCode: 'Parent code',
    population: 'Population',
    households: 'Households',
    synthetic: 'Synthetic data',
    version: 'Version',
    validFrom: 'Valid from',
    labelPoint: 'Label point',
  },
};

/** Display name of a property key; unknown keys are shown as they are. */
export function propertyLabel(language: Language, key: string): string {
  return PROPERTY_LABELS[language][key] ?? key;
}

/** What useI18n() returns. */
export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  /** Translate a key in the current language. */
  t: (key: MessageKey) => string;
}

function isLanguage(value: unknown): value is Language {
  return value === 'zh-CN' || value === 'en';
}

/** The stored choice, or zh-CN; storage may be unavailable (private mode), which is not an error. */
function initialLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // fall through to the default
  }
  return 'zh-CN';
}

const I18nContext = createContext<I18n | null>(null);

/** Provides the language to the tree; keeps <html lang>, the document title and localStorage in step. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      window.localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
    } catch {
      // the choice then lasts for this page only
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = translate(language, 'app.documentTitle');
  }, [language]);

  const value = useMemo<I18n>(
    () => ({ language, setLanguage, t: (key) => translate(language, key) }),
    [language, setLanguage],
  );
  return createElement(I18nContext.Provider, { value }, children);
}

/** The current language and the translate function; must be used inside I18nProvider. */
export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n() used outside <I18nProvider>');
  return value;
}
