import type { Candidate } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { distance, etaMinutes, teamKindName } from '../lib/team-format.ts';
import { useI18n } from '../i18n.ts';
import type { EditedLine } from './plan-state.ts';
import { useSwapCandidates } from './queries.ts';

/** Props of PlanTeamPicker. */
export interface PlanTeamPickerProps {
  line: EditedLine;
  onSwap: (candidate: Candidate) => void;
}

/** Another team for a line: the incident's candidates by road, each with kind, ETA and distance. */
export function PlanTeamPicker({ line, onSwap }: PlanTeamPickerProps) {
  const { t } = useI18n();
  const query = useSwapCandidates(line.incidentId, true);
  const list = query.data?.candidates;
  return (
    <div className="plan-edit">
      {!list && !query.error && <span className="muted small">{t('incidents.loading')}</span>}
      {!list && query.error && <span className="form-error small">{errorMessage(query.error, t)}</span>}
      {list && list.length === 0 && <span className="muted small">{t('plan.noOtherTeams')}</span>}
      {list && list.length > 0 && (
        <select
          data-testid={`plan-team-select-${line.incidentId}`}
          value={line.teamId}
          onChange={(e) => {
            const teamId = Number(e.target.value);
            const c = list.find((x) => x.teamId === teamId);
            if (c) onSwap(c);
          }}
        >
          {!list.some((c) => c.teamId === line.teamId) && (
            <option value={line.teamId}>{line.teamName}</option>
          )}
          {list.map((c) => (
            <option key={c.teamId} value={c.teamId}>
              {c.name} · {teamKindName(t, c.kind)} · {etaMinutes(t, c.travelTimeS)} ·{' '}
              {distance(t, c.distanceM)}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
