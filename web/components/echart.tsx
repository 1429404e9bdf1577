import { BarChart, GaugeChart, PieChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { BUNDLED_FONT_FAMILY } from '../fonts/bundled-font.ts';

echarts.use([
  BarChart,
  PieChart,
  GaugeChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/**
 * The font of chart text: the bundled CJK font first. Axis labels name it themselves, since
 * ECharts measures them for `containLabel` without the chart-wide text style.
 */
export const CHART_FONT = `"${BUNDLED_FONT_FAMILY}", sans-serif`;

/** Options of one chart (ECharts' own option object). */
export type ChartOption = echarts.EChartsCoreOption;

/**
 * One ECharts chart filling its box (canvas renderer, dark background left transparent), resized
 * with the box. `option` replaces the previous one entirely.
 */
export function EChart({
  option,
  testId,
  className = 'screen-chart',
}: {
  option: ChartOption;
  testId: string;
  /** The box's class: its size comes from the page's stylesheet. */
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const c = echarts.init(el, null, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.current = null;
      c.dispose();
    };
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // the page's font stack (with the bundled CJK font) for every text of the chart
    const themed = {
      textStyle: { fontFamily: `"${BUNDLED_FONT_FAMILY}", ${getComputedStyle(el).fontFamily}` },
      ...option,
    };
    // A canvas does not make the browser fetch the slices of the bundled font its text needs:
    // load them for this chart's text first, so that the text is drawn (and measured, for the
    // layout) with the font it will show in.
    let live = true;
    const draw = () => {
      if (live) chart.current?.setOption(themed, { notMerge: true, lazyUpdate: true });
    };
    if (typeof document.fonts?.load === 'function') {
      document.fonts.load(`16px "${BUNDLED_FONT_FAMILY}"`, JSON.stringify(option)).then(draw, draw);
    } else draw();
    return () => {
      live = false;
    };
  }, [option]);

  return <div ref={ref} className={className} data-testid={testId} />;
}
