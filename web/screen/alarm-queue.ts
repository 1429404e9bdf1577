import type { LiveMessage } from '../api/client.ts';
import type { LonLat } from '../map/layers/geometry.ts';

/** A level-1 incident that raised the alarm. */
export interface Alarm {
  id: number;
  category: string;
  townCode: string | null;
  gridCode: string | null;
  position: LonLat;
  /** When it was reported (ISO). */
  at: string;
}

/** The alarm a live message raises: a new level-1 incident with a position; null otherwise. */
export function alarmFromMessage(m: LiveMessage): Alarm | null {
  if (m.type !== 'event' || m.kind !== 'incident' || m.op !== 'insert') return null;
  const d = m.data;
  if (Number(d.priority) !== 1 || typeof d.lon !== 'number' || typeof d.lat !== 'number') return null;
  return {
    id: Number(m.id),
    category: typeof d.category === 'string' ? d.category : '',
    townCode: typeof d.townCode === 'string' ? d.townCode : null,
    gridCode: typeof d.gridCode === 'string' ? d.gridCode : null,
    position: [d.lon, d.lat],
    at: typeof d.reportedAt === 'string' ? d.reportedAt : m.at,
  };
}

export type AlarmAction =
  /** A new alarm joins the end of the queue (once per incident). */
  | { type: 'raise'; alarm: Alarm }
  /** The alarm of this incident is done with (dismissed, or its time on screen is up). */
  | { type: 'dismiss'; id: number };

/** The queue of alarms: the first is on screen, the others wait their turn. */
export function alarmQueueReducer(queue: readonly Alarm[], action: AlarmAction): readonly Alarm[] {
  if (action.type === 'raise') {
    return queue.some((a) => a.id === action.alarm.id) ? queue : [...queue, action.alarm];
  }
  return queue.some((a) => a.id === action.id) ? queue.filter((a) => a.id !== action.id) : queue;
}
