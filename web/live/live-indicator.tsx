import { useI18n, type MessageKey } from '../i18n.ts';
import { useLiveStatus } from './use-live.ts';

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
      title={status.seq === null ? t(`live.${status.state}` as MessageKey) : `seq ${status.seq}`}
    >
      <span className="live-dot" aria-hidden="true" />
      {t(`live.${status.state}` as MessageKey)}
    </span>
  );
}
