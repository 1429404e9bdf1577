import { useMemo, useState } from 'react';
import type { DensityWindow, ThematicSettings } from '../components/thematic-panel.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { useI18n } from '../i18n.ts';
import { metricValue, quantileBreaks, type ChoroplethState, type DensityState } from '../map/layers/index.ts';
import { useAreaStats, useDensityPoints, type DensityWindowOn } from './queries.ts';

const INITIAL: ThematicSettings = {
  choroplethMetric: 'off',
  choroplethLevel: 'town',
  densityWindow: 'off',
  densityStyle: 'heatmap',
};

/** The thematic maps of the map page: a choropleth of towns or villages and the incident density. */
export function useThematic() {
  const { t } = useI18n();
  const [settings, setSettings] = useState<ThematicSettings>(INITIAL);
  const choroplethOn = settings.choroplethMetric !== 'off';
  const stats = useAreaStats(settings.choroplethLevel, choroplethOn);
  const window: DensityWindowOn | null =
    settings.densityWindow === 'off'
      ? null
      : (settings.densityWindow satisfies Exclude<DensityWindow, 'off'>);
  const density = useDensityPoints(window);

  const choropleth = useMemo<ChoroplethState | null>(() => {
    const metric = settings.choroplethMetric;
    if (metric === 'off' || !stats.data) return null;
    const values: number[] = [];
    for (const s of stats.data.values()) {
      const v = metricValue(s, metric);
      if (v !== null) values.push(v);
    }
    return { level: settings.choroplethLevel, metric, stats: stats.data, breaks: quantileBreaks(values) };
  }, [settings.choroplethMetric, settings.choroplethLevel, stats.data]);

  const densityShown = useMemo<DensityState | null>(
    () => (window && density.data ? { style: settings.densityStyle, points: density.data } : null),
    [window, density.data, settings.densityStyle],
  );

  const failed = (choroplethOn ? stats.error : null) ?? (window ? density.error : null);
  return {
    settings,
    setSettings,
    choroplethOn,
    choropleth,
    density: densityShown,
    densityCount: window && density.data ? density.data.length : null,
    error: failed ? errorMessage(failed, t) : null,
  };
}
