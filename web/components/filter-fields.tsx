import { useI18n } from '../i18n.ts';

/** Props of AnySelect. */
export interface AnySelectProps<V extends string> {
  /** The field's label, in the user's language. */
  label: string;
  /** '' stands for any value. */
  value: string;
  values: readonly V[];
  /** A value's name in the user's language. */
  name: (value: V) => string;
  onChange: (value: string) => void;
  testId: string;
}

/** A filter's labelled select whose first choice, 任意 / any, filters nothing. */
export function AnySelect<V extends string>(p: AnySelectProps<V>) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{p.label}</span>
      <select data-testid={p.testId} value={p.value} onChange={(e) => p.onChange(e.target.value)}>
        <option value="">{t('filter.any')}</option>
        {p.values.map((v) => (
          <option key={v} value={v}>
            {p.name(v)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** 刷新 at the end of a filter row. */
export function RefreshButton({ onRefresh, loading }: { onRefresh: () => void; loading: boolean }) {
  const { t } = useI18n();
  return (
    <div className="form-actions inline">
      <button type="button" className="button" onClick={onRefresh} disabled={loading}>
        {t('incidents.refresh')}
      </button>
    </div>
  );
}
