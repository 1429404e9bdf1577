import { useMemo, useState } from 'react';
import type { ImportCrs, ImportJob, ImportRunBody } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import {
  cellText,
  coordinatesBody,
  geometrySummary,
  initialCoordinates,
  initialMapping,
  needsCoordinates,
  unmappedRequired,
  type CoordinateChoice,
} from './import-format.ts';
import { CrsFieldset } from './import-crs.tsx';
import { CoordinatesFieldset, MappingTable } from './import-mapping.tsx';

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
  const zh = language === 'zh-CN';
  const missing = [
    ...missingFields.map((f) => (zh ? f.nameZh : f.nameEn)),
    ...(needsCoordinates(job) && !coordinates ? [t('import.coordinates')] : []),
  ];

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

  return (
    <div className="import-preview" data-testid="import-preview">
      <SampleTable job={job} />
      <MappingTable job={job} mapping={mapping} setMapping={setMapping} />

      <div className="import-options">
        {!job.hasGeometry && (
          <CoordinatesFieldset columns={job.columns} coords={coords} setCoords={setCoords} />
        )}
        <CrsFieldset job={job} crs={crs} onChange={setCrs} />
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

/** The first rows of the file as read, with their geometries in short. */
function SampleTable({ job }: { job: ImportJob }) {
  const { t } = useI18n();
  return (
    <>
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
    </>
  );
}
