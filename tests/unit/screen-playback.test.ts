import { describe, expect, it } from 'vitest';
import type { Playback } from '../../web/api/client.ts';
import {
  fromLocalInput,
  initialPlayback,
  playbackReducer,
  toLocalInput,
  type PlaybackClock,
} from '../../web/screen/playback-clock.ts';
import { playbackFrame, positionAt, preparePlayback, statusAt } from '../../web/screen/playback-data.ts';

/** 2025-03-01 10:00 China time = 02:00 UTC. */
const T0 = Date.parse('2025-03-01T02:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

function loadedClock(span = { from: T0, to: T0 + HOUR }): PlaybackClock {
  return playbackReducer(initialPlayback(T0 + 2 * HOUR), { type: 'loaded', span });
}

describe('the window inputs (China time, whatever the machine zone)', () => {
  it('write and read time field texts at UTC+8', () => {
    expect(toLocalInput(T0)).toBe('2025-03-01 10:00');
    expect(fromLocalInput('2025-03-01 10:00')).toBe(T0);
    expect(fromLocalInput('2025-03-01T10:00')).toBe(T0);
    expect(fromLocalInput('')).toBeNaN();
  });
});

describe('playbackReducer: the playback clock', () => {
  it('starts on the last 24 hours up to the next minute, asked for at once, at ×600, not playing', () => {
    const now = Date.parse('2025-03-01T02:00:30Z');
    const c = initialPlayback(now);
    expect(c.fromInput).toBe('2025-02-28 10:00');
    expect(c.toInput).toBe('2025-03-01 10:01');
    expect(c.request).toEqual({
      from: Date.parse('2025-02-28T02:00:00Z'),
      to: Date.parse('2025-03-01T02:01:00Z'),
      n: 1,
    });
    expect(c.speed).toBe(600);
    expect(c.playing).toBe(false);
    expect(c.span).toBeNull();
  });

  it('refuses a window whose end is not after its start, and loads a good one again on request', () => {
    let c = initialPlayback(T0);
    c = playbackReducer(c, { type: 'to', value: '2025-02-01T10:00' });
    c = playbackReducer(c, { type: 'load' });
    expect(c.badWindow).toBe(true);
    expect(c.request?.n).toBe(1);
    c = playbackReducer(c, { type: 'to', value: '2025-03-01T12:00' });
    c = playbackReducer(c, { type: 'load' });
    expect(c.badWindow).toBe(false);
    expect(c.request).toMatchObject({ to: T0 + 2 * HOUR, n: 2 });
    // the same window once more is a new request
    expect(playbackReducer(c, { type: 'load' }).request?.n).toBe(3);
  });

  it('plays a loaded window from its start, at its speed, and stops at its end', () => {
    let c = loadedClock();
    expect(c).toMatchObject({ now: T0, playing: true });
    c = playbackReducer(c, { type: 'tick', ms: 1000 }); // 1 s at ×600 = 10 min
    expect(c.now).toBe(T0 + 10 * MIN);
    c = playbackReducer(c, { type: 'speed', speed: 60 });
    c = playbackReducer(c, { type: 'tick', ms: 1000 });
    expect(c.now).toBe(T0 + 11 * MIN);
    c = playbackReducer(c, { type: 'tick', ms: 3_600_000 });
    expect(c).toMatchObject({ now: T0 + HOUR, playing: false });
    // no time passes while paused
    expect(playbackReducer(c, { type: 'tick', ms: 1000 })).toBe(c);
  });

  it('pauses and resumes; playing again at the end starts over', () => {
    let c = playbackReducer(loadedClock(), { type: 'toggle' });
    expect(c.playing).toBe(false);
    c = playbackReducer(c, { type: 'toggle' });
    expect(c).toMatchObject({ playing: true, now: T0 });
    c = playbackReducer(c, { type: 'scrub', at: T0 + 2 * HOUR });
    expect(c.now).toBe(T0 + HOUR); // within the window
    c = playbackReducer(c, { type: 'tick', ms: 16 });
    expect(c.playing).toBe(false);
    c = playbackReducer(c, { type: 'toggle' });
    expect(c).toMatchObject({ playing: true, now: T0 });
  });

  it('does nothing with play, scrub or ticks before a window is loaded; a new load pauses', () => {
    const c = initialPlayback(T0);
    expect(playbackReducer(c, { type: 'toggle' })).toBe(c);
    expect(playbackReducer(c, { type: 'scrub', at: T0 })).toBe(c);
    expect(playbackReducer(c, { type: 'tick', ms: 10 })).toBe(c);
    const playing = loadedClock();
    expect(playbackReducer(playing, { type: 'load' }).playing).toBe(false);
  });
});

const PLAYBACK: Playback = {
  from: '2025-03-01T02:00:00Z',
  to: '2025-03-01T03:00:00Z',
  truncated: false,
  incidents: [
    {
      id: 2,
      reportedAt: '2025-03-01T02:30:00Z',
      lon: 114.1,
      lat: 23.1,
      priority: 2,
      category: '0101',
      steps: [],
    },
    {
      id: 1,
      reportedAt: '2025-03-01T02:10:00Z',
      lon: 114,
      lat: 23,
      priority: 1,
      category: '0403',
      steps: [
        ['2025-03-01T02:15:00Z', 'dispatched'],
        ['2025-03-01T02:40:00Z', 'resolved'],
      ],
    },
  ],
  tracks: [
    {
      teamId: 5,
      kind: 'patrol',
      // out of order on purpose
      points: [
        ['2025-03-01T02:20:00Z', 114.2, 23.2],
        ['2025-03-01T02:10:00Z', 114.0, 23.0],
      ],
    },
    { teamId: 6, kind: 'patrol', points: [] },
  ],
};

describe('what a playback shows at an instant', () => {
  const p = preparePlayback(PLAYBACK);

  it('orders incidents by report time and fixes by time, leaving out empty tracks', () => {
    expect(p.incidents.map((i) => i.id)).toEqual([1, 2]);
    expect(p.tracks).toHaveLength(1);
    expect(p.tracks[0]?.times).toEqual([T0 + 10 * MIN, T0 + 20 * MIN]);
  });

  it('gives each incident its status at the instant', () => {
    const steps = p.incidents[0]!.steps;
    expect(statusAt(steps, T0 + 12 * MIN)).toBe('reported');
    expect(statusAt(steps, T0 + 15 * MIN)).toBe('dispatched');
    expect(statusAt(steps, T0 + 59 * MIN)).toBe('resolved');
  });

  it('places a team between its fixes, at its last one after it, nowhere before its first', () => {
    const track = p.tracks[0]!;
    expect(positionAt(track, T0 + 5 * MIN)).toBeNull();
    const mid = positionAt(track, T0 + 15 * MIN)!;
    expect(mid[0]).toBeCloseTo(114.1, 10);
    expect(mid[1]).toBeCloseTo(23.1, 10);
    expect(positionAt(track, T0 + 50 * MIN)).toEqual([114.2, 23.2]);
  });

  it('shows the incidents reported so far, the newest fresh (a window stretched by the speed)', () => {
    const at35 = playbackFrame(p, T0 + 35 * MIN, 10);
    expect(at35.incidents).toEqual([
      { position: [114, 23], status: 'dispatched', priority: 1, fresh: false },
      { position: [114.1, 23.1], status: 'reported', priority: 2, fresh: false },
    ]);
    expect(at35.teams).toEqual([[114.2, 23.2]]);
    expect(playbackFrame(p, T0 + 30 * MIN + 30_000, 10).incidents[1]?.fresh).toBe(true);
    // at ×600 the last hour counts as fresh
    expect(playbackFrame(p, T0 + 35 * MIN, 600).incidents.every((i) => i.fresh)).toBe(true);
    expect(playbackFrame(p, T0, 600)).toEqual({ tracks: p.tracks, incidents: [], teams: [] });
    expect(playbackFrame(null, T0, 600)).toEqual({ tracks: [], incidents: [], teams: [] });
  });
});
