import type { ChangeEvent } from 'react';
import { apiUrl, gridExportUrl } from '../api/client.ts';
import { useI18n } from '../i18n.ts';

/** Props of GridTools. */
export interface GridToolsProps {
  /** Selecting (no drawing, reshaping or splitting under way). */
  viewing: boolean;
  /** A village is shown (not a whole town): grids can be drawn, exported and imported. */
  village: string;
  /** How many grids are selected. */
  selectedCount: number;
  busy: boolean;
  onDraw: () => void;
  onReshape: () => void;
  onSplit: () => void;
  onMerge: () => void;
  onDelete: () => void;
}

/** The editing tools for the selection: new, reshape, split, merge, delete. */
export function GridTools(p: GridToolsProps) {
  const { t } = useI18n();
  const one = p.selectedCount === 1 && p.viewing;
  return (
    <>
      <div className="grids-tools">
        <button
          type="button"
          className="button small"
          data-testid="grid-draw"
          disabled={!p.viewing || p.village === ''}
          onClick={p.onDraw}
        >
          {t('grids.draw')}
        </button>
        <button
          type="button"
          className="button small"
          data-testid="grid-reshape"
          disabled={!one}
          onClick={p.onReshape}
        >
          {t('grids.reshape')}
        </button>
        <button
          type="button"
          className="button small"
          data-testid="grid-split"
          disabled={!one}
          onClick={p.onSplit}
        >
          {t('grids.split')}
        </button>
        <button
          type="button"
          className="button small"
          data-testid="grid-merge"
          disabled={p.selectedCount < 2 || !p.viewing || p.busy}
          onClick={p.onMerge}
        >
          {t('grids.merge')}
        </button>
        <button
          type="button"
          className="button small danger"
          data-testid="grid-delete"
          disabled={!one || p.busy}
          onClick={p.onDelete}
        >
          {t('grids.delete')}
        </button>
      </div>
      {p.viewing && <p className="grids-note">{t('grids.selectHint')}</p>}
    </>
  );
}

/** Export links of a village's grids and, for an editor, the file to import. */
export function GridTransfer({
  village,
  canImport,
  onImportFile,
}: {
  village: string;
  canImport: boolean;
  onImportFile: (e: ChangeEvent<HTMLInputElement>) => void;
}) {
  const { t } = useI18n();
  const areas = (format: 'xlsx' | 'csv') =>
    apiUrl('/api/export/areas', { level: 'grid', parent: village, format });
  return (
    <>
      <p className="grids-note">
        {t('grids.export')}:{' '}
        {/* for people the spreadsheet first; CSV is the machine format (see its caveat) */}
        <a href={areas('xlsx')} data-testid="grids-export-xlsx" download>
          Excel (XLSX)
        </a>{' '}
        ·{' '}
        <a href={areas('csv')} data-testid="grids-export-csv" title={t('export.csvCaveat')} download>
          CSV
        </a>{' '}
        ·{' '}
        <a href={gridExportUrl(village, 'geojson')} data-testid="grids-export-geojson" download>
          GeoJSON
        </a>{' '}
        ·{' '}
        <a href={gridExportUrl(village, 'shapefile')} data-testid="grids-export-shapefile" download>
          Shapefile
        </a>
      </p>
      <p className="grids-note muted" data-testid="grids-export-csv-caveat">
        {t('export.csvCaveat')}
      </p>
      {canImport && (
        <label className="grids-field">
          {t('grids.import')}
          <input
            type="file"
            accept=".geojson,.json,application/geo+json"
            data-testid="grids-import"
            onChange={onImportFile}
          />
        </label>
      )}
    </>
  );
}
