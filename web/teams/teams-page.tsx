import { useCallback, useEffect, useReducer, useState } from 'react';
import type { BBox } from '../api/client.ts';
import { Header } from '../components/header.tsx';
import { Pager } from '../components/pager.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { useSession } from '../lib/session.tsx';
import { useI18n } from '../i18n.ts';
import { useTeamFreshness } from '../map/use-team-freshness.ts';
import { useCoverage, useIsochrones, useTeams } from './queries.ts';
import { TeamsFilters } from './teams-filters.tsx';
import { TeamsMap } from './teams-map.tsx';
import { TeamsMapPanel } from './teams-map-panel.tsx';
import { currentTeam, INITIAL_TEAMS, teamQuery, teamsReducer, TEAMS_PAGE_SIZE } from './teams-state.ts';
import { TeamsTable } from './teams-table.tsx';

const CITY_CODE = '441900';

/** How long the name search waits for a pause in typing (ms). */
const SEARCH_PAUSE_MS = 300;

/**
 * /teams: the response teams of the user's area with status, kind, last fix and its age (stale
 * past the freshness limit), on/off duty (permission report), filters and paging. A team picked
 * in the list is shown on the map with its 5/10/15-minute isochrones; the 10-minute uncovered
 * area (响应盲区), optionally for one capability, can be switched on.
 */
export function TeamsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [state, dispatch] = useReducer(teamsReducer, INITIAL_TEAMS);
  const [coverageOn, setCoverageOn] = useState(false);
  const [capability, setCapability] = useState('');
  const freshness = useTeamFreshness();

  // The name search waits for a pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => dispatch({ type: 'settle' }), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [state.search]);

  const list = useTeams(teamQuery(state));
  const teams = list.data?.teams;
  const selected = currentTeam(state.selected, teams);
  const isochrones = useIsochrones(selected?.id ?? null);
  const coverage = useCoverage(coverageOn, capability);

  // A team dot on the map picks that team (when it is on this page of the list).
  const onPickTeam = useCallback(
    (id: number) => {
      const team = teams?.find((x) => x.id === id);
      if (team) dispatch({ type: 'select', team });
    },
    [teams],
  );

  const bounds = me?.homeAreaBBox;
  const initialBounds: BBox | null =
    me?.homeAreaCode !== CITY_CODE && bounds && bounds.length === 4
      ? [bounds[0] ?? 0, bounds[1] ?? 0, bounds[2] ?? 0, bounds[3] ?? 0]
      : null;

  return (
    <div className="app">
      <Header page="teams" />
      <main className="split-page" data-testid="teams-page">
        <div className="split-main">
          <div className="incidents-head">
            <h2 className="admin-title">{t('teams.title')}</h2>
            {list.data && (
              <span className="queue-counts">
                {t('incidents.total')} <strong data-testid="teams-total">{list.data.total}</strong> ·{' '}
                {t('teams.staleLimit', { n: Math.round(list.data.fixMaxAgeS / 60) })}
              </span>
            )}
          </div>
          <TeamsFilters
            state={state}
            dispatch={dispatch}
            onRefresh={() => void list.refetch()}
            loading={list.isFetching}
          />
          {list.error && (
            <p className="form-error" role="alert">
              {errorMessage(list.error, t)}
            </p>
          )}
          <TeamsTable
            teams={teams}
            loading={list.isFetching}
            selectedId={selected?.id ?? null}
            nowMs={freshness.nowS * 1000}
            onSelect={(team) => dispatch({ type: 'select', team })}
          />
          <Pager
            offset={state.offset}
            pageSize={TEAMS_PAGE_SIZE}
            total={list.data?.total ?? 0}
            // a page on its way (not a background refresh after a live change) holds the pager
            disabled={list.isPlaceholderData}
            onChange={(offset) => dispatch({ type: 'page', offset })}
            testId="teams"
          />
        </div>
        <div className="split-map">
          <TeamsMap
            status={state.status}
            kind={state.kind}
            selected={selected}
            isochrones={selected ? (isochrones.data ?? null) : null}
            coverage={coverageOn ? (coverage.data ?? null) : null}
            freshness={freshness}
            initialBounds={initialBounds}
            onPickTeam={onPickTeam}
          />
          <TeamsMapPanel
            selected={selected}
            onClose={() => dispatch({ type: 'select', team: null })}
            isochrones={{ data: isochrones.data, error: isochrones.error, loading: isochrones.isPending }}
            coverageOn={coverageOn}
            onCoverageOn={setCoverageOn}
            capability={capability}
            onCapability={setCapability}
            coverage={{
              data: coverage.data,
              error: coverage.error,
              loading: coverage.isFetching && !coverage.data,
            }}
            maxAgeS={freshness.maxAgeS}
          />
        </div>
      </main>
    </div>
  );
}
