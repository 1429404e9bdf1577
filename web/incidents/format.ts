import type { I18n, MessageKey } from '../i18n.ts';

/** Working minutes as "3 小时 20 分" / "3 h 20 min". */
export function formatMinutes(t: I18n['t'], minutes: number): string {
  const m = Math.abs(minutes);
  const h = Math.floor(m / 60);
  const rest = m % 60;
  const parts = h > 0 ? [`${h} ${t('time.h')}`] : [];
  if (rest > 0 || h === 0) parts.push(`${rest} ${t('time.min')}`);
  return parts.join(' ');
}

/** Time left on the clock: "剩 2 小时" or "超时 1 小时 5 分"; a dash once the clock has stopped. */
export function timeLeft(t: I18n['t'], minutesLeft: number | null): string {
  if (minutesLeft === null) return t('time.stopped');
  return minutesLeft < 0
    ? `${t('time.over')} ${formatMinutes(t, minutesLeft)}`
    : `${t('time.left')} ${formatMinutes(t, minutesLeft)}`;
}

/** A translated label of a code family (action., channel., priority.), the code when unknown. */
export function label(t: I18n['t'], family: string, code: string | number): string {
  const key = `${family}.${code}`;
  const text = t(key as MessageKey) as string | undefined;
  return text ?? String(code);
}
