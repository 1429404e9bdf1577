import type { LiveStatus } from '../api/client.ts';
import { useLiveStatus } from '../api/use-live.ts';
import { useI18n, type MessageKey } from '../i18n.ts';

const STATE_NAME: Record<LiveStatus['state'], MessageKey> = {
  connecting: 'live.connecting',
  open: 'live.open',
  reconnecting: 'live.reconnecting',
  closed: 'live.closed',
};

/**
 * A small badge with the live connection's state: 实时 (open), 连接中 (first attempt),
 * 正在重连 (lost, trying again), 离线 (closed).
 */
export function LiveIndicator({ className = '' }: { className?: string }) {
  const { t } = useI18n();
  const status = useLiveStatus();
  return (
    <span
      className={`live-indicator live-${status.state} ${className}`}
      data-testid="live-indicator"
      data-state={status.state}
      data-seq={status.seq ?? ''}
      role="status"
      title={status.seq === null ? t(STATE_NAME[status.state]) : `seq ${status.seq}`}
    >
      <span className="live-dot" aria-hidden="true" />
      {t(STATE_NAME[status.state])}
    </span>
  );
}
