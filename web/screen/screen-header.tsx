import type { ScreenSummary } from '../api/client.ts';
import { LanguageSwitch } from '../components/language-switch.tsx';
import { LiveIndicator } from '../components/live-indicator.tsx';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { unlockAudio } from './beep.ts';
import { Clock } from './clock.tsx';

/** A count in the current language's digits grouping; — while unknown. */
export function useCount(): (n: number | undefined) => string {
  const { language } = useI18n();
  return (n) => (n === undefined ? '—' : n.toLocaleString(language));
}

/**
 * The screen's top bar: title, the three headline figures (today, open, overdue), the clock, the
 * live connection's state, and the switches (sound, playback, language, back to the map).
 */
export function ScreenHeader({
  summary,
  sound,
  onSound,
  mode,
  onMode,
}: {
  summary: ScreenSummary | null;
  sound: boolean;
  onSound: (on: boolean) => void;
  mode: 'live' | 'playback';
  onMode: (mode: 'live' | 'playback') => void;
}) {
  const { t } = useI18n();
  const fmt = useCount();
  const kpis = [
    { id: 'today', label: t('screen.today'), value: summary?.today.total, alert: false },
    { id: 'open', label: t('screen.open'), value: summary?.openTotal, alert: false },
    { id: 'overdue', label: t('screen.overdue'), value: summary?.overdueTotal, alert: true },
    { id: 'supervised', label: t('screen.supervised'), value: summary?.supervisedTotal, alert: true },
  ];
  return (
    <header className="screen-header">
      <div className="screen-title">
        <h1>{t('screen.title')}</h1>
        <span className="screen-subtitle">{t('app.title')} · riskmap</span>
      </div>
      <div className="screen-kpis">
        {kpis.map((k) => (
          <div
            key={k.id}
            className={`screen-kpi${k.alert ? ' alert' : ''}`}
            data-testid={`screen-kpi-${k.id}`}
          >
            <span className="screen-kpi-label">{k.label}</span>
            <span className="screen-kpi-value" data-testid={`screen-kpi-${k.id}-value`}>
              {fmt(k.value)}
            </span>
          </div>
        ))}
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
              // the click is the gesture after which the browser lets the page play sound
              if (!sound) unlockAudio();
              onSound(!sound);
            }}
          >
            {sound ? t('screen.soundOn') : t('screen.soundOff')}
          </button>
          <button
            type="button"
            className={`screen-button${mode === 'playback' ? ' active' : ''}`}
            data-testid="screen-mode"
            aria-pressed={mode === 'playback'}
            onClick={() => onMode(mode === 'live' ? 'playback' : 'live')}
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
  );
}
