import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.ts';

/** The clock in China time (Asia/Shanghai), whatever the machine's zone. */
export function Clock() {
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
