import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '../api/query.ts';
import { categoryName, useIncidentCategories } from '../components/categories.tsx';
import { useI18n } from '../i18n.ts';
import { errorMessage } from '../lib/error-message.ts';
import { MapView } from '../map/map-view.tsx';
import { publishTestState, readTestState } from '../test-hooks.ts';
import { AlarmBanner } from './alarm-banner.tsx';
import { LiveMap } from './live-map.tsx';
import { PlaybackMode } from './playback.tsx';
import { SUMMARY_KEY, useScreenSummary, useScreenTowns } from './queries.ts';
import { CITY_VIEW, rotationViews } from './rotation.ts';
import type { ScreenTown } from './screen-data.ts';
import { ScreenHeader } from './screen-header.tsx';
import { LeftColumn, RightColumn } from './screen-panels.tsx';
import { useRotation, useScreenCamera } from './use-screen-camera.ts';
import { useScreenLive } from './use-screen-live.ts';
import './screen.css';

const NO_TOWNS: readonly ScreenTown[] = [];

/** Size unit of the screen: 1 at 1080 px high, 2 on a 4K wall. */
function useScale(): number {
  const [scale, setScale] = useState(() => window.innerHeight / 1080);
  useEffect(() => {
    const onResize = () => setScale(window.innerHeight / 1080);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return scale;
}

/**
 * `/screen`: the command-centre big screen. Dark, 16:9, no scrollbars: the risk map full-bleed
 * with KPI panels (ECharts) on both sides, a clock and the live connection's state; a red banner
 * (optional beep) and a fly-to for every new level-1 incident; the view rotates over the city and
 * the busiest towns; everything follows the live stream. Playback replays a time window.
 */
export function ScreenPage() {
  const { t, language } = useI18n();
  const scale = useScale();
  const { categories } = useIncidentCategories();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [mode, setMode] = useState<'live' | 'playback'>(() =>
    new URLSearchParams(window.location.search).get('mode') === 'playback' ? 'playback' : 'live',
  );
  const [sound, setSound] = useState(false);

  const summaryQuery = useScreenSummary();
  const summary = summaryQuery.data ?? null;
  const towns = useScreenTowns().data ?? NO_TOWNS;
  const townFeatures = useMemo(() => towns.map((tw) => tw.feature), [towns]);
  const live = useScreenLive();
  const alarm = live.alarms[0] ?? null;

  const views = useMemo(() => rotationViews(towns, summary?.towns ?? []), [towns, summary]);
  const rotation = useRotation(views, alarm !== null || mode !== 'live');
  const view = rotation.view;
  useScreenCamera(map, view, towns, alarm, sound, live.dismissAlarm);

  // ---- names
  const categoryNames = useMemo(
    () => new Map(categories.map((c) => [c.code, categoryName(language, c)])),
    [categories, language],
  );
  const catName = useCallback(
    (code: string, fallback?: string | null) => categoryNames.get(code) ?? fallback ?? code,
    [categoryNames],
  );
  const townNames = useMemo(() => {
    const m = new Map<string, string>();
    for (const tw of towns) m.set(tw.code, tw.name);
    for (const tw of summary?.towns ?? []) m.set(tw.code, tw.name);
    return m;
  }, [towns, summary]);
  const townName = useCallback((code: string) => townNames.get(code) ?? code, [townNames]);

  // ---- test hook
  const client = useQueryClient();
  const summaryAt = summaryQuery.dataUpdatedAt;
  const { data, alarms } = live;
  useEffect(() => {
    publishTestState({
      screen: {
        ready: summary !== null && map !== null && data !== null,
        summarySeq: summary?.seq ?? null,
        summaryLoads: client.getQueryState(SUMMARY_KEY)?.dataUpdateCount ?? 0,
        incidents: data?.incidents.size ?? 0,
        teams: data?.teams.size ?? 0,
        alarms: alarms.map((a) => a.id),
        view,
        mode,
        playback: readTestState()?.screen?.playback,
      },
    });
  }, [client, summary, summaryAt, map, data, alarms, view, mode]);
  useEffect(() => () => publishTestState({ screen: undefined }), []);

  return (
    <main className="screen" data-testid="screen" data-mode={mode} style={{ fontSize: `${16 * scale}px` }}>
      <div className="screen-map">
        <MapView basemap="dark" ariaLabel={t('map.aria')} onLoad={setMap} />
        {map && mode === 'live' && (
          <LiveMap
            map={map}
            data={data}
            towns={townFeatures}
            highlightTown={view === CITY_VIEW ? null : view}
            alarm={alarm?.position ?? null}
            scale={scale}
          />
        )}
        {map && mode === 'playback' && <PlaybackMode map={map} towns={townFeatures} scale={scale} />}
      </div>

      <ScreenHeader summary={summary} sound={sound} onSound={setSound} mode={mode} onMode={setMode} />
      <LeftColumn summary={summary} scale={scale} categoryName={catName} townName={townName} />
      <RightColumn summary={summary} scale={scale} categoryName={catName} townName={townName} />

      {mode === 'live' && (
        <div className="screen-view" data-testid="screen-view" data-view={view}>
          {alarm ? t('screen.view.alarm') : view === CITY_VIEW ? t('screen.view.city') : townName(view)}
          {!alarm && views.length > 1 && (
            <span className="screen-view-dots">
              {views.map((v, i) => (
                <span key={v} className={i === rotation.at ? 'on' : ''} />
              ))}
            </span>
          )}
        </div>
      )}

      {summaryQuery.error && (
        <div className="screen-error" role="alert" data-testid="screen-error">
          {t('status.apiDown')}: {errorMessage(summaryQuery.error, t)}
        </div>
      )}

      {alarm && (
        <AlarmBanner
          alarm={alarm}
          waiting={alarms.length - 1}
          categoryName={catName}
          townName={townName}
          onDismiss={live.dismissAlarm}
        />
      )}
    </main>
  );
}
