import type { I18n, MessageKey } from '../i18n.ts';

/** Travel seconds as whole minutes, at least 1: "7 分钟" / "7 min". */
export function etaMinutes(t: I18n['t'], seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  return `${Math.max(1, Math.round(seconds / 60))} ${t('unit.minutes')}`;
}

/** Metres as kilometres with one decimal ("2.4 km"), or metres below 1 km. */
export function distance(t: I18n['t'], metres: number | null | undefined): string {
  if (metres === null || metres === undefined) return '—';
  return metres < 1000
    ? `${Math.round(metres)} ${t('unit.m')}`
    : `${(metres / 1000).toFixed(1)} ${t('unit.km')}`;
}

/** How long ago an instant was: "刚刚", "12 分钟前", "3 小时前", "2 天前". */
export function age(t: I18n['t'], iso: string | null, nowMs = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, (nowMs - new Date(iso).getTime()) / 1000);
  if (s < 60) return t('age.now');
  if (s < 3600) return t('age.minutes').replace('{n}', String(Math.floor(s / 60)));
  if (s < 86400) return t('age.hours').replace('{n}', String(Math.floor(s / 3600)));
  return t('age.days').replace('{n}', String(Math.floor(s / 86400)));
}

/** Translated team kind (police, urban_management, …); the code when unknown. */
export function teamKindName(t: I18n['t'], kind: string): string {
  const name = t(`teamKind.${kind}` as MessageKey) as string | undefined;
  return name ?? kind;
}

/** Translated capability (public_security, fire_rescue, …); the code when unknown. */
export function capabilityName(t: I18n['t'], capability: string): string {
  const name = t(`capability.${capability}` as MessageKey) as string | undefined;
  return name ?? capability;
}

/** Translated dispatch status (active, on_scene, completed, cancelled). */
export function dispatchStatusName(t: I18n['t'], status: string): string {
  const name = t(`dispatch.st.${status}` as MessageKey) as string | undefined;
  return name ?? status;
}

/** The team kinds of the sample data and the vocabulary (geodata/README.md). */
export const TEAM_KINDS = [
  'grid_worker',
  'police',
  'urban_management',
  'fire',
  'medical',
  'volunteer',
  'mediator',
] as const;

/** The capabilities of the vocabulary (what incident categories need). */
export const CAPABILITIES = [
  'public_security',
  'urban_management',
  'municipal_repair',
  'construction_supervision',
  'grid_patrol',
  'mediation',
  'fire_rescue',
  'medical',
] as const;
