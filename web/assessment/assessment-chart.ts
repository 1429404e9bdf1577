import type { AssessmentRow } from '../api/client.ts';
import { CHART_FONT, type ChartOption } from '../components/echart.tsx';

/** How many groups the chart shows: the best ranked. */
export const CHART_ROWS = 15;

/**
 * The on-time rate (bars, %) and satisfaction (dots, %) of the best-ranked groups, the first on
 * top; a group with nothing due shows no bar.
 */
export function rankingChart(
  rows: readonly AssessmentRow[],
  labels: { onTime: string; satisfaction: string },
): ChartOption {
  const shown = rows.slice(0, CHART_ROWS).reverse();
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  return {
    animation: false,
    grid: { left: 8, right: 48, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0, data: [labels.onTime, labels.satisfaction] },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: unknown) => `${String(v)} %`,
    },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
    yAxis: {
      type: 'category',
      data: shown.map((r) => `${r.rank}. ${r.name}`),
      axisLabel: { fontFamily: CHART_FONT },
    },
    series: [
      {
        name: labels.onTime,
        type: 'bar',
        data: shown.map((r) => pct(r.onTimeRate)),
        itemStyle: { color: '#2563eb' },
        label: { show: true, position: 'right', formatter: '{c} %' },
      },
      {
        name: labels.satisfaction,
        type: 'scatter',
        data: shown.map((r) => pct(r.satisfactionRate)),
        itemStyle: { color: '#16a34a' },
        symbolSize: 10,
      },
    ],
  };
}
