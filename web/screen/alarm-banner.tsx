import { useI18n } from '../i18n.ts';
import type { Alarm } from './alarm-queue.ts';

const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The red banner of the alarm on screen: category, place, report time, how many wait. */
export function AlarmBanner({
  alarm,
  waiting,
  categoryName,
  townName,
  onDismiss,
}: {
  alarm: Alarm;
  /** Alarms waiting behind this one. */
  waiting: number;
  categoryName: (code: string) => string;
  townName: (code: string) => string;
  onDismiss: (id: number) => void;
}) {
  const { t } = useI18n();
  const place =
    [alarm.townCode ? townName(alarm.townCode) : null, alarm.gridCode].filter(Boolean).join(' · ') ||
    `${alarm.position[0].toFixed(4)}, ${alarm.position[1].toFixed(4)}`;
  return (
    <div className="screen-alarm" role="alert" data-testid="screen-alarm" data-id={alarm.id}>
      <span className="screen-alarm-icon" aria-hidden="true">
        ⚠
      </span>
      <div className="screen-alarm-body">
        <div className="screen-alarm-title">
          {t('screen.alarm.title')} · #{alarm.id}
        </div>
        <div className="screen-alarm-text">
          <strong data-testid="screen-alarm-category">{categoryName(alarm.category)}</strong>
          <span data-testid="screen-alarm-place">{place}</span>
          <span className="screen-alarm-time">{TIME.format(new Date(alarm.at))}</span>
        </div>
      </div>
      {waiting > 0 && (
        <span className="screen-alarm-more" data-testid="screen-alarm-more">
          +{waiting} {t('screen.alarm.more')}
        </span>
      )}
      <button
        type="button"
        className="screen-button"
        data-testid="screen-alarm-dismiss"
        onClick={() => onDismiss(alarm.id)}
      >
        {t('screen.alarm.dismiss')}
      </button>
    </div>
  );
}
