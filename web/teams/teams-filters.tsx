import { AnySelect, RefreshButton } from '../components/filter-fields.tsx';
import { useI18n } from '../i18n.ts';
import { TEAM_KINDS, TEAM_STATUSES, teamKindName, teamStatusName } from '../lib/team-format.ts';
import type { TeamsAction, TeamsState } from './teams-state.ts';

/** Props of TeamsFilters. */
export interface TeamsFiltersProps {
  state: TeamsState;
  dispatch: (action: TeamsAction) => void;
  onRefresh: () => void;
  loading: boolean;
}

/** Status, kind and name search above the team list, and 刷新. */
export function TeamsFilters({ state, dispatch, onRefresh, loading }: TeamsFiltersProps) {
  const { t } = useI18n();
  return (
    <div className="admin-form filters queue-filters">
      <AnySelect
        label={t('col.status')}
        value={state.status}
        values={TEAM_STATUSES}
        name={(s) => teamStatusName(t, s)}
        onChange={(status) => dispatch({ type: 'status', status })}
        testId="teams-status"
      />
      <AnySelect
        label={t('teams.kind')}
        value={state.kind}
        values={TEAM_KINDS}
        name={(k) => teamKindName(t, k)}
        onChange={(kind) => dispatch({ type: 'kind', kind })}
        testId="teams-kind"
      />
      <label className="field">
        <span>{t('teams.search')}</span>
        <input
          type="search"
          data-testid="teams-search"
          maxLength={50}
          value={state.search}
          onChange={(e) => dispatch({ type: 'search', search: e.target.value })}
        />
      </label>
      <RefreshButton onRefresh={onRefresh} loading={loading} />
    </div>
  );
}
