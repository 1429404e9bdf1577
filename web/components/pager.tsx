import { useI18n } from '../i18n.ts';

/** Props of Pager. */
export interface PagerProps {
  /** Index of the first row shown (0-based). */
  offset: number;
  pageSize: number;
  /** Rows in all pages. */
  total: number;
  /** There may be more than `total` (the API stopped counting there). */
  more?: boolean;
  /** While loading: no moving. */
  disabled?: boolean;
  onChange: (offset: number) => void;
  /** Prefix of the test ids: `{prefix}-pager`, `-prev`, `-range`, `-next`. */
  testId: string;
}

/** "第 1–50 条，共 312 条" between 上一页 and 下一页. */
export function Pager({
  offset,
  pageSize,
  total,
  more = false,
  disabled = false,
  onChange,
  testId,
}: PagerProps) {
  const { t } = useI18n();
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + pageSize);
  const range = t(more ? 'pager.rangeMore' : 'pager.range', { from, to, total });
  return (
    <nav className="pager" data-testid={`${testId}-pager`} aria-label={range}>
      <button
        type="button"
        className="button small"
        data-testid={`${testId}-prev`}
        disabled={disabled || offset === 0}
        onClick={() => onChange(Math.max(0, offset - pageSize))}
      >
        {t('pager.prev')}
      </button>
      <span
        className="muted small pager-label"
        data-testid={`${testId}-range`}
        data-from={from}
        data-to={to}
        data-total={total}
        aria-live="polite"
      >
        {range}
      </span>
      <button
        type="button"
        className="button small"
        data-testid={`${testId}-next`}
        disabled={disabled || offset + pageSize >= total}
        onClick={() => onChange(offset + pageSize)}
      >
        {t('pager.next')}
      </button>
    </nav>
  );
}
