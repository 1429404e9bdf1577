import type { TEAM_KINDS as API_TEAM_KINDS } from '../../api/lib/import-fields.ts';
import type { Dispatch, Team } from '../api/client.ts';
import type { I18n, MessageKey } from '../i18n.ts';
import { actionName, codeName, incidentStatusName } from './incident-format.ts';

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
  if (s < 3600) return t('age.minutes', { n: Math.floor(s / 60) });
  if (s < 86400) return t('age.hours', { n: Math.floor(s / 3600) });
  return t('age.days', { n: Math.floor(s / 86400) });
}

/** A team kind of the vocabulary (the API's import list). */
export type TeamKind = (typeof API_TEAM_KINDS)[number];

/** The team kinds of the sample data and the vocabulary (geodata/README.md), in select order. */
export const TEAM_KINDS = [
  'grid_worker',
  'police',
  'urban_management',
  'fire',
  'medical',
  'volunteer',
  'mediator',
] as const satisfies readonly TeamKind[];

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
export type Capability = (typeof CAPABILITIES)[number];

/** A team's status (available, dispatched, on_scene, off_duty). */
export type TeamStatus = Team['status'];
/** The team statuses in filter and legend order. */
export const TEAM_STATUSES = [
  'available',
  'dispatched',
  'on_scene',
  'off_duty',
] as const satisfies readonly TeamStatus[];

/** A dispatch's status (active, on_scene, completed, cancelled). */
export type DispatchStatus = Dispatch['status'];

// The catalogue keys of each vocabulary. Typed records: a kind, capability or status without its
// message (or with a key the catalogue lacks) fails the typecheck.
const TEAM_KIND_KEYS: Record<TeamKind, MessageKey> = {
  grid_worker: 'teamKind.grid_worker',
  police: 'teamKind.police',
  urban_management: 'teamKind.urban_management',
  fire: 'teamKind.fire',
  medical: 'teamKind.medical',
  volunteer: 'teamKind.volunteer',
  mediator: 'teamKind.mediator',
};

const CAPABILITY_KEYS: Record<Capability, MessageKey> = {
  public_security: 'capability.public_security',
  urban_management: 'capability.urban_management',
  municipal_repair: 'capability.municipal_repair',
  construction_supervision: 'capability.construction_supervision',
  grid_patrol: 'capability.grid_patrol',
  mediation: 'capability.mediation',
  fire_rescue: 'capability.fire_rescue',
  medical: 'capability.medical',
};

const TEAM_STATUS_KEYS: Record<TeamStatus, MessageKey> = {
  available: 'st.available',
  dispatched: 'st.dispatched',
  on_scene: 'st.on_scene',
  off_duty: 'st.off_duty',
};

const DISPATCH_STATUS_KEYS: Record<DispatchStatus, MessageKey> = {
  active: 'dispatch.st.active',
  on_scene: 'dispatch.st.on_scene',
  completed: 'dispatch.st.completed',
  cancelled: 'dispatch.st.cancelled',
};

/** Translated team kind (police, urban_management, …); the code when unknown. */
export function teamKindName(t: I18n['t'], kind: string): string {
  return codeName(t, TEAM_KIND_KEYS, kind);
}

/** Translated capability (public_security, fire_rescue, …); the code when unknown. */
export function capabilityName(t: I18n['t'], capability: string): string {
  return codeName(t, CAPABILITY_KEYS, capability);
}

/** Translated team status (available, dispatched, on_scene, off_duty). */
export function teamStatusName(t: I18n['t'], status: TeamStatus): string {
  return t(TEAM_STATUS_KEYS[status]);
}

/** Translated dispatch status (active, on_scene, completed, cancelled). */
export function dispatchStatusName(t: I18n['t'], status: DispatchStatus): string {
  return t(DISPATCH_STATUS_KEYS[status]);
}

/** A dispatch step of a refusal ('arrive', 'complete', 'cancel'): the button's name. */
const STEP_KEYS: Record<'arrive' | 'complete' | 'cancel', MessageKey> = {
  arrive: 'dispatch.arrive',
  complete: 'dispatch.complete',
  cancel: 'dispatch.cancel',
};

/** A status named in a refusal: an incident's, else a team's or a dispatch's, else as it is. */
function anyStatusName(t: I18n['t'], status: string): string {
  const incident = incidentStatusName(t, status);
  if (incident !== status) return incident;
  const team = codeName(t, TEAM_STATUS_KEYS, status);
  return team !== status ? team : codeName(t, DISPATCH_STATUS_KEYS, status);
}

/**
 * The parameters of an incident, dispatch or team refusal (api/lib/error-codes.ts) ready for its
 * translation: statuses, actions and steps by name rather than as codes.
 */
export function refusalParams(
  t: I18n['t'],
  params: Readonly<Record<string, string | number | boolean | null>>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'number') out[name] = value;
    else if (typeof value !== 'string') out[name] = String(value);
    else if (name === 'status') out[name] = anyStatusName(t, value);
    else if (name === 'action') out[name] = actionName(t, value);
    else if (name === 'step') out[name] = codeName(t, STEP_KEYS, value);
    else if (name === 'allowed')
      out[name] = value
        .split(/,\s*/)
        .filter(Boolean)
        .map((a) => actionName(t, a))
        .join(', ');
    else out[name] = value;
  }
  return out;
}
