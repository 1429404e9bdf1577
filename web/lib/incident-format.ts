import type { CHANNELS } from '../../api/schemas/incidents.ts';
import type { IncidentAction, IncidentStatus } from '../api/client.ts';
import type { I18n, MessageKey } from '../i18n.ts';

/** Working minutes as "3 小时 20 分" / "3 h 20 min". */
export function formatMinutes(t: I18n['t'], minutes: number): string {
  const m = Math.abs(minutes);
  const h = Math.floor(m / 60);
  const rest = m % 60;
  const parts = h > 0 ? [`${h} ${t('time.h')}`] : [];
  if (rest > 0 || h === 0) parts.push(`${rest} ${t('time.min')}`);
  return parts.join(' ');
}

/** Time left on the clock: "剩 2 小时" or "超时 1 小时 5 分"; a dash once the clock has stopped. */
export function timeLeft(t: I18n['t'], minutesLeft: number | null): string {
  if (minutesLeft === null) return t('time.stopped');
  return minutesLeft < 0
    ? `${t('time.over')} ${formatMinutes(t, minutesLeft)}`
    : `${t('time.left')} ${formatMinutes(t, minutesLeft)}`;
}

/** Whether `code` is an entry of the vocabulary `keys`. */
function isEntry<K extends string | number>(keys: Record<K, MessageKey>, code: string | number): code is K {
  return Object.hasOwn(keys, code);
}

/**
 * The message of `code` in a vocabulary's typed catalogue keys, or the code itself when the
 * vocabulary has no such entry (data newer than the web app).
 */
export function codeName<K extends string | number>(
  t: I18n['t'],
  keys: Record<K, MessageKey>,
  code: string | number,
): string {
  return isEntry(keys, code) ? t(keys[code]) : String(code);
}

/** How an incident came in (patrol, citizen, desk, …). */
export type Channel = (typeof CHANNELS)[number];

/**
 * What a timeline entry records: a lifecycle action, or one of the entries the API writes
 * itself (the report, a grid reassignment, a duplicate merged into this incident).
 */
export type TimelineAction =
  | IncidentAction
  | 'report'
  | 'reassign_grid'
  | 'merged_in'
  | 'rate'
  | 'task_add'
  | 'supervise'
  | 'supervision_answer'
  | 'task_accept'
  | 'task_done'
  | 'task_refuse'
  | 'task_close';

/** The incident priorities, most urgent first. */
export const PRIORITIES = [1, 2, 3, 4] as const;
export type Priority = (typeof PRIORITIES)[number];

// The catalogue keys of each vocabulary. Typed records: an entry without its message, or with a
// key the catalogue lacks, fails the typecheck.
const STATUS_KEYS: Record<IncidentStatus, MessageKey> = {
  reported: 'st.reported',
  accepted: 'st.accepted',
  rejected: 'st.rejected',
  dispatched: 'st.dispatched',
  on_scene: 'st.on_scene',
  resolved: 'st.resolved',
  verified: 'st.verified',
  closed: 'st.closed',
  merged: 'st.merged',
};

const ACTION_KEYS: Record<TimelineAction, MessageKey> = {
  report: 'action.report',
  accept: 'action.accept',
  reject: 'action.reject',
  dispatch: 'action.dispatch',
  return: 'action.return',
  arrive: 'action.arrive',
  resolve: 'action.resolve',
  verify_pass: 'action.verify_pass',
  verify_fail: 'action.verify_fail',
  close: 'action.close',
  request_extension: 'action.request_extension',
  grant_extension: 'action.grant_extension',
  deny_extension: 'action.deny_extension',
  merge: 'action.merge',
  reassign_grid: 'action.reassign_grid',
  merged_in: 'action.merged_in',
  transfer: 'action.transfer',
  rate: 'action.rate',
  send_back: 'action.send_back',
  assign_unit: 'action.assign_unit',
  task_add: 'action.task_add',
  task_accept: 'action.task_accept',
  task_done: 'action.task_done',
  task_refuse: 'action.task_refuse',
  task_close: 'action.task_close',
  supervise: 'action.supervise',
  supervision_answer: 'action.supervision_answer',
};

const CHANNEL_KEYS: Record<Channel, MessageKey> = {
  patrol: 'channel.patrol',
  citizen: 'channel.citizen',
  open311: 'channel.open311',
  video: 'channel.video',
  iot: 'channel.iot',
  hotline: 'channel.hotline',
  venue_code: 'channel.venue_code',
  desk: 'channel.desk',
};

