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
