import { nameAndCode } from '../lib/format.ts';
import { useI18n } from '../i18n.ts';
import type { NamedArea } from './queries.ts';

/** Props of PlanForm. */
export interface PlanFormProps {
  home: string;
  homeName: string;
  areas: readonly NamedArea[];
  area: string;
  onArea: (code: string) => void;
  maxIncidents: string;
  onMaxIncidents: (value: string) => void;
  busy: boolean;
  onGenerate: () => void;
}

/** The area to plan (the home area or one under it), the most incidents, and 生成方案. */
export function PlanForm({
  home,
  homeName,
  areas,
  area,
  onArea,
  maxIncidents,
  onMaxIncidents,
  busy,
  onGenerate,
}: PlanFormProps) {
  const { t } = useI18n();
  return (
    <div className="admin-form filters">
      <label className="field">
        <span>{t('plan.area')}</span>
        <select data-testid="plan-area" value={area} onChange={(e) => onArea(e.target.value)}>
          <option value={home}>
            {homeName} ({t('plan.homeArea')})
          </option>
          {areas.map((a) => (
            <option key={a.code} value={a.code}>
              {nameAndCode(a.name, a.code)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('plan.maxIncidents')}</span>
        <input
          type="number"
          min={1}
          max={500}
          data-testid="plan-max"
          value={maxIncidents}
          onChange={(e) => onMaxIncidents(e.target.value)}
        />
      </label>
      <div className="form-actions inline">
        <button
          type="button"
          className="button primary"
          data-testid="plan-generate"
          disabled={busy}
          onClick={onGenerate}
        >
          {t('plan.generate')}
        </button>
      </div>
    </div>
  );
}
