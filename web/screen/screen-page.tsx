import type { Layer } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getScreenSummary, type LiveEvent, type LiveMessage, type ScreenSummary } from '../api/client.ts';
import { LanguageSwitch } from '../components/language-switch.tsx';
import { statusName } from '../components/labels.ts';
import { teamKindName } from '../dispatch/format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { categoryName, useIncidentCategories } from '../incidents/categories.tsx';
import { RISK_COLOR_HEX, RISK_LEVELS } from '../map/colors.ts';
import { DeckOverlay } from '../map/deck-overlay.tsx';
import type { LonLat } from '../map/layers/geometry.ts';
import { INITIAL_VIEW, MapView } from '../map/map-view.tsx';
import { LiveIndicator } from '../live/live-indicator.tsx';
import { useLive, useLiveRefresh } from '../live/use-live.ts';
import { navigate } from '../router.ts';
import { publishTestState } from '../test-hooks.ts';
import { beep, unlockAudio } from './beep.ts';
import { EChart, type ChartOption } from './echart.tsx';
import { PlaybackMode } from './playback.tsx';
import {
  applyEvent,
  liveLayers,
  loadScreenData,
  loadTowns,
  townLayer,
  unionBox,
  type ScreenData,
  type ScreenTown,
} from './screen-data.ts';
import './screen.css';

/** Each view of the rotation stays this long (ms). */
const ROTATE_MS = 30_000;
/** The rotation shows the city, then this many towns with the most open incidents. */
const ROTATE_TOWNS = 3;
/** An alarm banner stays this long (ms) unless dismissed; the next one follows. */
const ALARM_MS = 20_000;
/** The overdue list scrolls when it has more rows than fit. */
const OVERDUE_MAX = 50;

/** A level-1 incident that raised the alarm. */
interface Alarm {
  id: number;
  category: string;
  townCode: string | null;
  gridCode: string | null;
  position: LonLat;
  at: string;
}

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

/** The clock in China time (Asia/Shanghai), whatever the machine's zone. */
function Clock() {
  const { language } = useI18n();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  const date = new Intl.DateTimeFormat(language, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
  }).format(now);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(now);
  return (
    <div className="screen-clock" data-testid="screen-clock">
      <span className="screen-clock-time">{time}</span>
      <span className="screen-clock-date">
        {date} · {language === 'zh-CN' ? '北京时间' : 'China time'}
      </span>
    </div>
  );
}

