import { useMemo } from 'react';
import type { ScreenSummary } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { EChart } from '../components/echart.tsx';
import { OverdueList, OVERDUE_MAX } from './overdue-list.tsx';
import {
  byCategoryChart,
  byStatusChart,
  onTimeChart,
  riskChart,
  teamsChart,
  townsChart,
  type ChartContext,
} from './screen-charts.ts';
import { useCount } from './screen-header.tsx';

/** Props of the side columns. */
interface ColumnProps {
  summary: ScreenSummary | null;
  /** Size unit of the screen. */
  scale: number;
  categoryName: (code: string, fallback?: string | null) => string;
  townName: (code: string) => string;
}

function useChartContext(scale: number, categoryName: ChartContext['categoryName']): ChartContext {
  const { t } = useI18n();
  return useMemo(() => ({ u: scale, t, categoryName }), [scale, t, categoryName]);
}

/** The left column: today by category and by status, the on-time rate. */
export function LeftColumn({ summary, scale, categoryName }: ColumnProps) {
  const { t } = useI18n();
  const fmt = useCount();
  const ctx = useChartContext(scale, categoryName);
  const byCategory = useMemo(() => byCategoryChart(summary, ctx), [summary, ctx]);
  const byStatus = useMemo(() => byStatusChart(summary, ctx), [summary, ctx]);
  const rate = summary?.onTime.rate ?? null;
  const onTime = useMemo(() => onTimeChart(rate, { u: scale }), [rate, scale]);
  return (
    <aside className="screen-col screen-left">
      <section className="screen-panel" data-testid="panel-by-category">
        <h2>{t('screen.byCategory')}</h2>
        <EChart option={byCategory} testId="chart-by-category" />
      </section>
      <section className="screen-panel" data-testid="panel-by-status">
        <h2>{t('screen.byStatus')}</h2>
        <EChart option={byStatus} testId="chart-by-status" />
      </section>
      <section className="screen-panel" data-testid="panel-on-time">
        <h2>
          {t('screen.onTime')}
          <span className="screen-panel-note" data-testid="screen-ontime-counts">
            {summary ? `${fmt(summary.onTime.onTime)} / ${fmt(summary.onTime.resolved)}` : ''}
          </span>
        </h2>
        <EChart option={onTime} testId="chart-on-time" />
        <span className="screen-hidden-value" data-testid="screen-ontime-rate">
          {rate === null ? '' : rate.toFixed(4)}
        </span>
      </section>
    </aside>
  );
}

/** The right column: the overdue list, teams, risk sources, towns. */
export function RightColumn({ summary, scale, categoryName, townName }: ColumnProps) {
  const { t } = useI18n();
  const fmt = useCount();
  const ctx = useChartContext(scale, categoryName);
  const teams = useMemo(() => teamsChart(summary, ctx), [summary, ctx]);
  const risk = useMemo(() => riskChart(summary, ctx), [summary, ctx]);
  const towns = useMemo(() => townsChart(summary, ctx), [summary, ctx]);
  const overdue = useMemo(
    () =>
      (summary?.overdue ?? []).slice(0, OVERDUE_MAX).map((o) => ({
        id: o.id,
        text: categoryName(o.category, o.name),
        place: o.townCode ? townName(o.townCode) : '',
        priority: o.priority,
        supervised: o.supervised,
        deadlineAt: o.deadlineAt,
      })),
    [summary, categoryName, townName],
  );
  return (
    <aside className="screen-col screen-right">
      <section className="screen-panel screen-overdue" data-testid="panel-overdue">
        <h2>
          {t('screen.overdueList')}
          <span className="screen-panel-note">{fmt(summary?.overdueTotal)}</span>
        </h2>
        <OverdueList rows={overdue} />
      </section>
      <section className="screen-panel" data-testid="panel-teams">
        <h2>{t('screen.teams')}</h2>
        <EChart option={teams} testId="chart-teams" />
      </section>
      <section className="screen-panel" data-testid="panel-risk">
        <h2>{t('screen.risk')}</h2>
        <EChart option={risk} testId="chart-risk" />
      </section>
      <section className="screen-panel" data-testid="panel-towns">
        <h2>{t('screen.towns')}</h2>
        <EChart option={towns} testId="chart-towns" />
      </section>
    </aside>
  );
}
