import { useReducer, useState } from 'react';
import type { BBox } from '../api/client.ts';
import { planConflicts } from '../api/client.ts';
import { Header } from '../components/header.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { useSession } from '../lib/session.tsx';
import { useI18n } from '../i18n.ts';
import { PlanForm } from './plan-form.tsx';
import { PlanMap } from './plan-map.tsx';
import { assignmentsOf, INITIAL_PLAN, planReducer, weightedTime } from './plan-state.ts';
import { PlanApplied, PlanSummary } from './plan-summary.tsx';
import { PlanTable } from './plan-table.tsx';
import { CITY_CODE, useApplyPlan, useChildAreas, useGeneratePlan, useHomeArea } from './queries.ts';

/**
 * /dispatch: the batch plan. The dispatcher picks an area (their home area by default), the API
 * plans teams for its accepted incidents (least priority-weighted road time; nothing changes),
 * the lines incident → team appear on the map and in a table, the dispatcher removes lines or
 * picks another team from the incident's candidates, and 确认派遣 applies it all or nothing;
 * what changed since planning is listed per line.
 */
export function DispatchPage() {
  const { t } = useI18n();
  const { can } = useSession();
  if (!can('dispatch')) {
    return (
      <div className="app">
        <Header page="dispatch" />
        <main className="split-page">
          <p className="form-error" role="alert">
            {t('plan.noPermission')}
          </p>
        </main>
      </div>
    );
  }
  return <PlanDesk />;
}

/** The plan page of a dispatcher. */
function PlanDesk() {
  const { t } = useI18n();
  const { me } = useSession();
  const home = me?.homeAreaCode ?? CITY_CODE;
  const areas = useChildAreas(home);
  const homeArea = useHomeArea(home).data ?? null;
  const [area, setArea] = useState(home);
  const [maxIncidents, setMaxIncidents] = useState('200');
  const [state, dispatch] = useReducer(planReducer, INITIAL_PLAN);
  const [hover, setHover] = useState<number | null>(null);
  const generate = useGeneratePlan();
  const apply = useApplyPlan();
  const busy = generate.isPending || apply.isPending;

  const onGenerate = () => {
    dispatch({ type: 'generating' });
    const n = Number(maxIncidents);
    generate.mutate(
      {
        ...(area ? { area } : {}),
        ...(Number.isInteger(n) && n >= 1 && n <= 500 ? { maxIncidents: n } : {}),
      },
      {
        onSuccess: (plan) => dispatch({ type: 'planned', plan }),
        onError: (error) => dispatch({ type: 'generateFailed', error }),
      },
    );
  };

  const onApply = () => {
    if (state.lines.length === 0) return;
    dispatch({ type: 'applying' });
    apply.mutate(assignmentsOf(state.lines), {
      onSuccess: (dispatches) => dispatch({ type: 'applied', dispatches }),
      onError: (error) => dispatch({ type: 'applyFailed', error, conflicts: planConflicts(error) ?? [] }),
    });
  };

  const bounds = me?.homeAreaBBox;
  const initialBounds: BBox | null =
    home !== CITY_CODE && bounds && bounds.length === 4
      ? [bounds[0] ?? 0, bounds[1] ?? 0, bounds[2] ?? 0, bounds[3] ?? 0]
      : null;
  const { plan, lines } = state;

  return (
    <div className="app">
      <Header page="dispatch" />
      <main className="split-page" data-testid="dispatch-page">
        <div className="split-main">
          <h2 className="admin-title">{t('plan.title')}</h2>
          <p className="muted small">{t('plan.intro')}</p>
          <PlanForm
            home={home}
            homeName={me?.homeAreaName ?? home}
            areas={areas}
            area={area}
            onArea={setArea}
            maxIncidents={maxIncidents}
            onMaxIncidents={setMaxIncidents}
            busy={busy}
            onGenerate={onGenerate}
          />
          {state.error !== null && state.error !== undefined && (
            <div className="form-error" role="alert" data-testid="plan-error">
              {errorMessage(state.error, t)}
            </div>
          )}
          {state.applied && <PlanApplied dispatches={state.applied} />}
          {plan && (
            <>
              <PlanSummary plan={plan} editedWeighted={weightedTime(lines)} />
              {lines.length === 0 ? (
                <p className="muted" data-testid="plan-empty">
                  {t('plan.empty')}
                </p>
              ) : (
                <PlanTable
                  lines={lines}
                  conflicts={state.conflicts}
                  editing={state.editing}
                  hover={hover}
                  onHover={setHover}
                  onEdit={(incidentId) => dispatch({ type: 'edit', incidentId })}
                  onRemove={(incidentId) => dispatch({ type: 'remove', incidentId })}
                  onSwap={(incidentId, candidate) => dispatch({ type: 'swap', incidentId, candidate })}
                />
              )}
              <div className="form-actions">
                <button
                  type="button"
                  className="button primary"
                  data-testid="plan-apply"
                  disabled={busy || lines.length === 0}
                  onClick={onApply}
                >
                  {t('plan.apply', { n: lines.length })}
                </button>
              </div>
            </>
          )}
        </div>
        <PlanMap
          lines={lines}
          planned={plan?.assignments ?? null}
          hover={hover}
          editing={state.editing}
          homeArea={homeArea}
          initialBounds={initialBounds}
        />
      </main>
    </div>
  );
}
