import type { ScreenSummary } from '../api/client.ts';
import { statusName } from '../components/labels.ts';
import type { I18n } from '../i18n.ts';
import { teamKindName } from '../lib/team-format.ts';
import { RISK_COLOR_HEX, RISK_LEVELS } from '../map/colors.ts';
import { CHART_FONT, type ChartOption } from '../components/echart.tsx';

const TEXT = '#cfe3ff';
const MUTED = '#7f95b5';
const LINE = 'rgba(125, 211, 252, 0.15)';

/** What every chart needs besides the figures: the size unit, the language, category names. */
export interface ChartContext {
  /** Size unit of the screen (1 at 1080 px high). */
  u: number;
  t: I18n['t'];
  categoryName: (code: string, fallback?: string | null) => string;
}

const axisLabel = (u: number) => ({ color: TEXT, fontSize: 14 * u, fontFamily: CHART_FONT });
const legend = (u: number) => ({
  top: 0,
  textStyle: { color: TEXT, fontSize: 12 * u },
  itemWidth: 12 * u,
  itemHeight: 12 * u,
});

/** Today's incidents by category: the eight largest, largest on top. */
export function byCategoryChart(
  summary: ScreenSummary | null,
  { u, categoryName }: ChartContext,
): ChartOption {
  const rows = [...(summary?.today.byCategory ?? [])]
    .sort((a, b) => b.n - a.n)
    .slice(0, 8)
    .reverse();
  return {
    grid: { left: 8 * u, right: 36 * u, top: 6 * u, bottom: 6 * u, containLabel: true },
    xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { lineStyle: { color: LINE } } },
    yAxis: {
      type: 'category',
      data: rows.map((r) => categoryName(r.code, r.name)),
      axisLabel: { ...axisLabel(u), width: 150 * u, overflow: 'truncate' },
      axisLine: { lineStyle: { color: LINE } },
    },
    series: [
      {
        type: 'bar',
        data: rows.map((r) => r.n),
        barWidth: '60%',
        itemStyle: { color: '#38bdf8', borderRadius: [0, 4 * u, 4 * u, 0] },
        label: { show: true, position: 'right', color: TEXT, fontSize: 13 * u },
      },
    ],
    animationDuration: 600,
  };
}

const STATUS_COLOR: Record<string, string> = {
  reported: '#f472b6',
  accepted: '#a78bfa',
  dispatched: '#f59e0b',
  on_scene: '#e879f9',
  resolved: '#34d399',
  verified: '#22c55e',
  closed: '#64748b',
  rejected: '#475569',
  merged: '#334155',
};

/** Today's incidents by status, as a ring. */
export function byStatusChart(summary: ScreenSummary | null, { u, t }: ChartContext): ChartOption {
  return {
    legend: { ...legend(u), top: 'middle', orient: 'vertical', right: 0 },
    series: [
      {
        type: 'pie',
        radius: ['45%', '75%'],
        center: ['32%', '50%'],
        data: (summary?.today.byStatus ?? []).map((r) => ({
          name: statusName(t, r.status),
          value: r.n,
          itemStyle: { color: STATUS_COLOR[r.status] ?? '#94a3b8' },
        })),
        label: { show: false },
        itemStyle: { borderColor: '#0b1220', borderWidth: 2 * u },
      },
    ],
    animationDuration: 600,
  };
}

/** The on-time rate of the last 30 days as a gauge (— when nothing was resolved). */
export function onTimeChart(rate: number | null, { u }: Pick<ChartContext, 'u'>): ChartOption {
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        radius: '95%',
        center: ['50%', '58%'],
        startAngle: 210,
        endAngle: -30,
        progress: { show: true, width: 14 * u, itemStyle: { color: '#34d399' } },
        axisLine: { lineStyle: { width: 14 * u, color: [[1, 'rgba(125,211,252,0.15)']] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { show: false },
        detail: {
          valueAnimation: true,
          offsetCenter: [0, '0%'],
          fontSize: 30 * u,
          fontWeight: 700,
          color: '#ecfeff',
          formatter: () => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`),
        },
        data: [{ value: rate === null ? 0 : Math.round(rate * 1000) / 10 }],
      },
    ],
  };
}

const TEAM_SERIES = [
  ['available', '#22c55e'],
  ['busy', '#f59e0b'],
  ['offDuty', '#64748b'],
] as const;

/** Teams by kind, stacked by state (available, busy, off duty). */
export function teamsChart(summary: ScreenSummary | null, { u, t }: ChartContext): ChartOption {
  const rows = summary?.teams ?? [];
  return {
    legend: legend(u),
    grid: { left: 4 * u, right: 8 * u, top: 26 * u, bottom: 4 * u, containLabel: true },
    xAxis: {
      type: 'category',
      data: rows.map((r) => teamKindName(t, r.kind)),
      axisLabel: { ...axisLabel(u), fontSize: 11 * u, interval: 0 },
      axisLine: { lineStyle: { color: LINE } },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: MUTED, fontSize: 11 * u, fontFamily: CHART_FONT },
      splitLine: { lineStyle: { color: LINE } },
    },
    series: TEAM_SERIES.map(([key, color]) => ({
      name: t(`screen.teams.${key}`),
      type: 'bar',
      stack: 'teams',
      data: rows.map((r) => r[key]),
      itemStyle: { color },
      barWidth: '55%',
    })),
    animationDuration: 600,
  };
}

/** Risk sources by level, in the national risk colours. */
export function riskChart(summary: ScreenSummary | null, { u, t }: ChartContext): ChartOption {
  const byLevel = new Map((summary?.riskSources ?? []).map((r) => [r.level, r.n]));
  return {
    grid: { left: 4 * u, right: 8 * u, top: 24 * u, bottom: 4 * u, containLabel: true },
    xAxis: {
      type: 'category',
      data: RISK_LEVELS.map((l) => t(`risk.${l}`)),
      axisLabel: { ...axisLabel(u), interval: 0 },
      axisLine: { lineStyle: { color: LINE } },
    },
    yAxis: { type: 'value', axisLabel: { show: false }, splitLine: { lineStyle: { color: LINE } } },
    series: [
      {
        type: 'bar',
        barWidth: '50%',
        data: RISK_LEVELS.map((l) => ({
          value: byLevel.get(l) ?? 0,
          itemStyle: { color: RISK_COLOR_HEX[l], borderRadius: [4 * u, 4 * u, 0, 0] },
        })),
        label: { show: true, position: 'top', color: TEXT, fontSize: 14 * u, fontWeight: 600 },
      },
    ],
    animationDuration: 600,
  };
}

/** The eight towns with the most open incidents, with their overdue ones. */
export function townsChart(summary: ScreenSummary | null, { u, t }: ChartContext): ChartOption {
  const rows = [...(summary?.towns ?? [])]
    .sort((a, b) => b.open - a.open)
    .slice(0, 8)
    .reverse();
  return {
    legend: legend(u),
    grid: { left: 4 * u, right: 30 * u, top: 24 * u, bottom: 4 * u, containLabel: true },
    xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { lineStyle: { color: LINE } } },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.name),
      axisLabel: axisLabel(u),
      axisLine: { lineStyle: { color: LINE } },
    },
    series: [
      {
        name: t('screen.open'),
        type: 'bar',
        data: rows.map((r) => r.open),
        itemStyle: { color: '#818cf8' },
        label: { show: true, position: 'right', color: TEXT, fontSize: 12 * u },
      },
      {
        name: t('screen.overdue'),
        type: 'bar',
        data: rows.map((r) => r.overdue),
        itemStyle: { color: '#f43f5e' },
      },
    ],
    animationDuration: 600,
  };
}
