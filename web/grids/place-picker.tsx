import { useI18n } from '../i18n.ts';
import { useTowns, useVillages } from './queries.ts';

/** The village or town shown, and the instant (empty: now). */
export interface Place {
  town: string;
  village: string;
  /** A datetime-local value, or '' for the grids as they are now. */
  asOf: string;
}

/** The place a user starts at: their home village, or their town, or nothing (city-wide). */
export function homePlace(homeAreaCode: string): Place {
  return {
    town: homeAreaCode.length >= 9 ? homeAreaCode.slice(0, 9) : '',
    village: homeAreaCode.length >= 12 ? homeAreaCode.slice(0, 12) : '',
    asOf: '',
  };
}

/** Props of PlacePicker. */
export interface PlacePickerProps {
  /** The user's home area code: a town user picks only a village, a village user nothing. */
  home: string;
  place: Place;
  onPlace: (place: Place) => void;
  /** The name of the home village (shown instead of the pickers). */
  villageName: string | undefined;
}

/** Which town and village (as far as the user's scope leaves a choice), and as of when. */
export function PlacePicker({ home, place, onPlace, villageName }: PlacePickerProps) {
  const { t } = useI18n();
  const towns = useTowns(home.length < 9).data ?? [];
  const villages = useVillages(place.town, home.length < 12).data ?? [];
  return (
    <>
      {home.length < 9 && (
        <label className="grids-field">
          {t('grids.town')}
          <select
            data-testid="grids-town"
            value={place.town}
            onChange={(e) => onPlace({ ...place, town: e.target.value, village: '' })}
          >
            <option value="">—</option>
            {towns.map((x) => (
              <option key={x.code} value={x.code}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {home.length < 12 && (
        <label className="grids-field">
          {t('grids.village')}
          <select
            data-testid="grids-village"
            value={place.village}
            onChange={(e) => onPlace({ ...place, village: e.target.value })}
          >
            <option value="">{t('grids.wholeTown')}</option>
            {villages.map((x) => (
              <option key={x.code} value={x.code}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {home.length >= 12 && <p className="grids-parent">{villageName}</p>}
      <label className="grids-field">
        {t('grids.asOf')}
        <input
          type="datetime-local"
          data-testid="grids-as-of"
          value={place.asOf}
          onChange={(e) => onPlace({ ...place, asOf: e.target.value })}
        />
      </label>
      {place.asOf && (
        <p className="grids-note" data-testid="grids-as-of-note">
          {t('grids.asOfNote')}{' '}
          <button type="button" className="button small" onClick={() => onPlace({ ...place, asOf: '' })}>
            {t('grids.now')}
          </button>
        </p>
      )}
    </>
  );
}
