import type { Team } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime } from '../lib/format.ts';
import { useSession } from '../lib/session.tsx';
import { age, capabilityName, teamKindName, teamStatusName } from '../lib/team-format.ts';
import { useI18n } from '../i18n.ts';
import { TEAM_STATUS_COLOR } from '../map/colors.ts';
import { navigate } from '../router.ts';
import { useSetDuty } from './queries.ts';
import { rgb } from './rgb.ts';

/** Props of TeamsTable. */
export interface TeamsTableProps {
  /** The page of teams, or undefined while the first page loads. */
  teams: readonly Team[] | undefined;
  loading: boolean;
  selectedId: number | null;
  /** "Now" of the fix ages (ms, moved on every minute). */
  nowMs: number;
  onSelect: (team: Team) => void;
}

/** The teams: name, kind and capabilities, status, duty, last fix and its age, current incident. */
export function TeamsTable({ teams, loading, selectedId, nowMs, onSelect }: TeamsTableProps) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="teams-table" aria-busy={loading}>
        <thead>
          <tr>
            <th>{t('teams.name')}</th>
            <th>{t('teams.kind')}</th>
            <th>{t('col.status')}</th>
            <th>{t('teams.onDuty')}</th>
            <th>{t('teams.lastFix')}</th>
            <th>{t('teams.incident')}</th>
          </tr>
        </thead>
        <tbody>
          {teams?.map((team) => (
            <TeamRow
              key={team.id}
              team={team}
              selected={team.id === selectedId}
              nowMs={nowMs}
              onSelect={onSelect}
            />
          ))}
          {teams && teams.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {t('teams.empty')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

interface TeamRowProps {
  team: Team;
  selected: boolean;
  nowMs: number;
  onSelect: (team: Team) => void;
}

function TeamRow({ team, selected, nowMs, onSelect }: TeamRowProps) {
  const { t, language } = useI18n();
  return (
    <tr
      data-testid="team-row"
      data-id={team.id}
      data-status={team.status}
      className={`clickable${selected ? ' selected' : ''}${team.stale ? ' stale-row' : ''}`}
      tabIndex={0}
      onClick={() => onSelect(team)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target === e.currentTarget) onSelect(team);
      }}
    >
      <td>
        <span data-testid="team-name">{team.name}</span>
        <div className="muted small mono">{team.homeAreaCode ?? ''}</div>
      </td>
      <td>
        {teamKindName(t, team.kind)}
        {team.capabilities.length > 0 && (
          <div className="muted small" data-testid="team-capabilities">
            {team.capabilities.map((c) => capabilityName(t, c)).join('、')}
          </div>
        )}
      </td>
      <td>
        <span className={`status-badge team-status-${team.status}`} data-testid="team-status">
          <span
            className="dot"
            style={{ background: rgb(TEAM_STATUS_COLOR[team.status] ?? [120, 120, 120]) }}
            aria-hidden="true"
          />{' '}
          {teamStatusName(t, team.status)}
        </span>
      </td>
      <td onClick={(e) => e.stopPropagation()}>
        <DutyCell team={team} />
      </td>
      <td className="nowrap">
        <div>{formatTime(language, team.positionAt)}</div>
        <div className="muted small">
          {age(t, team.positionAt, nowMs)}
          {team.stale && (
            <>
              {' '}
              <span className="badge stale" data-testid="team-stale">
                {t('teams.stale')}
              </span>
            </>
          )}
        </div>
      </td>
      <td>
        {team.incidentId !== null ? (
          <a
            href={`/incidents/${team.incidentId}`}
            data-testid="team-incident"
            onClick={(e) => {
              e.preventDefault();
              e.stopPropagation();
              navigate(`/incidents/${team.incidentId}`);
            }}
          >
            #{team.incidentId}
          </a>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}

/** On or off duty: a checkbox for those who may report (each row its own change and refusal). */
function DutyCell({ team }: { team: Team }) {
  const { t } = useI18n();
  const { can } = useSession();
  const duty = useSetDuty();
  const text = team.onDuty ? t('teams.onDutyYes') : t('teams.onDutyNo');
  return (
    <>
      {can('report') ? (
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid={`team-duty-${team.id}`}
            checked={team.onDuty}
            onChange={(e) => duty.mutate({ id: team.id, onDuty: e.target.checked })}
          />
          <span>{text}</span>
        </label>
      ) : (
        text
      )}
      {duty.error && (
        <div className="form-error small" role="alert" data-testid={`team-error-${team.id}`}>
          {errorMessage(duty.error, t)}
        </div>
      )}
    </>
  );
}
