import type { Permission } from '../auth/permissions.ts';

/**
 * The incident state machine (DESIGN.md §4): 发现 reported → 受理 accepted →
 * 派遣 dispatched → on_scene → 处置 resolved → 核查 verified → 结案 closed, with
 * 不予受理 rejected, 退回 returned (back to accepted), 返工 rework (verification
 * failed → dispatched again). Extension requests (延期) do not change the status.
 */
export const INCIDENT_STATUSES = [
  'reported',
  'accepted',
  'rejected',
  'dispatched',
  'on_scene',
  'resolved',
  'verified',
  'closed',
  'merged',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_ACTIONS = [
  'accept',
  'reject',
  'dispatch',
  'return',
  'arrive',
  'resolve',
  'verify_pass',
  'verify_fail',
  'close',
  'request_extension',
  'grant_extension',
  'deny_extension',
  'merge',
  'transfer',
  'send_back',
  'assign_unit',
] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

interface Rule {
  from: readonly IncidentStatus[];
  /** Resulting status; null keeps the status (extensions). */
  to: IncidentStatus | null;
  permission: Permission;
}

/** Every allowed transition: which statuses it leaves, where it goes, who may do it. */
export const TRANSITIONS: Record<IncidentAction, Rule> = {
  accept: { from: ['reported'], to: 'accepted', permission: 'accept' },
  reject: { from: ['reported'], to: 'rejected', permission: 'accept' },
  dispatch: { from: ['accepted'], to: 'dispatched', permission: 'dispatch' },
  return: { from: ['dispatched', 'on_scene'], to: 'accepted', permission: 'report' },
  arrive: { from: ['dispatched'], to: 'on_scene', permission: 'report' },
  resolve: { from: ['dispatched', 'on_scene'], to: 'resolved', permission: 'report' },
  verify_pass: { from: ['resolved'], to: 'verified', permission: 'verify' },
  // back to the team that resolved it (a new dispatch), or to accepted when it cannot take it now
  verify_fail: { from: ['resolved'], to: 'dispatched', permission: 'verify' },
  close: { from: ['verified'], to: 'closed', permission: 'close' },
  request_extension: { from: ['accepted', 'dispatched', 'on_scene'], to: null, permission: 'report' },
  grant_extension: { from: ['accepted', 'dispatched', 'on_scene'], to: null, permission: 'accept' },
  deny_extension: { from: ['accepted', 'dispatched', 'on_scene'], to: null, permission: 'accept' },
  // a duplicate joins its master (`into`); both records and timelines stay
  merge: { from: ['reported', 'accepted'], to: 'merged', permission: 'accept' },
  // between units (DESIGN.md §8): 转办 to another unit of the town, with a reason; 退回 to the
  // town's 综治中心, with a reason; 指定 by the centre (集中梳理). The status stays.
  transfer: { from: ['reported', 'accepted', 'dispatched', 'on_scene'], to: null, permission: 'accept' },
  send_back: { from: ['reported', 'accepted', 'dispatched', 'on_scene'], to: null, permission: 'accept' },
  assign_unit: { from: ['reported', 'accepted', 'dispatched', 'on_scene'], to: null, permission: 'accept' },
};

/** Statuses in which a citizen can rate the result (the work is done): 回访与评价. */
export const RATEABLE: readonly IncidentStatus[] = ['resolved', 'verified', 'closed'];

/** The unit moves among the actions. */
export const UNIT_MOVES: readonly IncidentAction[] = ['transfer', 'send_back', 'assign_unit'];

/** An incident transferred or sent back more than this many times is flagged (推诿 check). */
export const HANDOFF_FLAG_AFTER = 2;

/** A joint task's statuses (联办, migrations/0023_joint_tasks.sql); assigned and accepted are open. */
export const TASK_STATUSES = ['assigned', 'accepted', 'done', 'refused', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** The steps of a joint task: the assisting unit accepts, finishes or refuses; the lead closes. */
export const TASK_STEPS = ['accept', 'done', 'refuse', 'close'] as const;
export type TaskStep = (typeof TASK_STEPS)[number];
/** Incident statuses in which assisting units may be asked: the matter is still being handled. */
export const TASKABLE_STATUSES: readonly IncidentStatus[] = [
  'reported',
  'accepted',
  'dispatched',
  'on_scene',
];

/** The department whose town unit coordinates and decides between units (综治中心). */
export const COORDINATING_DEPARTMENT = 'zongzhi';

/** The actions the state machine allows from a status (regardless of role). */
export function allowedActions(status: IncidentStatus): IncidentAction[] {
  return INCIDENT_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(status));
}

/** Statuses in which the deadline clock has stopped (the work is done or void). */
export const CLOCK_STOPPED: readonly IncidentStatus[] = [
  'resolved',
  'verified',
  'closed',
  'rejected',
  'merged',
];

/** Open = still to be handled (counts on the map and in statistics). */
export const OPEN_STATUSES: readonly IncidentStatus[] = [
  'reported',
  'accepted',
  'dispatched',
  'on_scene',
  'resolved',
  'verified',
];
