import { describe, expect, it } from 'vitest';
import type { Team, TeamList } from '../../web/api/client.ts';
import {
  currentTeam,
  INITIAL_TEAMS,
  teamQuery,
  teamsReducer,
  withTeam,
  type TeamsAction,
  type TeamsState,
} from '../../web/teams/teams-state.ts';

function team(id: number, onDuty = true): Team {
  return { id, name: `队 ${id}`, onDuty, status: onDuty ? 'available' : 'off_duty' } as Team;
}

function run(state: TeamsState, ...actions: TeamsAction[]): TeamsState {
  return actions.reduce(teamsReducer, state);
}

describe('team list filters and paging', () => {
  it('asks for the first page of everything at first', () => {
    expect(teamQuery(INITIAL_TEAMS)).toEqual({
      status: undefined,
      kind: undefined,
      q: undefined,
      limit: 50,
      offset: 0,
    });
  });

  it('a status or kind filter goes back to the first page', () => {
    const paged = run(INITIAL_TEAMS, { type: 'page', offset: 100 });
    expect(teamQuery(paged).offset).toBe(100);
    expect(run(paged, { type: 'status', status: 'available' })).toMatchObject({
      status: 'available',
      offset: 0,
    });
    expect(run(paged, { type: 'kind', kind: 'police' })).toMatchObject({ kind: 'police', offset: 0 });
    expect(teamQuery(run(paged, { type: 'kind', kind: 'police' }))).toMatchObject({
      kind: 'police',
      offset: 0,
    });
  });

  it('the name search is asked for (trimmed) only once the typing paused, and then from the first page', () => {
    let s = run(INITIAL_TEAMS, { type: 'page', offset: 50 }, { type: 'search', search: ' 城管 ' });
    expect(s).toMatchObject({ search: ' 城管 ', q: '', offset: 50 });
    s = run(s, { type: 'settle' });
    expect(s).toMatchObject({ q: '城管', offset: 0 });
    expect(teamQuery(s).q).toBe('城管');
    // a pause without a change keeps the page
    s = run(s, { type: 'page', offset: 50 });
    expect(run(s, { type: 'settle' })).toBe(s);
    // trailing spaces typed later change nothing asked
    expect(run(s, { type: 'search', search: '城管  ' }, { type: 'settle' }).offset).toBe(50);
  });
});

describe('the picked team', () => {
  it('stays picked across pages and follows what the list shows of it', () => {
    const picked = run(INITIAL_TEAMS, { type: 'select', team: team(3) }, { type: 'page', offset: 50 });
    expect(picked.selected?.id).toBe(3);
    // not on this page: as it was picked
    expect(currentTeam(picked.selected, [team(60), team(61)])).toBe(picked.selected);
    // on this page: as the list shows it now
    const now = team(3, false);
    expect(currentTeam(picked.selected, [team(2), now])).toBe(now);
    expect(currentTeam(picked.selected, undefined)).toBe(picked.selected);
    expect(currentTeam(null, [now])).toBeNull();
    expect(run(picked, { type: 'select', team: null }).selected).toBeNull();
  });

  it('a duty change replaces the team in a list page', () => {
    const list = { total: 2, fixMaxAgeS: 900, teams: [team(1), team(2)] } as TeamList;
    const changed = withTeam(list, team(2, false));
    expect(changed.teams.map((t) => [t.id, t.onDuty])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(changed.teams[0]).toBe(list.teams[0]);
    expect(changed.total).toBe(2);
    expect(list.teams[1]?.onDuty).toBe(true);
  });
});
