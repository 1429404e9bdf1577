import { describe, expect, it } from 'vitest';
import { INCIDENT_ACTIONS, INCIDENT_STATUSES } from '../../api/lib/incident-lifecycle.ts';
import { TEAM_KINDS as API_TEAM_KINDS } from '../../api/lib/import-fields.ts';
import { TEAM_STATUSES as API_TEAM_STATUSES } from '../../api/schemas/dispatch.ts';
import { CHANNELS } from '../../api/schemas/incidents.ts';
import { translate, type Language, type MessageKey } from '../../web/i18n.ts';
import {
  actionName,
  channelName,
  incidentStatusName,
  PRIORITIES,
  priorityName,
} from '../../web/lib/incident-format.ts';
import {
  CAPABILITIES,
  capabilityName,
  dispatchStatusName,
  refusalParams,
  teamKindName,
  teamStatusName,
} from '../../web/lib/team-format.ts';

const tIn = (language: Language) => (key: MessageKey, params?: Readonly<Record<string, string | number>>) =>
  translate(language, key, params);
const zh = tIn('zh-CN');
const en = tIn('en');

/** Every name the incident desk, the plan and the team list show of the API's vocabularies, in zh-CN. */
function zhNames(): Array<[string, string]> {
  return [
    ...INCIDENT_STATUSES.map((s) => [`status ${s}`, incidentStatusName(zh, s)] as [string, string]),
    ...[...INCIDENT_ACTIONS, 'report', 'reassign_grid', 'merged_in'].map(
      (a) => [`action ${a}`, actionName(zh, a)] as [string, string],
    ),
    // Open311 is the name of a standard, written so in Chinese too
    ...CHANNELS.filter((c) => c !== 'open311').map(
      (c) => [`channel ${c}`, channelName(zh, c)] as [string, string],
    ),
    ...PRIORITIES.map((p) => [`priority ${p}`, priorityName(zh, p)] as [string, string]),
    ...API_TEAM_KINDS.map((k) => [`team kind ${k}`, teamKindName(zh, k)] as [string, string]),
    ...CAPABILITIES.map((c) => [`capability ${c}`, capabilityName(zh, c)] as [string, string]),
    ...API_TEAM_STATUSES.map((s) => [`team status ${s}`, teamStatusName(zh, s)] as [string, string]),
    ...(['active', 'on_scene', 'completed', 'cancelled'] as const).map(
      (s) => [`dispatch status ${s}`, dispatchStatusName(zh, s)] as [string, string],
    ),
  ];
}

describe('names of codes in the interface', () => {
  it('every status, action, channel, priority, kind and capability has a Chinese name (no code, no English)', () => {
    const latin = zhNames().filter(([, name]) => /[A-Za-z]/.test(name));
    expect(latin).toEqual([]);
  });

  it('the names are the catalogue’s, in each language', () => {
    expect(incidentStatusName(zh, 'accepted')).toBe('已受理');
    expect(incidentStatusName(en, 'accepted')).toBe('Accepted');
    expect(actionName(zh, 'merged_in')).toBe('并入重复件');
    expect(channelName(zh, 'desk')).toBe('坐席');
    expect(priorityName(en, 1)).toBe('Priority 1 (critical)');
    expect(teamKindName(zh, 'urban_management')).toBe('城管执法');
    expect(capabilityName(en, 'fire_rescue')).toBe('Fire and rescue');
    expect(teamStatusName(zh, 'off_duty')).toBe('离岗');
    expect(dispatchStatusName(en, 'cancelled')).toBe('Called back');
  });

  it('a code newer than the web app shows as it is rather than failing', () => {
    expect(incidentStatusName(zh, 'archived')).toBe('archived');
    expect(actionName(zh, 'escalate')).toBe('escalate');
    expect(channelName(zh, 'wechat')).toBe('wechat');
    expect(priorityName(zh, 5)).toBe('5');
    expect(teamKindName(zh, 'drone')).toBe('drone');
    expect(capabilityName(zh, 'flood_rescue')).toBe('flood_rescue');
    // inherited object properties are not vocabulary entries
    expect(teamKindName(zh, 'toString')).toBe('toString');
    expect(channelName(zh, 'constructor')).toBe('constructor');
  });
});

describe('parameters of a refusal', () => {
  it('names statuses, actions and steps; other values stay', () => {
    expect(
      refusalParams(zh, {
        id: 504,
        status: 'dispatched',
        action: 'dispatch',
        allowed: 'return, arrive, resolve',
      }),
    ).toEqual({ id: 504, status: '已派遣', action: '派遣', allowed: '退回, 到场, 处置完成' });
    expect(refusalParams(en, { teamId: 7, team: '城管一队', status: 'off_duty' })).toEqual({
      teamId: 7,
      team: '城管一队',
      status: 'Off duty',
    });
    expect(refusalParams(zh, { id: 9, status: 'completed', step: 'cancel' })).toEqual({
      id: 9,
      status: '已完成',
      step: '撤回',
    });
    expect(refusalParams(zh, { status: 'unheard_of', flag: true, none: null })).toEqual({
      status: 'unheard_of',
      flag: 'true',
      none: 'null',
    });
  });
});
