import { useI18n } from '../i18n.ts';

/** Props of GridAttributeFields. */
export interface GridAttributeFieldsProps {
  name: string;
  households: string;
  onName: (name: string) => void;
  /** Called with the digits typed (anything else is dropped). */
  onHouseholds: (households: string) => void;
  /** Prefix of the fields' test ids: `${testIdPrefix}-name`, `${testIdPrefix}-households`. */
  testIdPrefix: string;
}

/** A grid's name and household count, as typed for a new grid or an existing one. */
export function GridAttributeFields(p: GridAttributeFieldsProps) {
  const { t } = useI18n();
  return (
    <>
      <label className="grids-field">
        {t('grids.name')}
        <input
          data-testid={`${p.testIdPrefix}-name`}
          value={p.name}
          onChange={(e) => p.onName(e.target.value)}
          maxLength={200}
        />
      </label>
      <label className="grids-field">
        {t('grids.households')}
        <input
          data-testid={`${p.testIdPrefix}-households`}
          inputMode="numeric"
          value={p.households}
          onChange={(e) => p.onHouseholds(e.target.value.replace(/[^0-9]/g, ''))}
        />
      </label>
    </>
  );
}
