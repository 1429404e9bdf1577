import type { GridListing } from '../api/client.ts';
import { useI18n } from '../i18n.ts';

/** The uncovered square metres of a listing: the server's gaps (each village minus its grids). */
export function listingGapM2(listing: GridListing): number {
  return listing.gaps.features.reduce((sum, g) => sum + g.properties.areaM2, 0);
}

/** Props of GridList. */
export interface GridListProps {
  listing: GridListing;
  selected: readonly string[];
  /** A grid clicked in the list; `add` with Shift (to select several). */
  onPick: (code: string, add: boolean) => void;
}

/** How many grids and uncovered parts there are, and the grids to pick from. */
export function GridList({ listing, selected, onPick }: GridListProps) {
  const { t } = useI18n();
  const grids = listing.grids.features;
  const gaps = listing.gaps.features.length;
  return (
    <>
      <p className="grids-note" data-testid="grids-summary">
        {t('grids.count')}: <span data-testid="grids-count">{grids.length}</span> · {t('grids.gaps')}:{' '}
        <span data-testid="grids-gap-count">{gaps}</span>
        {gaps > 0 && (
          <>
            {' '}
            (<span data-testid="grids-gap-area">{Math.round(listingGapM2(listing))}</span> m²)
          </>
        )}
      </p>
      <ul className="grids-list" data-testid="grids-list">
        {grids.map((g) => (
          <li key={g.id}>
            <button
              type="button"
              className={`grids-item${selected.includes(g.id) ? ' active' : ''}`}
              data-testid={`grid-item-${g.id}`}
              onClick={(e) => onPick(g.id, e.shiftKey)}
            >
              <span>{g.properties.name}</span>
              <span className="grids-code">
                {g.id.slice(12)} · v{g.properties.version}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
