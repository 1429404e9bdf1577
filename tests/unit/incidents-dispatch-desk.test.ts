import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../web/api/client.ts';
import {
  activeTeam,
  candidateRoutes,
  deskFor,
  deskKey,
  deskReducer,
  initialDesk,
  wantsCandidates,
  type DeskAction,
  type DeskState,
} from '../../web/incidents/dispatch-desk-state.ts';

function candidate(teamId: number, lon: number, lat: number): Candidate {
  return {
    teamId,
    name: `队 ${teamId}`,
    lon,
    lat,
    route: {
      type: 'LineString',
      coordinates: [
        [lon, lat],
        [114, 22.98],
      ],
    },
  } as Candidate;
}

const A = candidate(11, 114.01, 22.99);
const B = candidate(12, 113.99, 22.97);

function run(state: DeskState, ...actions: DeskAction[]): DeskState {
  return actions.reduce(deskReducer, state);
}

describe('the dispatch desk of an incident', () => {
  const key = deskKey({ id: 7, status: 'accepted' });

  it('is keyed by incident and status', () => {
    expect(key).toBe('7:accepted');
    expect(deskKey({ id: 7, status: 'dispatched' })).not.toBe(key);
    expect(deskKey({ id: 8, status: 'accepted' })).not.toBe(key);
  });

  it('hover and pick choose the highlighted route: hovered, else picked, else the fastest', () => {
    let s = initialDesk(key);
    expect(activeTeam(s, [A, B])).toBe(11);
    expect(activeTeam(s, [])).toBeNull();
    s = run(s, { key, type: 'choose', teamId: 12 });
    expect(activeTeam(s, [A, B])).toBe(12);
    s = run(s, { key, type: 'hover', teamId: 11 });
    expect(activeTeam(s, [A, B])).toBe(11);
    s = run(s, { key, type: 'hover', teamId: null });
    expect(activeTeam(s, [A, B])).toBe(12);
  });

  it('starts over when the incident or its status changes, whoever changed it', () => {
    const s = run(
      initialDesk(key),
      { key, type: 'choose', teamId: 12 },
      { key, type: 'toggleReassign' },
      { key, type: 'failed', error: new Error('taken') },
    );
    expect(s).toMatchObject({ chosen: 12, reassigning: true });
    const other = deskKey({ id: 7, status: 'dispatched' });
    // reading it under the new key: a fresh state
    expect(deskFor(s, other)).toEqual(initialDesk(other));
    // an action under the new key starts from the fresh state
    expect(run(s, { key: other, type: 'hover', teamId: 11 })).toEqual({ ...initialDesk(other), hovered: 11 });
    // under its own key it is kept
    expect(deskFor(s, key)).toBe(s);
  });

  it('a refusal is kept until the next attempt; success starts over', () => {
    const error = new Error('team taken');
    let s = run(initialDesk(key), { key, type: 'toggleReassign' }, { key, type: 'failed', error });
    expect(s.error).toBe(error);
    expect(s.reassigning).toBe(true);
    s = run(s, { key, type: 'sending' });
    expect(s.error).toBeNull();
    expect(s.reassigning).toBe(true);
    s = run(s, { key, type: 'choose', teamId: 11 }, { key, type: 'done' });
    expect(s).toEqual(initialDesk(key));
  });

  it('toggles choosing another team', () => {
    const s = run(initialDesk(key), { key, type: 'toggleReassign' });
    expect(s.reassigning).toBe(true);
    expect(run(s, { key, type: 'toggleReassign' }).reassigning).toBe(false);
  });
});

describe('when the candidates are wanted', () => {
  const needs = { teamCapability: 'urban_management' };
  it('for an accepted incident needing a team, by a dispatcher', () => {
    expect(wantsCandidates({ ...needs, status: 'accepted' }, true, false)).toBe(true);
    expect(wantsCandidates({ ...needs, status: 'accepted' }, false, false)).toBe(false);
    expect(wantsCandidates({ teamCapability: null, status: 'accepted' }, true, false)).toBe(false);
    expect(wantsCandidates({ ...needs, status: 'reported' }, true, false)).toBe(false);
    expect(wantsCandidates({ ...needs, status: 'resolved' }, true, true)).toBe(false);
  });
  it('for one with a team only while another is being chosen', () => {
    expect(wantsCandidates({ ...needs, status: 'dispatched' }, true, false)).toBe(false);
    expect(wantsCandidates({ ...needs, status: 'dispatched' }, true, true)).toBe(true);
    expect(wantsCandidates({ ...needs, status: 'on_scene' }, true, true)).toBe(true);
  });
});

describe('candidate routes for the map', () => {
  it('one line per candidate from the team, the active one marked', () => {
    expect(candidateRoutes({ lon: 114, lat: 22.98 }, [], null)).toBeNull();
    expect(candidateRoutes({ lon: 114, lat: 22.98 }, [A, B], 12)).toEqual({
      incident: [114, 22.98],
      lines: [
        { teamId: 11, team: [114.01, 22.99], path: A.route.coordinates },
        { teamId: 12, team: [113.99, 22.97], path: B.route.coordinates },
      ],
      activeTeamId: 12,
    });
  });
});
