/**
 * The sample city's history, placed at the time it is loaded. The generator writes the city
 * as of a reference instant (a local midnight) plus one more day; the loader moves it by a
 * whole number of days, so that the load time falls inside that last day at the same time of
 * day (nights stay nights, the daily rhythm of reports and shifts stays true), and leaves out
 * whatever would then lie in the future. An incident's state at the load time is its
 * timeline folded up to then — the same state machine the API applies.
 */
import { TRANSITIONS, type IncidentAction, type IncidentStatus } from '../incident-lifecycle.ts';
import { DAY_MS } from './time.ts';

/**
 * Milliseconds to add to the dataset's times: the whole days that put the load time `nowMs`
 * within [reference, reference + 1 day) after the move.
 */
export function historyShift(referenceMs: number, nowMs: number): number {
  return Math.floor((nowMs - referenceMs) / DAY_MS) * DAY_MS;
}

export interface TimelineEvent {
  at: number;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
}

export interface FoldedIncident {
  status: IncidentStatus;
  closedAt: number | null;
  extensionPendingMinutes: number | null;
  extendedMinutes: number;
  reworkCount: number;
  merged: boolean;
  /** Time of the last event (the incident's updated_at). */
  updatedAt: number;
}

/** Minutes asked by an extension request, from its note as the API writes it ("asks 7 working hours"). */
function askedMinutes(note: string | null): number {
  const m = /asks ([0-9.]+) working hours/.exec(note ?? '');
  if (!m) throw new Error(`extension request without hours: ${note}`);
  return Math.round(Number(m[1]) * 60);
}

/**
 * The state an incident's timeline (oldest first, starting with its report) leads to.
 * Throws when an event does not follow the state machine (api/lib/incident-lifecycle.ts):
 * a history the API could not have written is refused, not loaded.
 */
export function foldTimeline(events: readonly TimelineEvent[]): FoldedIncident {
  const first = events[0];
  if (!first || first.action !== 'report' || first.toStatus !== 'reported')
    throw new Error('a timeline starts with its report');
  const s: FoldedIncident = {
    status: 'reported',
    closedAt: null,
    extensionPendingMinutes: null,
    extendedMinutes: 0,
    reworkCount: 0,
    merged: false,
    updatedAt: first.at,
  };
  for (const e of events.slice(1)) {
    s.updatedAt = e.at;
    if (e.action === 'merged_in') continue; // a duplicate joined this one: no change here
    const rule = TRANSITIONS[e.action as IncidentAction];
    if (!rule) throw new Error(`unknown action ${e.action}`);
    if (!rule.from.includes(s.status) || e.fromStatus !== s.status)
      throw new Error(`${e.action} from ${e.fromStatus} is not allowed in status ${s.status}`);
    const to = (e.toStatus ?? s.status) as IncidentStatus;
    // verify_fail goes back to the team (dispatched) or, with none free, to accepted
    const allowedTo = e.action === 'verify_fail' ? ['dispatched', 'accepted'] : [rule.to ?? s.status];
    if (!allowedTo.includes(to)) throw new Error(`${e.action} cannot lead to ${to}`);
    if (e.action === 'request_extension') {
      if (s.extensionPendingMinutes !== null) throw new Error('an extension request is already pending');
      s.extensionPendingMinutes = askedMinutes(e.note);
    } else if (e.action === 'grant_extension' || e.action === 'deny_extension') {
      if (s.extensionPendingMinutes === null) throw new Error(`${e.action} without a request`);
      if (e.action === 'grant_extension') s.extendedMinutes += s.extensionPendingMinutes;
      s.extensionPendingMinutes = null;
    } else if (e.action === 'verify_fail') {
      s.reworkCount += 1;
    } else if (e.action === 'merge') {
      s.merged = true;
    } else if (e.action === 'close') {
      s.closedAt = e.at;
    }
    s.status = to;
  }
  return s;
}
