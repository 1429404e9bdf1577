import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../web/api/client.ts';
import { alarmFromMessage, alarmQueueReducer, type Alarm } from '../../web/screen/alarm-queue.ts';

function incidentInsert(id: number, data: Record<string, unknown>): LiveMessage {
  return {
    type: 'event',
    seq: id,
    at: '2025-03-01T02:00:00Z',
    kind: 'incident',
    id: String(id),
    op: 'insert',
    data,
  };
}

const LEVEL1 = { priority: 1, lon: 114.0012, lat: 22.9795, category: '0403', townCode: '441900110' };

describe('alarmFromMessage: a new level-1 incident with a position raises the alarm', () => {
  it('takes category, place and report time from the event', () => {
    expect(
      alarmFromMessage(incidentInsert(7, { ...LEVEL1, gridCode: 'G1', reportedAt: '2025-03-01T01:59:58Z' })),
    ).toEqual({
      id: 7,
      category: '0403',
      townCode: '441900110',
      gridCode: 'G1',
      position: [114.0012, 22.9795],
      at: '2025-03-01T01:59:58Z',
    });
    // without a report time, the event's; priority as text counts
    expect(alarmFromMessage(incidentInsert(8, { ...LEVEL1, priority: '1' }))?.at).toBe(
      '2025-03-01T02:00:00Z',
    );
  });

  it('ignores other priorities, updates, other kinds, positionless incidents and non-events', () => {
    expect(alarmFromMessage(incidentInsert(1, { ...LEVEL1, priority: 2 }))).toBeNull();
    expect(
      alarmFromMessage({ ...(incidentInsert(1, LEVEL1) as object), op: 'update' } as LiveMessage),
    ).toBeNull();
    expect(
      alarmFromMessage({ ...(incidentInsert(1, LEVEL1) as object), kind: 'team' } as LiveMessage),
    ).toBeNull();
    expect(alarmFromMessage(incidentInsert(1, { priority: 1 }))).toBeNull();
    expect(alarmFromMessage({ type: 'snapshot', seq: 3, reason: 'behind' })).toBeNull();
    expect(alarmFromMessage({ type: 'tick', seq: 3 })).toBeNull();
  });
});

describe('alarmQueueReducer: the first alarm is shown, the others wait', () => {
  const alarm = (id: number): Alarm => ({
    id,
    category: '0403',
    townCode: null,
    gridCode: null,
    position: [114, 23],
    at: '2025-03-01T02:00:00Z',
  });

  it('queues alarms in arrival order, once per incident', () => {
    let q = alarmQueueReducer([], { type: 'raise', alarm: alarm(1) });
    q = alarmQueueReducer(q, { type: 'raise', alarm: alarm(2) });
    const same = alarmQueueReducer(q, { type: 'raise', alarm: alarm(1) });
    expect(same).toBe(q);
    expect(q.map((a) => a.id)).toEqual([1, 2]);
  });

  it('dismissing the shown alarm brings the next; a late timer of a dismissed one changes nothing', () => {
    const q = [alarm(1), alarm(2), alarm(3)];
    const next = alarmQueueReducer(q, { type: 'dismiss', id: 1 });
    expect(next.map((a) => a.id)).toEqual([2, 3]);
    expect(alarmQueueReducer(next, { type: 'dismiss', id: 1 })).toBe(next);
    const empty = alarmQueueReducer(alarmQueueReducer(next, { type: 'dismiss', id: 2 }), {
      type: 'dismiss',
      id: 3,
    });
    expect(empty).toEqual([]);
  });
});
