import type { RefObject } from 'react';
import { INCIDENT_STATUS_LIST } from '../api/client.ts';
import { AnySelect, RefreshButton } from '../components/filter-fields.tsx';
import { CategorySelect, useIncidentCategories } from '../components/categories.tsx';
import { incidentStatusName } from '../lib/incident-format.ts';
import { useI18n } from '../i18n.ts';
import { useUnits } from './queries.ts';

/** The queue's filters the API applies. */
export interface QueueFilters {
  status: string;
  category: string;
  /** A unit's id ('' for any). */
  unit: string;
  /** A unit's id whose open joint tasks to list ('' for any). */
  assisting: string;
  overdueOnly: boolean;
}

/** Props of QueueFilterForm. */
export interface QueueFilterFormProps {
  filters: QueueFilters;
  onFilters: (filters: QueueFilters) => void;
  /** The text filter over the loaded rows (focused by `/`). */
  text: string;
  onText: (text: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  onRefresh: () => void;
  loading: boolean;
}

/** Status, category, overdue-only, the text filter and 刷新 above the queue. */
export function QueueFilterForm({
  filters,
  onFilters,
  text,
  onText,
  searchRef,
  onRefresh,
  loading,
}: QueueFilterFormProps) {
  const { t } = useI18n();
  const { categories } = useIncidentCategories();
  return (
    <div className="admin-form filters queue-filters">
      <AnySelect
        label={t('col.status')}
        value={filters.status}
        values={INCIDENT_STATUS_LIST}
        name={(s) => incidentStatusName(t, s)}
        onChange={(status) => onFilters({ ...filters, status })}
        testId="queue-status"
      />
      <label className="field">
        <span>{t('col.category')}</span>
        <CategorySelect
          categories={categories}
          value={filters.category}
          onChange={(category) => onFilters({ ...filters, category })}
          allowGroups
          emptyLabel={t('filter.any')}
          testId="queue-category"
        />
      </label>
      <UnitFilter
        label={t('unit.lead')}
        testId="queue-unit"
        value={filters.unit}
        onChange={(unit) => onFilters({ ...filters, unit })}
      />
      <UnitFilter
        label={t('task.unit')}
        testId="queue-assisting"
        value={filters.assisting}
        onChange={(assisting) => onFilters({ ...filters, assisting })}
      />
      <label className="field checkbox">
        <input
          type="checkbox"
          data-testid="queue-overdue-only"
          checked={filters.overdueOnly}
          onChange={(e) => onFilters({ ...filters, overdueOnly: e.target.checked })}
        />
        <span>{t('incidents.overdueOnly')}</span>
      </label>
      <label className="field">
        <span>{t('incidents.search')}</span>
        <input
          ref={searchRef}
          type="search"
          data-testid="queue-search"
          placeholder={t('incidents.searchPlaceholder')}
          value={text}
          onChange={(e) => onText(e.target.value)}
        />
      </label>
      <RefreshButton onRefresh={onRefresh} loading={loading} />
    </div>
  );
}

/**
 * A unit filter over the units of the towns the user's area touches: the handling unit (承办单位)
 * or the assisting unit (协办单位) of an open joint task.
 */
function UnitFilter({
  label,
  testId,
  value,
  onChange,
}: {
  label: string;
  testId: string;
  value: string;
  onChange: (unit: string) => void;
}) {
  const { t } = useI18n();
  const units = useUnits(null, true);
  return (
    <label className="field">
      <span>{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('filter.any')}</option>
        {(units.data ?? []).map((u) => (
          <option key={u.id} value={String(u.id)}>
            {u.name}
          </option>
        ))}
      </select>
    </label>
  );
}
