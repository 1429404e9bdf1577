import { useMemo } from 'react';
import type { Candidate, PlanConflict } from '../api/client.ts';
import { errorKey } from '../lib/error-message.ts';
import { priorityName } from '../lib/incident-format.ts';
import { distance, etaMinutes, refusalParams } from '../lib/team-format.ts';
import { useI18n, type I18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { conflictsByIncident, teamUses, type EditedLine } from './plan-state.ts';
import { PlanTeamPicker } from './plan-team-picker.tsx';

/** Why a line no longer holds, in the user's language (its code with its parameters). */
function conflictText(t: I18n['t'], c: PlanConflict): string {
  return t(errorKey(c.code), { message: c.reason, ...refusalParams(t, c.params) });
}

/** Props of PlanTable. */
export interface PlanTableProps {
  lines: readonly EditedLine[];
  conflicts: readonly PlanConflict[];
  /** The line whose team picker is open. */
  editing: number | null;
  hover: number | null;
  onHover: (incidentId: number | null) => void;
  onEdit: (incidentId: number) => void;
  onRemove: (incidentId: number) => void;
  onSwap: (incidentId: number, candidate: Candidate) => void;
}

/** The plan's lines: incident, priority, team (changed, twice, conflicts), ETA, road distance, 换力量 / 移除. */
export function PlanTable({
  lines,
  conflicts,
  editing,
  hover,
  onHover,
  onEdit,
  onRemove,
  onSwap,
}: PlanTableProps) {
  const { t } = useI18n();
  const uses = useMemo(() => teamUses(lines), [lines]);
  const conflictsBy = useMemo(() => conflictsByIncident(conflicts), [conflicts]);
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="plan-table">
        <thead>
          <tr>
            <th>{t('col.id')}</th>
            <th>{t('col.priority')}</th>
            <th>{t('plan.team')}</th>
            <th>{t('dispatch.eta')}</th>
            <th>{t('dispatch.road')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => {
            const lineConflicts = conflictsBy.get(l.incidentId) ?? [];
            return (
              <tr
                key={l.incidentId}
                data-testid="plan-row"
                data-incident-id={l.incidentId}
                data-team-id={l.teamId}
                className={`${l.incidentId === hover ? 'selected' : ''}${lineConflicts.length > 0 ? ' conflict-row' : ''}`}
                onMouseEnter={() => onHover(l.incidentId)}
                onMouseLeave={() => onHover(null)}
              >
                <td className="mono">
                  <a
                    href={`/incidents/${l.incidentId}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`/incidents/${l.incidentId}`);
                    }}
                  >
                    #{l.incidentId}
                  </a>
                </td>
                <td>
                  <span className={`priority-badge priority-${l.priority}`}>
                    {priorityName(t, l.priority)}
                  </span>
                </td>
                <td>
                  <span data-testid="plan-team">{l.teamName}</span>
                  {l.changed && <span className="badge"> {t('plan.changed')}</span>}
                  {(uses.get(l.teamId) ?? 0) > 1 && (
                    <div className="form-error small" data-testid={`plan-twice-${l.incidentId}`}>
                      {t('plan.teamTwice')}
                    </div>
                  )}
                  {editing === l.incidentId && (
                    <PlanTeamPicker line={l} onSwap={(c) => onSwap(l.incidentId, c)} />
                  )}
                  {lineConflicts.map((c) => (
                    <div
                      key={`${c.incidentId}-${c.teamId}`}
                      className="form-error small"
                      data-testid={`plan-conflict-${l.incidentId}`}
                    >
                      {conflictText(t, c)}
                    </div>
                  ))}
                </td>
                <td className="nowrap">{etaMinutes(t, l.travelTimeS)}</td>
                <td className="nowrap">{distance(t, l.distanceM)}</td>
                <td className="nowrap">
                  <button
                    type="button"
                    className="button small"
                    data-testid={`plan-change-${l.incidentId}`}
                    onClick={() => onEdit(l.incidentId)}
                  >
                    {editing === l.incidentId ? t('desk.cancel') : t('plan.change')}
                  </button>{' '}
                  <button
                    type="button"
                    className="button small danger"
                    data-testid={`plan-remove-${l.incidentId}`}
                    onClick={() => onRemove(l.incidentId)}
                  >
                    {t('plan.remove')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
