import { useId } from 'react';
import { errorMessage } from '../lib/error-message.ts';
import { nameAndCode } from '../lib/format.ts';
import { useI18n } from '../i18n.ts';
import { useTownNames, useVillageNames } from './queries.ts';

/** Code of the whole city. */
export const CITY_CODE = '441900';

/** Town codes have 9 digits, village codes 12; grids are longer. */
function townOf(code: string): string {
  return code.length >= 9 ? code.slice(0, 9) : '';
}
function villageOf(code: string): string {
  return code.length >= 12 ? code.slice(0, 12) : '';
}

/** Props of AreaPicker. */
export interface AreaPickerProps {
  /** The area code (city, town, village or grid). */
  value: string;
  onChange: (code: string) => void;
  /** data-testid prefix: `<testId>-town`, `<testId>-village`, `<testId>-code`. */
  testId?: string;
}

/**
 * An area chooser: town select, then village select, and the resulting code, which may also be
 * typed (e.g. a grid code).
 */
export function AreaPicker({ value, onChange, testId = 'area' }: AreaPickerProps) {
  const { t } = useI18n();
  const id = useId();
  const town = townOf(value);
  const village = villageOf(value);
  const towns = useTownNames();
  const villages = useVillageNames(town);
  const error = towns.error ?? villages.error;

  return (
    <div className="area-picker">
      <label className="field">
        <span>{t('area.pickTown')}</span>
        <select
          data-testid={`${testId}-town`}
          value={town || (value === CITY_CODE ? CITY_CODE : '')}
          onChange={(e) => onChange(e.currentTarget.value)}
        >
          <option value="" disabled>
            —
          </option>
          <option value={CITY_CODE}>{t('area.wholeCity')}</option>
          {(towns.data ?? []).map((a) => (
            <option key={a.code} value={a.code}>
              {nameAndCode(a.name, a.code)}
            </option>
          ))}
        </select>
      </label>
      {town && (
        <label className="field">
          <span>{t('area.pickVillage')}</span>
          <select
            data-testid={`${testId}-village`}
            value={village}
            onChange={(e) => onChange(e.currentTarget.value || town)}
          >
            <option value="">{t('area.anyVillage')}</option>
            {(villages.data ?? []).map((a) => (
              <option key={a.code} value={a.code}>
                {nameAndCode(a.name, a.code)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field" htmlFor={`${id}-code`}>
        <span>{t('area.code')}</span>
        <input
          id={`${id}-code`}
          data-testid={`${testId}-code`}
          inputMode="numeric"
          pattern="[0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15}"
          required
          value={value}
          onChange={(e) => onChange(e.currentTarget.value.trim())}
        />
      </label>
      {error && (
        <span className="form-error" role="alert">
          {errorMessage(error, t)}
        </span>
      )}
    </div>
  );
}
