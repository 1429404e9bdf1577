import type { Dispatch, Plan } from '../api/client.ts';
import { formatTime } from '../lib/format.ts';
import { useI18n, type I18n } from '../i18n.ts';
import { navigate } from '../router.ts';

/** Seconds as "1 小时 5 分钟" / "12 分钟". */
function duration(t: I18n['t'], seconds: number): string {
  const m = Math.round(seconds / 60);
  return m >= 60
    ? `${Math.floor(m / 60)} ${t('time.h')} ${m % 60} ${t('unit.minutes')}`
    : `${m} ${t('unit.minutes')}`;
}

/** Props of PlanSummary. */
export interface PlanSummaryProps {
  plan: Plan;
  /** The weighted time of the lines as edited. */
  editedWeighted: number;
}

/** When the plan was made, exact or nearest-N, the counts, the weighted time (and after edits), the unassigned. */
export function PlanSummary({ plan, editedWeighted }: PlanSummaryProps) {
  const { t, language } = useI18n();
  const original = plan.weightedTimeS;
  return (
    <>
      <div className="plan-summary" data-testid="plan-summary">
        <span>
          {t('plan.plannedAt')} {formatTime(language, plan.plannedAt)}
        </span>
        <span data-testid="plan-exact">
          {plan.exact ? t('plan.exact') : t('plan.nearest', { n: plan.nearestPerIncident ?? '—' })}
        </span>
        <span>{t('plan.counts', { incidents: plan.incidents, teams: plan.teams })}</span>
        <span data-testid="plan-weighted">
          {t('plan.weighted')} {duration(t, original)}
          {Math.abs(editedWeighted - original) > 0.5 && (
            <>
              {' '}
              → {duration(t, editedWeighted)} ({t('plan.edited')})
            </>
          )}
        </span>
      </div>
      {plan.unassigned.length > 0 && (
        <p className="muted small" data-testid="plan-unassigned">
          {t('plan.unassigned')}: {plan.unassigned.map((id) => `#${id}`).join(', ')}
        </p>
      )}
    </>
  );
}

/** What an apply dispatched, each a link to its incident. */
export function PlanApplied({ dispatches }: { dispatches: readonly Dispatch[] }) {
  const { t } = useI18n();
  return (
    <div className="form-success" role="status" data-testid="plan-applied">
      {t('plan.applied', { n: dispatches.length })}{' '}
      {dispatches.map((d) => (
        <a
          key={d.id}
          href={`/incidents/${d.incidentId}`}
          className="plan-applied-link"
          onClick={(e) => {
            e.preventDefault();
            navigate(`/incidents/${d.incidentId}`);
          }}
        >
          #{d.incidentId} → {d.teamName}
        </a>
      ))}
    </div>
  );
}
