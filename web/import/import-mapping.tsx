import type { Dispatch, SetStateAction } from 'react';
import type { ImportJob } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import type { CoordinateChoice } from './import-format.ts';

/** A select of the file's columns, with "not imported" first. */
function ColumnSelect({
  columns,
  value,
  onChange,
  testId,
  label,
}: {
  columns: readonly string[];
  value: string;
  onChange: (column: string) => void;
  testId: string;
  label: string;
}) {
  const { t } = useI18n();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} aria-label={label}>
      <option value="">{t('import.notMapped')}</option>
      {columns.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}

/** A source column for each target field of the layer; a required one without a column is marked. */
export function MappingTable({
  job,
  mapping,
  setMapping,
}: {
  job: ImportJob;
  mapping: Record<string, string>;
  setMapping: Dispatch<SetStateAction<Record<string, string>>>;
}) {
  const { t, language } = useI18n();
  const zh = language === 'zh-CN';
  return (
    <>
      <h4 className="import-subtitle">{t('import.mapping')}</h4>
      <p className="muted import-hint">{t('import.mappingHint')}</p>
      <div className="table-wrap">
        <table className="data-table import-mapping" data-testid="import-mapping">
          <thead>
            <tr>
              <th>{t('import.targetField')}</th>
              <th>{t('import.sourceColumn')}</th>
              <th>{t('import.fieldHint')}</th>
            </tr>
          </thead>
          <tbody>
            {job.fields.map((f) => {
              const name = zh ? f.nameZh : f.nameEn;
              return (
                <tr key={f.name} className={f.required && !mapping[f.name] ? 'import-missing' : undefined}>
                  <td className="nowrap">
                    {name} <span className="mono muted">{f.name}</span>
                    {f.required && (
                      <span className="import-required" title={t('import.required')}>
                        {' '}
                        *
                      </span>
                    )}
                  </td>
                  <td>
                    <ColumnSelect
                      columns={job.columns}
                      value={mapping[f.name] ?? ''}
                      onChange={(column) => setMapping((m) => ({ ...m, [f.name]: column }))}
                      testId={`import-map-${f.name}`}
                      label={name}
                    />
                  </td>
                  <td className="muted">{zh ? f.hintZh : f.hintEn}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** For a file without geometries: the position columns, two (longitude, latitude) or one WKT. */
export function CoordinatesFieldset({
  columns,
  coords,
  setCoords,
}: {
  columns: readonly string[];
  coords: CoordinateChoice;
  setCoords: Dispatch<SetStateAction<CoordinateChoice>>;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="field-group" data-testid="import-coordinates">
      <legend>{t('import.coordinates')}</legend>
      <div className="checkbox-row">
        {(['lonlat', 'wkt'] as const).map((mode) => (
          <label key={mode} className="checkbox">
            <input
              type="radio"
              name="import-coord-mode"
              checked={coords.mode === mode}
              onChange={() => setCoords((c) => ({ ...c, mode }))}
              data-testid={`import-coord-mode-${mode}`}
            />
            {t(`import.coordMode.${mode}` as MessageKey)}
          </label>
        ))}
      </div>
      {coords.mode === 'lonlat' ? (
        <div className="import-coord-selects">
          <label className="field">
            <span>{t('import.lon')}</span>
            <ColumnSelect
              columns={columns}
              value={coords.lon}
              onChange={(lon) => setCoords((c) => ({ ...c, lon }))}
              testId="import-coord-lon"
              label={t('import.lon')}
            />
          </label>
          <label className="field">
            <span>{t('import.lat')}</span>
            <ColumnSelect
              columns={columns}
              value={coords.lat}
              onChange={(lat) => setCoords((c) => ({ ...c, lat }))}
              testId="import-coord-lat"
              label={t('import.lat')}
            />
          </label>
        </div>
      ) : (
        <label className="field">
          <span>{t('import.wkt')}</span>
          <ColumnSelect
            columns={columns}
            value={coords.wkt}
            onChange={(wkt) => setCoords((c) => ({ ...c, wkt }))}
            testId="import-coord-wkt"
            label={t('import.wkt')}
          />
        </label>
      )}
    </fieldset>
  );
}