const PRIORITY_KEYS: Record<Priority, MessageKey> = {
  1: 'priority.1',
  2: 'priority.2',
  3: 'priority.3',
  4: 'priority.4',
};

/** Translated incident status (the API sends it as a string: unknown ones show as they are). */
export function incidentStatusName(t: I18n['t'], status: string): string {
  return codeName(t, STATUS_KEYS, status);
}

/** Translated lifecycle action or timeline entry. */
export function actionName(t: I18n['t'], action: string): string {
  return codeName(t, ACTION_KEYS, action);
}

/** Translated channel. */
export function channelName(t: I18n['t'], channel: string): string {
  return codeName(t, CHANNEL_KEYS, channel);
}

/** Translated priority ("一级（特急）"). */
export function priorityName(t: I18n['t'], priority: number): string {
  return codeName(t, PRIORITY_KEYS, priority);
}

/**
 * The phrases the server writes into timeline notes itself (beside the note a user typed),
 * each with its message: matched anywhere in a note, in this order (longer phrases first).
 */
const NOTE_PHRASES: readonly { pattern: RegExp; say: (t: I18n['t'], m: RegExpExecArray) => string }[] = [
  {
    pattern: /rework: the team that resolved it cannot take it now; back to accepted for a new dispatch/,
    say: (t) => t('note.reworkNoTeam'),
  },
  {
    pattern: /rework: team (\d+) (.+?) sent again/,
    say: (t, m) => t('note.reworkTeam', { id: m[1]!, name: m[2]! }),
  },
  { pattern: /asks ([0-9.]+) working hours/, say: (t, m) => t('note.asksHours', { n: m[1]! }) },
  { pattern: /duplicate of incident (\d+)/, say: (t, m) => t('note.duplicateOf', { id: m[1]! }) },
  {
    pattern: /incident (\d+) merged into this one/,
    say: (t, m) => t('note.mergedIn', { id: m[1]! }),
  },
  { pattern: /reassigned to team (\d+)/, say: (t, m) => t('note.reassignedTo', { id: m[1]! }) },
  {
    pattern: /grid (\d+|none) → (\d+|none \(in no grid of the village\))/,
    say: (t, m) =>
      t('note.gridMoved', {
        from: m[1] === 'none' ? t('note.noGrid') : m[1]!,
        to: /^\d+$/.test(m[2]!) ? m[2]! : t('note.noGrid'),
      }),
  },
  {
    pattern: /inside the impact zone of risk source\(s\) (\d+(?:, \d+)*)/,
    say: (t, m) => t('note.riskZone', { ids: m[1]! }),
  },
  // a report's note starts with the channel it came in by
  { pattern: /^[a-z][a-z0-9_]*$/, say: (t, m) => channelName(t, m[0]) },
  { pattern: /^team (\d+(?:, \d+)*)$/, say: (t, m) => t('note.teams', { ids: m[1]! }) },
  { pattern: /^team (\d+) (.+)$/, say: (t, m) => t('note.team', { id: m[1]!, name: m[2]! }) },
];

/**
 * A timeline note in the interface language: the phrases the server wrote ("asks 7 working
 * hours", "team 12 常平巡逻一队", a report's channel) said in words, what a user typed left as
 * typed.
 */
export function timelineNote(t: I18n['t'], note: string): string {
  const said: string[] = [];
  for (const part of splitNote(note)) {
    const phrase = NOTE_PHRASES.map((p) => ({ p, m: p.pattern.exec(part) })).find((x) => x.m !== null);
    said.push(phrase?.m ? part.replace(phrase.m[0], phrase.p.say(t, phrase.m)) : part);
  }
  return said.join(t('note.separator'));
}

/** A note's parts as the server joined them with "; ", keeping a phrase that has one inside whole. */
function splitNote(note: string): string[] {
  const whole = NOTE_PHRASES[0]!.pattern;
  const m = whole.exec(note);
  if (!m) return note.split('; ');
  const before = note.slice(0, m.index).replace(/; $/, '');
  const after = note.slice(m.index + m[0].length).replace(/^; /, '');
  return [...(before ? before.split('; ') : []), m[0], ...(after ? after.split('; ') : [])];
}
