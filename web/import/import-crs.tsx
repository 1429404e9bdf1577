import { useEffect, useState } from 'react';
import type { ImportCrs, ImportJob } from '../api/client.ts';
import { crsById } from '../../api/lib/crs/definitions.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { crsLabel, crsOptions, firstPosition } from './import-format.ts';

/**
 * The source coordinate system: the select by group, the system the file names (if any), a
 * notice when the chosen datum is converted only approximately, and the first sample positions
 * as they land in WGS 84 with the chosen system.
 */
export function CrsFieldset({
  job,
  crs,
  onChange,
}: {
  job: ImportJob;
  crs: ImportCrs;
  onChange: (crs: ImportCrs) => void;
}) {
  const { t, language } = useI18n();
  const zh = language === 'zh-CN';
  const chosen = crsById(crs);
  const detected = job.detectedCrs ? crsById(job.detectedCrs) : null;
  const approximate =
    chosen && (job.approximateDatums as readonly string[]).includes(chosen.datum) ? chosen : null;
  const positions = useWgs84Positions(job, crs);
  return (
    <fieldset className="field-group">
      <legend>{t('import.crs')}</legend>
      <label className="field">
        <select
          value={crs}
          onChange={(e) => onChange(e.target.value as ImportCrs)}
          data-testid="import-crs"
          aria-label={t('import.crs')}
        >
          {crsOptions().map(({ group, systems }) => (
            <optgroup key={group} label={t(`import.crsGroup.${group}` as MessageKey)}>
              {systems.map((def) => (
                <option key={def.id} value={def.id}>
                  {crsLabel(def, language)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {detected && (
        <p className="import-note" data-testid="import-crs-detected" data-crs={detected.id}>
          {t('import.crsDetected')}: {crsLabel(detected, language)}
          {zh && <span className="muted"> · {detected.name}</span>}
        </p>
      )}
      {approximate && (
        <p className="form-notice" role="status" data-testid="import-crs-approximate">
          {t('import.crsApproximate')}
        </p>
      )}
      {positions.length > 0 && (
        <p className="import-note mono" data-testid="import-crs-positions">
          {t('import.positionsWgs84')}:{' '}
          {positions.map((p) => `${p[0].toFixed(6)}, ${p[1].toFixed(6)}`).join(' · ')}
        </p>
      )}
      <p className="import-note muted" data-testid="import-crs-accuracy">
        {t('import.crsAccuracy')}
      </p>
    </fieldset>
  );
}

/**
 * The first positions of the sample converted from `crs` to WGS 84, for the user to check that
 * the chosen system puts them where they belong. The conversion library is loaded on demand.
 */
function useWgs84Positions(job: ImportJob, crs: ImportCrs): Array<[number, number]> {
  const [positions, setPositions] = useState<Array<[number, number]>>([]);
  useEffect(() => {
    const sources = job.sampleGeometries
      .map(firstPosition)
      .filter((p): p is number[] => p !== null)
      .slice(0, 3);
    if (sources.length === 0) {
      setPositions([]);
      return;
    }
    let live = true;
    void import('../../api/lib/crs/transform.ts').then(({ toWgs84Converter }) => {
      if (!live) return;
      const convert = toWgs84Converter(crs);
      setPositions(
        sources
          .map((p) => convert([p[0]!, p[1]!]))
          .filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])),
      );
    });
    return () => {
      live = false;
    };
  }, [job.sampleGeometries, crs]);
  return positions;
}
