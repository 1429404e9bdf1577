import type { IncidentDetail } from '../api/client.ts';
import { useI18n, type I18n } from '../i18n.ts';
import { useUnits } from './queries.ts';

const DEPARTMENTS = [
  'zongzhi',
  'police',
  'urban',
  'grid',
  'emergency',
  'housing',
  'environment',
  'market',
  'fire',
  'transport',
  'water',
  'health',
  'hrss',
] as const;

/** A department's name in the interface language (its code when unknown). */
export function departmentName(t: I18n['t'], code: string): string {
  return (DEPARTMENTS as readonly string[]).includes(code)
    ? t(`dept.${code as (typeof DEPARTMENTS)[number]}`)
    : code;
}

/** Props of UnitSelect. */
export interface UnitSelectProps {
  /** The town whose units are offered. */
  townCode: string | null;
  /** Units not offered (the one handling it now, those with an open task). */
  exclude: readonly number[];
  label: string;
  testId: string;
  value: number | null;
  onChange: (unitId: number | null) => void;
  required?: boolean;
}

/** A choice among the units of a town, by department, "常平公安分局（公安）". */
export function UnitSelect({ townCode, exclude, label, testId, value, onChange, required }: UnitSelectProps) {
  const { t } = useI18n();
  const units = useUnits(townCode, townCode !== null);
  const choices = (units.data ?? []).filter((u) => u.areaCode === townCode && !exclude.includes(u.id));
  return (
    <label className="field">
      <span>{label}</span>
      <select
        data-testid={testId}
        required={required}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">—</option>
        {choices.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}（{departmentName(t, u.department)}）
          </option>
        ))}
      </select>
    </label>
  );
}

/** Props of UnitPicker. */
export interface UnitPickerProps {
  incident: IncidentDetail;
  value: number | null;
  onChange: (unitId: number | null) => void;
}

/** The units of the incident's town that could take it over (not the one handling it now). */
export function UnitPicker({ incident, value, onChange }: UnitPickerProps) {
  const { t } = useI18n();
  return (
    <UnitSelect
      townCode={incident.townCode}
      exclude={incident.leadUnit ? [incident.leadUnit.id] : []}
      label={t('unit.pick')}
      testId="incident-unit"
      value={value}
      onChange={onChange}
    />
  );
}

/** The handling unit (承办单位) of an incident, how often it moved, and the flag when it bounced. */
export function LeadUnit({ incident }: { incident: IncidentDetail }) {
  const { t } = useI18n();
  const unit = incident.leadUnit;
  return (
    <div className="detail-row" data-testid="incident-lead-unit" data-unit-id={unit?.id ?? ''}>
      <dt>{t('unit.lead')}</dt>
      <dd>
        {unit ? `${unit.name}（${departmentName(t, unit.department)}）` : t('unit.none')}
        {incident.handoffs > 0 && (
          <span className="muted"> · {t('unit.handoffs', { n: incident.handoffs })}</span>
        )}
        {incident.bounced && (
          <span className="form-error" role="status" data-testid="incident-bounced">
            {' '}
            {t('unit.bounced')}
          </span>
        )}
      </dd>
    </div>
  );
}
