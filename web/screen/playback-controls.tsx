import { TimeField } from '../components/time-field.tsx';
import { formatTime } from '../lib/format.ts';
import { useI18n } from '../i18n.ts';
import { SPEEDS, type PlaybackAction, type PlaybackClock } from './playback-clock.ts';

/** The playback's panel: the window, play/pause, speed, the scrub slider, what is shown. */
export function PlaybackControls({
  clock,
  dispatch,
  loading,
  counts,
  error,
}: {
  clock: PlaybackClock;
  dispatch: (action: PlaybackAction) => void;
  loading: boolean;
  counts: { incidents: number; total: number | null; teams: number; truncated: boolean };
  error: string | null;
}) {
  const { language, t } = useI18n();
  const span = counts.total === null ? null : clock.span;
  return (
    <div className="screen-playback" data-testid="playback">
      <div className="screen-playback-row">
        <label>
          {t('playback.from')}
          <TimeField
            testId="playback-from"
            value={clock.fromInput}
            onChange={(value) => dispatch({ type: 'from', value })}
          />
        </label>
        <label>
          {t('playback.to')}
          <TimeField
            testId="playback-to"
            value={clock.toInput}
            onChange={(value) => dispatch({ type: 'to', value })}
          />
        </label>
        <button
          type="button"
          className="screen-button"
          data-testid="playback-load"
          disabled={loading}
          onClick={() => dispatch({ type: 'load' })}
        >
          {loading ? t('playback.loading') : t('playback.load')}
        </button>
        <span className="screen-playback-counts" data-testid="playback-counts">
          {t('playback.incidents')} {counts.incidents}
          {counts.total === null ? '' : ` / ${counts.total}`} · {t('playback.teams')} {counts.teams}
          {counts.truncated ? ` · ${t('playback.truncated')}` : ''}
        </span>
      </div>
      <div className="screen-playback-row">
        <button
          type="button"
          className="screen-button"
          data-testid="playback-play"
          disabled={!span}
          onClick={() => dispatch({ type: 'toggle' })}
        >
          {clock.playing ? t('playback.pause') : t('playback.play')}
        </button>
        <select
          data-testid="playback-speed"
          value={clock.speed}
          onChange={(e) => dispatch({ type: 'speed', speed: Number(e.target.value) })}
          aria-label={t('playback.speed')}
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              ×{s}
            </option>
          ))}
        </select>
        <input
          type="range"
          className="screen-playback-slider"
          data-testid="playback-slider"
          aria-label={t('playback.scrub')}
          min={span?.from ?? 0}
          max={span?.to ?? 1}
          step={1000}
          value={span ? clock.now : 0}
          disabled={!span}
          onChange={(e) => dispatch({ type: 'scrub', at: Number(e.target.value) })}
        />
        <span className="screen-playback-time" data-testid="playback-time">
          {span ? formatTime(language, clock.now, 'second') : '—'}
        </span>
      </div>
      {error && (
        <div className="screen-playback-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
