import { useMemo, useState } from 'react';
import type { ImportCrs, ImportJob, ImportRunBody } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import {
  cellText,
  coordinatesBody,
  geometrySummary,
  IMPORT_CRS_LIST,
  initialCoordinates,
  initialMapping,
  needsCoordinates,
  unmappedRequired,
  type CoordinateChoice,
} from './import-format.ts';

/**
 * The preview of an uploaded file and the choices of the run: the first rows, a source column
 * for each target field (pre-set from the API's guess), for a CSV the position columns, the
 * source coordinate system and what to do when rows are rejected. `onRun` gets the run body.
 */
export function ImportPreview({
  job,
  busy,
  error,
  onRun,
}: {
  job: ImportJob;
  busy: boolean;
  error: string | null;
  onRun: (body: ImportRunBody) => void;
}) {
  const { t, language } = useI18n();
  const [mapping, setMapping] = useState(() => initialMapping(job));
  const [coords, setCoords] = useState<CoordinateChoice>(() => initialCoordinates(job));
  const [crs, setCrs] = useState<ImportCrs>(job.detectedCrs ?? 'wgs84');
  const [onRejected, setOnRejected] = useState<'abort' | 'skip'>('abort');

  const missingFields = useMemo(() => unmappedRequired(job.fields, mapping), [job.fields, mapping]);
  const coordinates = job.hasGeometry ? null : coordinatesBody(coords);
  const missing = [
    ...missingFields.map((f) => (language === 'zh-CN' ? f.nameZh : f.nameEn)),
    ...(needsCoordinates(job) && !coordinates ? [t('import.coordinates')] : []),
  ];
  const zh = language === 'zh-CN';

  const run = () => {
    // Empty selects mean "not imported": they are left out of the mapping.
    const chosen = Object.fromEntries(Object.entries(mapping).filter(([, column]) => column));
    onRun({
      mapping: chosen,
      crs,
      ...(coordinates ? { coordinates } : {}),
      onRejected,
    });
  };

  const columnSelect = (value: string, onChange: (column: string) => void, testId: string, label: string) => (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} aria-label={label}>
      <option value="">{t('import.notMapped')}</option>
      {job.columns.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );

  return (
    <div className="import-preview" data-testid="import-preview">
      <h4 className="import-subtitle">
        {t('import.sample')}{' '}
        <span className="muted">
          ({job.filename}, {job.sample.length} {t('import.rowsShown')})
        </span>
      </h4>
      {job.sample.length === 0 ? (
        <p className="muted">{t('import.sampleEmpty')}</p>
      ) : (
        <div className="table-wrap import-sample">
          <table className="data-table" data-testid="import-sample">
            <thead>
              <tr>
                <th>#</th>
                {job.columns.map((c) => (
                  <th key={c}>{c}</th>
                ))}
                {job.hasGeometry && <th>{t('import.geometry')}</th>}
              </tr>
            </thead>
            <tbody>
              {job.sample.map((row, i) => (
                <tr key={i}>
                  <td className="muted">{i + 1}</td>
                  {job.columns.map((c) => (
                    <td key={c}>{cellText(row[c])}</td>
                  ))}
                  {job.hasGeometry && (
                    <td className="mono nowrap">{geometrySummary(job.sampleGeometries[i])}</td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

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
                    {columnSelect(
                      mapping[f.name] ?? '',
                      (column) => setMapping((m) => ({ ...m, [f.name]: column })),
                      `import-map-${f.name}`,
                      name,
                    )}
                  </td>
                  <td className="muted">{zh ? f.hintZh : f.hintEn}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div className="import-options">
        {!job.hasGeometry && (
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
                  {columnSelect(
                    coords.lon,
                    (lon) => setCoords((c) => ({ ...c, lon })),
                    'import-coord-lon',
                    t('import.lon'),
                  )}
                </label>
                <label className="field">
                  <span>{t('import.lat')}</span>
                  {columnSelect(
                    coords.lat,
                    (lat) => setCoords((c) => ({ ...c, lat })),
                    'import-coord-lat',
                    t('import.lat'),
                  )}
                </label>
              </div>
            ) : (
              <label className="field">
                <span>{t('import.wkt')}</span>
                {columnSelect(
                  coords.wkt,
                  (wkt) => setCoords((c) => ({ ...c, wkt })),
                  'import-coord-wkt',
                  t('import.wkt'),
                )}
              </label>
            )}
          </fieldset>
        )}

        <fieldset className="field-group">
          <legend>{t('import.crs')}</legend>
          <label className="field">
            <select
              value={crs}
              onChange={(e) => setCrs(e.target.value as ImportCrs)}
              data-testid="import-crs"
              aria-label={t('import.crs')}
            >
              {IMPORT_CRS_LIST.map((c) => (
                <option key={c} value={c}>
                  {t(`import.crs.${c}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          {job.detectedCrs && (
            <p className="import-note" data-testid="import-crs-detected">
              {t('import.crsDetected')}: {t(`import.crs.${job.detectedCrs}` as MessageKey)}
            </p>
          )}
          <p className="import-note muted" data-testid="import-crs-accuracy">
            {t('import.crsAccuracy')}
          </p>
        </fieldset>

        <fieldset className="field-group">
          <legend>{t('import.onRejected')}</legend>
          {/* areas depend on each other and are imported as a whole (the API refuses skip) */}
          {(job.layer === 'areas' ? (['abort'] as const) : (['abort', 'skip'] as const)).map((choice) => (
            <label key={choice} className="checkbox">
              <input
                type="radio"
                name="import-on-rejected"
                checked={onRejected === choice}
                onChange={() => setOnRejected(choice)}
                data-testid={`import-on-rejected-${choice}`}
              />
              {t(`import.onRejected.${choice}` as MessageKey)}
            </label>
          ))}
        </fieldset>
      </div>

      {missing.length > 0 && (
        <p className="form-notice" data-testid="import-missing">
          {t('import.missing')} {missing.join(zh ? '、' : ', ')}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="import-run-error">
          {error}
        </p>
      )}
      <div className="form-actions import-actions">
        <button
          type="button"
          className="button primary"
          disabled={busy || missing.length > 0}
          onClick={run}
          data-testid="import-run"
        >
          {t('import.run')}
        </button>
      </div>
    </div>
  );
}
