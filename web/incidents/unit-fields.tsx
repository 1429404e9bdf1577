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

/** Props of UnitPicker. */
export interface UnitPickerProps {
  incident: IncidentDetail;
  value: number | null;
  onChange: (unitId: number | null) => void;
}

/** The units of the incident's town that could take it over (not the one handling it now). */
export function UnitPicker({ incident, value, onChange }: UnitPickerProps) {
  const { t } = useI18n();
  const units = useUnits(incident.townCode, incident.townCode !== null);
  const others = (units.data ?? []).filter(
    (u) => u.areaCode === incident.townCode && u.id !== incident.leadUnit?.id,
  );
  return (
    <label className="field">
      <span>{t('unit.pick')}</span>
      <select
        data-testid="incident-unit"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">—</option>
        {others.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}（{departmentName(t, u.department)}）
          </option>
        ))}
      </select>
    </label>
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
