import { describe, expect, it } from 'vitest';
import type { Me } from '../../web/api/client.ts';
import { sessionStatus } from '../../web/lib/session.tsx';
import { areaLevelWanted } from '../../web/map/use-areas.ts';

describe('the session', () => {
  it('is loading until /api/auth/me answers, then signed in or out', () => {
    expect(sessionStatus({ isPending: true, data: undefined })).toBe('loading');
    expect(sessionStatus({ isPending: false, data: null })).toBe('signed-out');
    // a failure (server down) leaves nobody signed in
    expect(sessionStatus({ isPending: false, data: undefined })).toBe('signed-out');
    expect(sessionStatus({ isPending: false, data: { id: 1 } as Me })).toBe('signed-in');
  });
});

describe('when area outlines are asked for', () => {
  const all = { town: true, village: true, grid: true };
  it('towns at once; villages from zoom 10.5, grids from 12.5, each only with its switch on', () => {
    expect(areaLevelWanted('town', 7, all, {})).toBe(true);
    expect(areaLevelWanted('village', 10, all, {})).toBe(false);
    expect(areaLevelWanted('village', 10.5, all, {})).toBe(true);
    expect(areaLevelWanted('grid', 12, all, {})).toBe(false);
    expect(areaLevelWanted('grid', 12.5, all, {})).toBe(true);
    expect(areaLevelWanted('grid', 15, { ...all, grid: false }, {})).toBe(false);
  });
  it('a level needed now (villages for a choropleth) whatever the zoom and switch', () => {
    expect(areaLevelWanted('village', 8, { ...all, village: false }, { village: true })).toBe(true);
  });
});
