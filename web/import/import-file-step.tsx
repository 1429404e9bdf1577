import type { Dispatch } from 'react';
import type { ImportFormat, ImportLayer } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import {
  ACCEPTED_FILES,
  formatBytes,
  IMPORT_FORMAT_LIST,
  IMPORT_LAYER_LIST,
  importErrorMessage,
  layerNameKey,
} from './import-format.ts';
import { detectedFormat, type ImportAction, type ImportState } from './import-state.ts';

/**
 * Step 1: the layer, the file (chosen or dropped) and its format (read from the name unless
 * chosen), then upload with a progress bar; an upload going on can be given up.
 */
export function ImportFileStep({
  state,
  dispatch,
  canUpload,
  onUpload,
  onCancelUpload,
}: {
  state: ImportState;
  dispatch: Dispatch<ImportAction>;
  canUpload: boolean;
  onUpload: () => void;
  onCancelUpload: () => void;
}) {
  const { t } = useI18n();
  const { file, upload } = state;
  const detected = detectedFormat(state);
  return (
    <section className="admin-form import-section" data-testid="import-file-step">
      <h3 className="form-title">{t('import.step.file')}</h3>
      <div className="import-file-grid">
        <label className="field">
          <span>{t('import.layer')}</span>
          <select
            value={state.layer}
            onChange={(e) => dispatch({ type: 'layer', layer: e.target.value as ImportLayer | '' })}
            data-testid="import-layer"
          >
            <option value="">{t('import.layerPlaceholder')}</option>
            {IMPORT_LAYER_LIST.map((id) => (
              <option key={id} value={id}>
                {t(layerNameKey(id))}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('import.format')}</span>
          <select
            value={state.format}
            onChange={(e) => dispatch({ type: 'format', format: e.target.value as ImportFormat | '' })}
            data-testid="import-format"
          >
            <option value="">
              {t('import.format.auto')}
              {detected ? `: ${t(`import.format.${detected}` as MessageKey)}` : ''}
            </option>
            {IMPORT_FORMAT_LIST.map((f) => (
              <option key={f} value={f}>
                {t(`import.format.${f}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div
        className={`import-drop${state.dragging ? ' dragging' : ''}`}
        data-testid="import-drop"
        onDragOver={(e) => {
          e.preventDefault();
          dispatch({ type: 'drag', over: true });
        }}
        onDragLeave={() => dispatch({ type: 'drag', over: false })}
        onDrop={(e) => {
          e.preventDefault();
          dispatch({ type: 'drop', file: e.dataTransfer.files[0] ?? null });
        }}
      >
        <p>{t('import.drop')}</p>
        <input
          type="file"
          accept={ACCEPTED_FILES}
          aria-label={t('import.browse')}
          data-testid="import-file"
          onChange={(e) => dispatch({ type: 'file', file: e.target.files?.[0] ?? null })}
        />
        {file && (
          <p className="import-chosen" data-testid="import-chosen">
            {file.name} <span className="muted">({formatBytes(file.size)})</span>
          </p>
        )}
        <p className="muted import-hint">{t('import.formats')}</p>
      </div>
      {file && !detected && !state.format && <p className="form-notice">{t('import.unknownFormat')}</p>}
      {upload && (
        <div className="import-upload-progress" data-testid="import-upload-progress">
          <div className="import-progress-line">
            <span>{upload.sent < upload.total ? t('import.uploading') : t('import.reading')}</span>
            <span className="muted">
              {formatBytes(upload.sent)} / {formatBytes(upload.total)}
            </span>
          </div>
          <progress
            className="import-bar"
            max={Math.max(1, upload.total)}
            value={upload.sent}
            aria-label={t('import.uploading')}
          />
        </div>
      )}
      {state.uploadError !== null && (
        <p className="form-error" role="alert" data-testid="import-upload-error">
          {importErrorMessage(state.uploadError, t)}
        </p>
      )}
      <div className="form-actions import-actions">
        {upload && (
          <button type="button" className="button" onClick={onCancelUpload}>
            {t('import.cancelUpload')}
          </button>
        )}
        <button
          type="button"
          className="button primary"
          disabled={!canUpload}
          onClick={onUpload}
          data-testid="import-upload"
        >
          {upload ? t('import.uploading') : t('import.upload')}
        </button>
      </div>
    </section>
  );
}