const TEXT = '#cfe3ff';
const MUTED = '#7f95b5';
const LINE = 'rgba(125, 211, 252, 0.15)';

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

  // ---- the figures: loaded, then reloaded (throttled) on every relevant event
  const [summary, setSummary] = useState<ScreenSummary | null>(null);
  const [summaryError, setSummaryError] = useState<string | null>(null);
  const summaryLoads = useRef(0);
  const loadSummary = useCallback(() => {
    getScreenSummary().then(
      (s) => {
        summaryLoads.current += 1;
        setSummary((prev) => (prev && prev.seq > s.seq ? prev : s));
        setSummaryError(null);
      },
      (e: unknown) => setSummaryError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useEffect(loadSummary, [loadSummary]);
  useLiveRefresh(['incident', 'dispatch', 'team', 'risk_source', 'area'], loadSummary, 2000);

  // ---- the map's data, kept current by the events
  const [towns, setTowns] = useState<ScreenTown[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    loadTowns(controller.signal).then(setTowns, () => {
      // the outlines are cosmetic: the screen works without them
    });
    return () => controller.abort();
  }, []);
  const store = useRef<ScreenData | null>(null);
  const [version, setVersion] = useState(0);
  const loading = useRef<{ controller: AbortController; events: LiveEvent[] } | null>(null);
  const loadData = useCallback(() => {
    loading.current?.controller.abort();
    const pending = { controller: new AbortController(), events: [] as LiveEvent[] };
    loading.current = pending;
    loadScreenData(pending.controller.signal).then(
      (data) => {
        if (loading.current !== pending) return;
        loading.current = null;
        // events that came while loading: applying them again is harmless
        for (const e of pending.events) applyEvent(data, e);
        store.current = data;
        setVersion((v) => v + 1);
      },
      () => {
        if (loading.current === pending) loading.current = null;
      },
    );
  }, []);
  useEffect(() => {
    loadData();
    return () => loading.current?.controller.abort();
  }, [loadData]);

  // ---- alarms
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [sound, setSound] = useState(false);
  const onMessage = useCallback(
    (m: LiveMessage) => {
      if (m.type === 'snapshot') {
        loadData();
        return;
      }
      if (m.type !== 'event') return;
      loading.current?.events.push(m);
      if (store.current && applyEvent(store.current, m)) setVersion((v) => v + 1);
      const d = m.data;
      if (
        m.kind === 'incident' &&
        m.op === 'insert' &&
        Number(d.priority) === 1 &&
        typeof d.lon === 'number' &&
        typeof d.lat === 'number'
      ) {
        const alarm: Alarm = {
          id: Number(m.id),
          category: typeof d.category === 'string' ? d.category : '',
          townCode: typeof d.townCode === 'string' ? d.townCode : null,
          gridCode: typeof d.gridCode === 'string' ? d.gridCode : null,
          position: [d.lon, d.lat],
          at: typeof d.reportedAt === 'string' ? d.reportedAt : m.at,
        };
        setAlarms((list) => (list.some((a) => a.id === alarm.id) ? list : [...list, alarm]));
      }
    },
    [loadData],
  );
  useLive(onMessage);
  const alarm = alarms[0] ?? null;
  const dismissAlarm = useCallback(() => setAlarms((list) => list.slice(1)), []);
  useEffect(() => {
    if (!alarm) return;
    if (sound) beep();
    map?.flyTo({ center: alarm.position, zoom: 15, essential: true, duration: 2500 });
    const timer = setTimeout(dismissAlarm, ALARM_MS);
    return () => clearTimeout(timer);
    // one fly-to and beep per alarm
  }, [alarm?.id, map]);

  // ---- the rotating views: the city, then the towns with the most open incidents
  const views = useMemo(() => {
    const byCode = new Map(towns.map((tw) => [tw.code, tw]));
    const busiest = [...(summary?.towns ?? [])]
      .filter((tw) => tw.open > 0 && byCode.has(tw.code))
      .sort((a, b) => b.open - a.open)
      .slice(0, ROTATE_TOWNS)
      .map((tw) => tw.code);
    return ['city', ...busiest];
  }, [towns, summary]);
  const [viewIndex, setViewIndex] = useState(0);
  const view = views[viewIndex % views.length] ?? 'city';
  const alarmOn = alarm !== null;
  useEffect(() => {
    if (alarmOn || mode !== 'live') return;
    const timer = setInterval(() => setViewIndex((i) => (i + 1) % Math.max(1, views.length)), ROTATE_MS);
    return () => clearInterval(timer);
  }, [alarmOn, mode, views.length]);
  useEffect(() => {
    if (!map || alarmOn) return;
    const w = map.getContainer().clientWidth;
    const h = map.getContainer().clientHeight;
    const padding = { top: h * 0.16, bottom: h * 0.06, left: w * 0.27, right: w * 0.27 };
    const town = towns.find((tw) => tw.code === view);
    const box = town ? town.bbox : unionBox(towns);
    if (!box) {
      map.flyTo({ center: INITIAL_VIEW.center, zoom: INITIAL_VIEW.zoom, essential: true });
      return;
    }
    map.fitBounds(
      [
        [box[0], box[1]],
        [box[2], box[3]],
      ],
      { padding, maxZoom: 14, duration: 3000, essential: true },
    );
  }, [map, view, towns, alarmOn]);

  // ---- names
  const categoryNames = useMemo(
    () => new Map(categories.map((c) => [c.code, categoryName(language, c)])),
    [categories, language],
  );
  const townNames = useMemo(() => {
    const m = new Map<string, string>();
    for (const tw of towns) m.set(tw.code, tw.name);
    for (const tw of summary?.towns ?? []) m.set(tw.code, tw.name);
    return m;
  }, [towns, summary]);
  const catName = useCallback(
    (code: string, fallback?: string | null) => categoryNames.get(code) ?? fallback ?? code,
    [categoryNames],
  );

  // ---- the layers of the live map
  const layers = useMemo(
    () =>
      [
        townLayer(towns, view === 'city' ? null : view),
        ...liveLayers(store.current, version, scale, alarm?.position ?? null),
      ].filter(Boolean) as Layer[],
    // version stands for the store's content
    [towns, view, version, scale, alarm?.position],
  );

  // ---- test hook
  useEffect(() => {
    publishTestState({
      screen: {
        ready: summary !== null && map !== null && store.current !== null,
        summarySeq: summary?.seq ?? null,
        summaryLoads: summaryLoads.current,
        incidents: store.current?.incidents.size ?? 0,
        teams: store.current?.teams.size ?? 0,
        alarms: alarms.map((a) => a.id),
        view,
        mode,
        playback: window.__riskmap?.screen?.playback,
      },
    });
  }, [summary, map, version, alarms, view, mode]);
  useEffect(() => () => publishTestState({ screen: undefined }), []);

  // ---- the charts
  const u = scale;
  const axisLabel = { color: TEXT, fontSize: 14 * u };
  const byCategoryOption = useMemo<ChartOption>(() => {
    const rows = [...(summary?.today.byCategory ?? [])]
      .sort((a, b) => b.n - a.n)
      .slice(0, 8)
      .reverse();
    return {
      grid: { left: 8 * u, right: 36 * u, top: 6 * u, bottom: 6 * u, containLabel: true },
      xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { lineStyle: { color: LINE } } },
      yAxis: {
        type: 'category',
        data: rows.map((r) => catName(r.code, r.name)),
        axisLabel: { ...axisLabel, width: 150 * u, overflow: 'truncate' },
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
    // axisLabel follows u
  }, [summary, u, catName]);

  const byStatusOption = useMemo<ChartOption>(() => {
    const palette: Record<string, string> = {
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
    const rows = summary?.today.byStatus ?? [];
    return {
      legend: {
        orient: 'vertical',
        right: 0,
        top: 'middle',
        textStyle: { color: TEXT, fontSize: 12 * u },
        itemWidth: 12 * u,
        itemHeight: 12 * u,
      },
      series: [
        {
          type: 'pie',
          radius: ['45%', '75%'],
          center: ['32%', '50%'],
          data: rows.map((r) => ({
            name: statusName(t, r.status),
            value: r.n,
            itemStyle: { color: palette[r.status] ?? '#94a3b8' },
          })),
          label: { show: false },
          itemStyle: { borderColor: '#0b1220', borderWidth: 2 * u },
        },
      ],
      animationDuration: 600,
    };
  }, [summary, u, t]);

  const rate = summary?.onTime.rate ?? null;
  const onTimeOption = useMemo<ChartOption>(
    () => ({
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
    }),
    [rate, u],
  );

  const teamsOption = useMemo<ChartOption>(() => {
    const rows = summary?.teams ?? [];
    const series = (
      [
        ['available', '#22c55e'],
        ['busy', '#f59e0b'],
        ['offDuty', '#64748b'],
      ] as const
    ).map(([key, color]) => ({
      name: t(`screen.teams.${key}` as MessageKey),
      type: 'bar',
      stack: 'teams',
      data: rows.map((r) => r[key]),
      itemStyle: { color },
      barWidth: '55%',
    }));
    return {
      legend: { top: 0, textStyle: { color: TEXT, fontSize: 12 * u }, itemWidth: 12 * u, itemHeight: 12 * u },
      grid: { left: 4 * u, right: 8 * u, top: 26 * u, bottom: 4 * u, containLabel: true },
      xAxis: {
        type: 'category',
        data: rows.map((r) => teamKindName(t, r.kind)),
        axisLabel: { ...axisLabel, fontSize: 11 * u, interval: 0 },
        axisLine: { lineStyle: { color: LINE } },
      },
      yAxis: {
        type: 'value',
        axisLabel: { color: MUTED, fontSize: 11 * u },
        splitLine: { lineStyle: { color: LINE } },
      },
      series,
      animationDuration: 600,
    };
  }, [summary, u, t]);

  const riskOption = useMemo<ChartOption>(() => {
    const byLevel = new Map((summary?.riskSources ?? []).map((r) => [r.level, r.n]));
    return {
      grid: { left: 4 * u, right: 8 * u, top: 24 * u, bottom: 4 * u, containLabel: true },
      xAxis: {
        type: 'category',
        data: RISK_LEVELS.map((l) => t(`risk.${l}` as MessageKey)),
        axisLabel: { ...axisLabel, interval: 0 },
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
  }, [summary, u, t]);

  const townsOption = useMemo<ChartOption>(() => {
    const rows = [...(summary?.towns ?? [])]
      .sort((a, b) => b.open - a.open)
      .slice(0, 8)
      .reverse();
    return {
      legend: { top: 0, textStyle: { color: TEXT, fontSize: 12 * u }, itemWidth: 12 * u, itemHeight: 12 * u },
      grid: { left: 4 * u, right: 30 * u, top: 24 * u, bottom: 4 * u, containLabel: true },
      xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { lineStyle: { color: LINE } } },
      yAxis: {
        type: 'category',
        data: rows.map((r) => r.name),
        axisLabel: axisLabel,
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
  }, [summary, u, t]);

  const fmt = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString(language));
  const viewName = view === 'city' ? t('screen.view.city') : (townNames.get(view) ?? view);

  return (
    <div className="screen" data-testid="screen" data-mode={mode} style={{ fontSize: `${16 * scale}px` }}>
      <div className="screen-map">
        <MapView basemap="dark" ariaLabel={t('map.aria')} onLoad={setMap} />
        {map && mode === 'live' && <DeckOverlay map={map} layers={layers} />}
        {map && mode === 'playback' && <PlaybackMode map={map} towns={towns} scale={scale} />}
      </div>

      <header className="screen-header">
        <div className="screen-title">
          <h1>{t('screen.title')}</h1>
          <span className="screen-subtitle">{t('app.title')} · riskmap</span>
        </div>
        <div className="screen-kpis">
          <div className="screen-kpi" data-testid="screen-kpi-today">
            <span className="screen-kpi-label">{t('screen.today')}</span>
            <span className="screen-kpi-value" data-testid="screen-kpi-today-value">
              {fmt(summary?.today.total)}
            </span>
          </div>
          <div className="screen-kpi" data-testid="screen-kpi-open">
            <span className="screen-kpi-label">{t('screen.open')}</span>
            <span className="screen-kpi-value" data-testid="screen-kpi-open-value">
              {fmt(summary?.openTotal)}
            </span>
          </div>
          <div className="screen-kpi alert" data-testid="screen-kpi-overdue">
            <span className="screen-kpi-label">{t('screen.overdue')}</span>
            <span className="screen-kpi-value" data-testid="screen-kpi-overdue-value">
              {fmt(summary?.overdueTotal)}
            </span>
          </div>
        </div>
        <div className="screen-header-right">
          <Clock />
          <LiveIndicator className="screen-live" />
          <div className="screen-buttons">
            <button
              type="button"
              className={`screen-button${sound ? ' active' : ''}`}
              data-testid="screen-sound"
              aria-pressed={sound}
              onClick={() => {
                if (!sound) unlockAudio();
                setSound((s) => !s);
              }}
            >
              {sound ? t('screen.soundOn') : t('screen.soundOff')}
            </button>
            <button
              type="button"
              className={`screen-button${mode === 'playback' ? ' active' : ''}`}
              data-testid="screen-mode"
              aria-pressed={mode === 'playback'}
              onClick={() => setMode((m) => (m === 'live' ? 'playback' : 'live'))}
            >
              {mode === 'live' ? t('screen.playback') : t('screen.backToLive')}
            </button>
            <LanguageSwitch />
            <a
              href="/"
              className="screen-button"
              data-testid="screen-back"
              onClick={(e) => {
                e.preventDefault();
                navigate('/');
              }}
            >
              {t('screen.back')}
            </a>
          </div>
        </div>
      </header>

      <aside className="screen-col screen-left">
        <section className="screen-panel" data-testid="panel-by-category">
          <h2>{t('screen.byCategory')}</h2>
          <EChart option={byCategoryOption} testId="chart-by-category" />
        </section>
        <section className="screen-panel" data-testid="panel-by-status">
          <h2>{t('screen.byStatus')}</h2>
          <EChart option={byStatusOption} testId="chart-by-status" />
        </section>
        <section className="screen-panel" data-testid="panel-on-time">
          <h2>
            {t('screen.onTime')}
            <span className="screen-panel-note" data-testid="screen-ontime-counts">
              {summary ? `${fmt(summary.onTime.onTime)} / ${fmt(summary.onTime.resolved)}` : ''}
            </span>
          </h2>
          <EChart option={onTimeOption} testId="chart-on-time" />
          <span className="screen-hidden-value" data-testid="screen-ontime-rate">
            {rate === null ? '' : rate.toFixed(4)}
          </span>
        </section>
      </aside>

      <aside className="screen-col screen-right">
        <section className="screen-panel screen-overdue" data-testid="panel-overdue">
          <h2>
            {t('screen.overdueList')}
            <span className="screen-panel-note">{fmt(summary?.overdueTotal)}</span>
          </h2>
          <OverdueList
            rows={(summary?.overdue ?? []).slice(0, OVERDUE_MAX).map((o) => ({
              id: o.id,
              text: catName(o.category, o.name),
              place: o.townCode ? (townNames.get(o.townCode) ?? o.townCode) : '',
              priority: o.priority,
              deadlineAt: o.deadlineAt,
            }))}
          />
        </section>
        <section className="screen-panel" data-testid="panel-teams">
          <h2>{t('screen.teams')}</h2>
          <EChart option={teamsOption} testId="chart-teams" />
        </section>
        <section className="screen-panel" data-testid="panel-risk">
          <h2>{t('screen.risk')}</h2>
          <EChart option={riskOption} testId="chart-risk" />
        </section>
        <section className="screen-panel" data-testid="panel-towns">
          <h2>{t('screen.towns')}</h2>
          <EChart option={townsOption} testId="chart-towns" />
        </section>
      </aside>

      {mode === 'live' && (
        <div className="screen-view" data-testid="screen-view" data-view={view}>
          {alarmOn ? t('screen.view.alarm') : viewName}
          {!alarmOn && views.length > 1 && (
            <span className="screen-view-dots">
              {views.map((v, i) => (
                <span key={v} className={i === viewIndex % views.length ? 'on' : ''} />
              ))}
            </span>
          )}
        </div>
      )}

      {summaryError && (
        <div className="screen-error" role="alert" data-testid="screen-error">
          {t('status.apiDown')}: {summaryError}
        </div>
      )}

      {alarm && (
        <div className="screen-alarm" role="alert" data-testid="screen-alarm" data-id={alarm.id}>
          <span className="screen-alarm-icon" aria-hidden="true">
            ⚠
          </span>
          <div className="screen-alarm-body">
            <div className="screen-alarm-title">
              {t('screen.alarm.title')} · #{alarm.id}
            </div>
            <div className="screen-alarm-text">
              <strong data-testid="screen-alarm-category">{catName(alarm.category)}</strong>
              <span data-testid="screen-alarm-place">
                {[alarm.townCode ? (townNames.get(alarm.townCode) ?? alarm.townCode) : null, alarm.gridCode]
                  .filter(Boolean)
                  .join(' · ') || `${alarm.position[0].toFixed(4)}, ${alarm.position[1].toFixed(4)}`}
              </span>
              <span className="screen-alarm-time">
                {new Intl.DateTimeFormat('en-GB', {
                  timeZone: 'Asia/Shanghai',
                  hour: '2-digit',
                  minute: '2-digit',
                  second: '2-digit',
                }).format(new Date(alarm.at))}
              </span>
            </div>
          </div>
          {alarms.length > 1 && (
            <span className="screen-alarm-more" data-testid="screen-alarm-more">
              +{alarms.length - 1} {t('screen.alarm.more')}
            </span>
          )}
          <button
            type="button"
            className="screen-button"
            data-testid="screen-alarm-dismiss"
            onClick={dismissAlarm}
          >
            {t('screen.alarm.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}

interface OverdueRow {
  id: number;
  text: string;
  place: string;
  priority: number;
  deadlineAt: string;
}

/** The overdue incidents; when they do not fit, the list scrolls by itself (no scrollbar). */
function OverdueList({ rows }: { rows: OverdueRow[] }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [overflow, setOverflow] = useState(false);
  useEffect(() => {
    const measure = () => {
      const b = box.current;
      const l = list.current;
      if (b && l) setOverflow(l.scrollHeight > b.clientHeight + 2);
    };
    measure();
    const observer = new ResizeObserver(measure);
    if (box.current) observer.observe(box.current);
    return () => observer.disconnect();
  }, [rows]);
  const now = Date.now();
  const render = (key: string) => (
    <ul ref={key === 'a' ? list : undefined} className="screen-overdue-list" aria-hidden={key === 'b'}>
      {rows.map((r) => {
        const hours = Math.max(0, (now - new Date(r.deadlineAt).getTime()) / 3_600_000);
        return (
          <li key={`${key}${r.id}`} data-testid={key === 'a' ? 'overdue-row' : undefined}>
            <span className={`screen-prio p${r.priority}`}>{r.priority}</span>
            <span className="screen-overdue-text">
              #{r.id} {r.text}
            </span>
            <span className="screen-overdue-place">{r.place}</span>
            <span className="screen-overdue-late">
              {hours >= 24
                ? `${Math.floor(hours / 24)}${t('screen.days')}`
                : `${Math.floor(hours)}${t('screen.hours')}`}
            </span>
          </li>
        );
      })}
    </ul>
  );
  return (
    <div ref={box} className="screen-overdue-box" data-testid="overdue-list" data-scrolling={overflow}>
      {rows.length === 0 ? (
        <div className="screen-empty">{t('screen.noOverdue')}</div>
      ) : (
        <div
          className={overflow ? 'screen-marquee' : ''}
          style={overflow ? { animationDuration: `${rows.length * 2.5}s` } : undefined}
        >
          {render('a')}
          {overflow && render('b')}
        </div>
      )}
    </div>
  );
}
