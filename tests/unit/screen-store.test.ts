import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../web/api/client.ts';
import { applyEvents, screenDataFrom, type ScreenData } from '../../web/screen/screen-data.ts';
import {
  EMPTY_STORE,
  EVENT_MEMORY_MS,
  screenStoreReducer,
  type ScreenStore,
  type TimedEvent,
} from '../../web/screen/screen-store.ts';

let seq = 0;
function event(
  kind: LiveEvent['kind'],
  id: number,
  op: LiveEvent['op'],
  data: Record<string, unknown> = {},
): LiveEvent {
  seq += 1;
  return { type: 'event', seq, at: '2025-01-01T00:00:00Z', kind, id: String(id), op, data };
}

function point(id: number, lon: number, lat: number, properties: Record<string, unknown>) {
  return {
    type: 'Feature' as const,
    id,
    geometry: { type: 'Point' as const, coordinates: [lon, lat] },
    properties,
  };
}

/** Two open incidents, a team and a risk source, as the feature API gives them. */
function loaded(): ScreenData {
  return screenDataFrom(
    [
      {
        type: 'FeatureCollection',
        features: [
          point(1, 114, 23, { status: 'reported', priority: 2, category: '0403', townCode: '441900110' }),
        ],
      },
      {
        type: 'FeatureCollection',
        features: [point(2, 113.9, 22.9, { status: 'dispatched', priority: '3' })],
      },
    ] as never,
    {
      type: 'FeatureCollection',
      features: [point(10, 113.8, 22.8, { status: 'available', kind: 'patrol', name: 'A' })],
    } as never,
    {
      type: 'FeatureCollection',
      features: [point(20, 113.7, 22.7, { level: 1, impactRadiusM: 300 })],
    } as never,
  );
}

describe('applyEvents: live events change what the screen draws', () => {
  it('reads the loaded features: positions, statuses, priorities (numbers or text), radii', () => {
    const d = loaded();
    expect(d.incidents.get(1)).toEqual({
      id: 1,
      position: [114, 23],
      status: 'reported',
      priority: 2,
      category: '0403',
      townCode: '441900110',
    });
    expect(d.incidents.get(2)?.priority).toBe(3);
    expect(d.teams.get(10)).toMatchObject({ status: 'available', kind: 'patrol', name: 'A' });
    expect(d.risks.get(20)).toMatchObject({ level: 1, radiusM: 300 });
  });

  it('adds a new incident, moves a team, recolours a status, deletes a risk source', () => {
    const before = loaded();
    const after = applyEvents(before, [
      event('incident', 3, 'insert', {
        lon: 114.1,
        lat: 23.1,
        priority: 1,
        status: 'reported',
        category: '0403',
      }),
      event('team', 10, 'update', { lon: 113.81, lat: 22.81 }),
      event('incident', 1, 'update', { status: 'resolved' }),
      event('risk_source', 20, 'delete'),
    ]);
    expect(after.incidents.get(3)).toMatchObject({
      position: [114.1, 23.1],
      priority: 1,
      status: 'reported',
    });
    // a partial update keeps what it does not say
    expect(after.teams.get(10)).toMatchObject({ position: [113.81, 22.81], status: 'available', name: 'A' });
    expect(after.incidents.get(1)).toMatchObject({ status: 'resolved', priority: 2, position: [114, 23] });
    expect(after.risks.has(20)).toBe(false);
    // the data loaded is left as it was
    expect(before.incidents.size).toBe(2);
    expect(before.teams.get(10)?.position).toEqual([113.8, 22.8]);
    expect(before.risks.has(20)).toBe(true);
  });

  it('is idempotent, and keeps what nothing changed (same maps, same data)', () => {
    const d = loaded();
    const events = [
      event('incident', 1, 'update', { status: 'accepted' }),
      event('team', 10, 'update', { status: 'busy' }),
    ];
    const once = applyEvents(d, events);
    const twice = applyEvents(once, events);
    expect([...twice.incidents.values()]).toEqual([...once.incidents.values()]);
    expect([...twice.teams.values()]).toEqual([...once.teams.values()]);
    expect(once.risks).toBe(d.risks);
    // dispatches and areas draw nothing here; an unknown incident without a position neither
    expect(applyEvents(d, [event('dispatch', 5, 'insert', { incidentId: 1 })])).toBe(d);
    expect(applyEvents(d, [event('area', 5, 'update')])).toBe(d);
    expect(applyEvents(d, [event('risk_source', 99, 'delete')])).toBe(d);
    expect(applyEvents(d, [event('incident', 99, 'update', { status: 'closed' })]).incidents.has(99)).toBe(
      false,
    );
  });
});

describe('screenStoreReducer: loads and events in any order', () => {
  const timed = (at: number, e: LiveEvent): TimedEvent => ({ at, event: e });

  it('applies events to the loaded data; events before the first load are kept for it', () => {
    const early = timed(100, event('incident', 4, 'insert', { lon: 114, lat: 23, priority: 1 }));
    let s: ScreenStore = screenStoreReducer(EMPTY_STORE, { type: 'events', events: [early] });
    expect(s.data).toBeNull();
    // the load began before the event came: the event is applied on top
    s = screenStoreReducer(s, { type: 'loaded', data: loaded(), startedAt: 50 });
    expect(s.data?.incidents.has(4)).toBe(true);
    s = screenStoreReducer(s, {
      type: 'events',
      events: [timed(200, event('incident', 4, 'update', { status: 'accepted' }))],
    });
    expect(s.data?.incidents.get(4)?.status).toBe('accepted');
  });

  it('a reload replaces the data, re-applying only the events since its loading began', () => {
    const old = timed(100, event('incident', 1, 'update', { status: 'accepted' }));
    const during = timed(300, event('incident', 1, 'update', { status: 'dispatched' }));
    let s = screenStoreReducer(EMPTY_STORE, { type: 'loaded', data: loaded(), startedAt: 0 });
    s = screenStoreReducer(s, { type: 'events', events: [old, during] });
    // the server read the incident as on scene (a change whose event was missed: a snapshot)
    const fresh = applyEvents(loaded(), [event('incident', 1, 'update', { status: 'on_scene' })]);
    const reloaded = screenStoreReducer(s, { type: 'loaded', data: fresh, startedAt: 200 });
    // the event before the reload began is not replayed over newer data; the one during it is
    expect(reloaded.data?.incidents.get(1)?.status).toBe('dispatched');
    const later = screenStoreReducer(s, { type: 'loaded', data: fresh, startedAt: 400 });
    expect(later.data?.incidents.get(1)?.status).toBe('on_scene');
  });

  it('forgets events older than EVENT_MEMORY_MS', () => {
    let s = screenStoreReducer(EMPTY_STORE, {
      type: 'events',
      events: [timed(0, event('team', 10, 'update', { status: 'busy' }))],
    });
    s = screenStoreReducer(s, {
      type: 'events',
      events: [timed(EVENT_MEMORY_MS + 1, event('team', 10, 'update', { status: 'off_duty' }))],
    });
    expect(s.recent).toHaveLength(1);
    expect(screenStoreReducer(s, { type: 'events', events: [] })).toBe(s);
  });
});
