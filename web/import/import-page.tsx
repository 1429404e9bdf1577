import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { errorMessage } from '../admin/format.ts';
import {
  cancelImport,
  getImport,
  listImports,
  runImport,
  undoImport,
  uploadImport,
  type ImportFormat,
  type ImportJob,
  type ImportLayer,
  type ImportRunBody,
} from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { Header } from '../components/header.tsx';
import { useI18n, type MessageKey } from '../i18n.ts';
import {
  ACCEPTED_FILES,
  IMPORT_PERMISSION,
  formatBytes,
  formatFromFilename,
  IMPORT_FORMAT_LIST,
  IMPORT_LAYER_LIST,
  importStatusName,
  isFinished,
  layerNameKey,
} from './import-format.ts';
import { ImportPreview } from './import-preview.tsx';
import { ImportProgressPanel, ImportResultPanel } from './import-result.tsx';
import { RecentImports } from './recent-imports.tsx';
import './import-page.css';

/** How often a running import is asked for its progress. */
const POLL_MS = 500;

/**
 * /import: load a file (GeoJSON, CSV, zipped Shapefile, KML) into a layer. Choose the layer
 * and the file, upload it (with a progress bar), check the preview and the column mapping, run,
 * follow the progress (cancel is possible), then read the result with the rejected rows, download
 * them to fix, or undo an applied import. The recent imports are listed below.
 */
export function ImportPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const allowed = can(IMPORT_PERMISSION);

  // ---- step 1: layer and file
  const [layer, setLayer] = useState<ImportLayer | ''>('');
  const [file, setFile] = useState<File | null>(null);
  const [formatChoice, setFormatChoice] = useState<ImportFormat | ''>('');
  const [dragging, setDragging] = useState(false);
  const [upload, setUpload] = useState<{ sent: number; total: number } | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const uploadAbort = useRef<AbortController | null>(null);

  // ---- steps 2 and 3: the current import
  const [job, setJob] = useState<ImportJob | null>(null);
  const [runBusy, setRunBusy] = useState(false);
  const [runError, setRunError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [undoing, setUndoing] = useState(false);
  const [undoError, setUndoError] = useState<string | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);
  const [pollRetry, setPollRetry] = useState(0);

  // ---- recent imports
  const [recent, setRecent] = useState<ImportJob[]>([]);
  const [recentLoading, setRecentLoading] = useState(false);
  const [recentError, setRecentError] = useState<string | null>(null);
  const [recentReload, setRecentReload] = useState(0);
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [busyId, setBusyId] = useState<number | null>(null);
  const refreshRecent = useCallback(() => setRecentReload((n) => n + 1), []);

  useEffect(() => {
    if (!allowed) return;
    const controller = new AbortController();
    setRecentLoading(true);
    listImports(controller.signal).then(
      (jobs) => {
        setRecent(jobs);
        setRecentError(null);
        setRecentLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setRecentError(errorMessage(e));
        setRecentLoading(false);
      },
    );
    return () => controller.abort();
  }, [allowed, recentReload]);

  // An upload still going when the page is left is of no use to anyone.
  useEffect(() => () => uploadAbort.current?.abort(), []);

  /** A newer state of an import: shown if it is the current one, and in the list. */
  const updateJob = useCallback((next: ImportJob) => {
    setJob((current) => (current && current.id === next.id ? next : current));
    setRecent((list) => list.map((j) => (j.id === next.id ? next : j)));
  }, []);

  // While running, ask for the progress; each answer schedules the next question.
  useEffect(() => {
    if (!job || job.status !== 'running') return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      getImport(job.id, controller.signal).then(
        (next) => {
          setPollError(null);
          setJob((current) => (current && current.id === next.id ? next : current));
        },
        (e: unknown) => {
          if (controller.signal.aborted) return;
          // A lost answer is not the end of the import: say so and ask again.
          setPollError(errorMessage(e));
          setPollRetry((n) => n + 1);
        },
      );
    }, POLL_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [job, pollRetry]);

  // When an import ends, the list shows its final state.
  const lastStatus = useRef<string | null>(null);
  useEffect(() => {
    const status = job?.status ?? null;
    if (status && status !== lastStatus.current && isFinished(status)) refreshRecent();
    lastStatus.current = status;
  }, [job?.status, refreshRecent]);

  const chooseFile = (chosen: File | null) => {
    setFile(chosen);
    setFormatChoice('');
    setUploadError(null);
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const dropped = e.dataTransfer.files[0];
    if (dropped) chooseFile(dropped);
  };

  const detectedFormat = file ? formatFromFilename(file.name) : null;
  const uploading = upload !== null;
  const running = job?.status === 'running';
  const canUpload =
    allowed && !!layer && !!file && (!!formatChoice || !!detectedFormat) && !uploading && !running;

  const startUpload = async () => {
    if (!layer || !file) return;
    const controller = new AbortController();
    uploadAbort.current = controller;
    setUpload({ sent: 0, total: file.size });
    setUploadError(null);
    setRunError(null);
    setUndoError(null);
    setCancelError(null);
    setJob(null);
    try {
      const uploaded = await uploadImport(
        { layer, filename: file.name, ...(formatChoice ? { format: formatChoice } : {}) },
        file,
        { signal: controller.signal, onProgress: (sent, total) => setUpload({ sent, total }) },
      );
      setJob(uploaded);
      refreshRecent();
    } catch (e: unknown) {
      if (!controller.signal.aborted) setUploadError(errorMessage(e));
    } finally {
      if (uploadAbort.current === controller) uploadAbort.current = null;
      setUpload(null);
    }
  };

  const run = async (body: ImportRunBody) => {
    if (!job) return;
    setRunBusy(true);
    setRunError(null);
    try {
      updateJob(await runImport(job.id, body));
    } catch (e: unknown) {
      setRunError(errorMessage(e));
    } finally {
      setRunBusy(false);
    }
  };

  const cancel = async () => {
    if (!job) return;
    setCancelling(true);
    setCancelError(null);
    try {
      updateJob(await cancelImport(job.id));
    } catch (e: unknown) {
      // e.g. 409: it ended meanwhile; the next poll shows how
      setCancelError(errorMessage(e));
    } finally {
      setCancelling(false);
    }
  };

  const confirmUndo = (target: ImportJob) =>
    window.confirm(`${t('import.undoConfirm')}\n${target.filename} → ${t(layerNameKey(target.layer))}`);

  const undoCurrent = async () => {
    if (!job || !confirmUndo(job)) return;
    setUndoing(true);
    setUndoError(null);
    try {
      updateJob(await undoImport(job.id));
    } catch (e: unknown) {
      setUndoError(errorMessage(e));
    } finally {
      setUndoing(false);
    }
  };

  const undoListed = async (target: ImportJob) => {
    if (!confirmUndo(target)) return;
    setBusyId(target.id);
    setRowErrors(({ [target.id]: _, ...rest }) => rest);
    try {
      updateJob(await undoImport(target.id));
    } catch (e: unknown) {
      setRowErrors((r) => ({ ...r, [target.id]: errorMessage(e) }));
    } finally {
      setBusyId(null);
    }
  };

  const view = async (target: ImportJob) => {
    setRunError(null);
    setUndoError(null);
    setCancelError(null);
    setJob(target);
    try {
      // The list may be older than the import: show its latest state.
      updateJob(await getImport(target.id));
    } catch (e: unknown) {
      setPollError(errorMessage(e));
    }
    document.getElementById('import-current')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  return (
    <div className="app">
      <Header page="import" />
      <main className="admin-page import-page" data-testid="import-page">
        <h2 className="admin-title">{t('import.title')}</h2>
        {!allowed ? (
          <p className="form-error" role="alert" data-testid="import-forbidden">
            {t('import.forbidden')}
          </p>
        ) : (
          <>
            <section className="admin-form import-section" data-testid="import-file-step">
              <h3 className="form-title">{t('import.step.file')}</h3>
              <div className="import-file-grid">
                <label className="field">
                  <span>{t('import.layer')}</span>
                  <select
                    value={layer}
                    onChange={(e) => setLayer(e.target.value as ImportLayer | '')}
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
                    value={formatChoice}
                    onChange={(e) => setFormatChoice(e.target.value as ImportFormat | '')}
                    data-testid="import-format"
                  >
                    <option value="">
                      {t('import.format.auto')}
                      {detectedFormat ? `: ${t(`import.format.${detectedFormat}` as MessageKey)}` : ''}
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
                className={`import-drop${dragging ? ' dragging' : ''}`}
                data-testid="import-drop"
                onDragOver={(e) => {
                  e.preventDefault();
                  setDragging(true);
                }}
                onDragLeave={() => setDragging(false)}
                onDrop={onDrop}
              >
                <p>{t('import.drop')}</p>
                <input
                  type="file"
                  accept={ACCEPTED_FILES}
                  aria-label={t('import.browse')}
                  data-testid="import-file"
                  onChange={(e) => chooseFile(e.target.files?.[0] ?? null)}
                />
                {file && (
                  <p className="import-chosen" data-testid="import-chosen">
                    {file.name} <span className="muted">({formatBytes(file.size)})</span>
                  </p>
                )}
                <p className="muted import-hint">{t('import.formats')}</p>
              </div>
              {file && !detectedFormat && !formatChoice && (
                <p className="form-notice">{t('import.unknownFormat')}</p>
              )}
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
              {uploadError && (
                <p className="form-error" role="alert" data-testid="import-upload-error">
                  {uploadError}
                </p>
              )}
              <div className="form-actions import-actions">
                {uploading && (
                  <button type="button" className="button" onClick={() => uploadAbort.current?.abort()}>
                    {t('import.cancelUpload')}
                  </button>
                )}
                <button
                  type="button"
                  className="button primary"
                  disabled={!canUpload}
                  onClick={() => void startUpload()}
                  data-testid="import-upload"
                >
                  {uploading ? t('import.uploading') : t('import.upload')}
                </button>
              </div>
            </section>

            {job && (
              <section
                className="admin-form import-section"
                id="import-current"
                data-testid="import-current"
                data-job-id={job.id}
                data-status={job.status}
              >
                <div className="import-section-head">
                  <h3 className="form-title">
                    {job.status === 'uploaded' ? t('import.step.preview') : t('import.step.run')}
                  </h3>
                  <span className="muted">
                    {t(layerNameKey(job.layer))} · {job.filename} · {formatBytes(job.sizeBytes)} ·{' '}
                    {t(`import.format.${job.format}` as MessageKey)} · {importStatusName(t, job.status)}
                  </span>
                </div>
                {pollError && (
                  <p className="form-notice" role="status">
                    {t('status.apiDown')}: {pollError}
                  </p>
                )}
                {job.status === 'uploaded' && (
                  <ImportPreview
                    key={job.id}
                    job={job}
                    busy={runBusy}
                    error={runError}
                    onRun={(body) => void run(body)}
                  />
                )}
                {cancelError && (
                  <p className="form-error" role="alert" data-testid="import-cancel-error">
                    {cancelError}
                  </p>
                )}
                {job.status === 'running' && (
                  <ImportProgressPanel job={job} cancelling={cancelling} onCancel={() => void cancel()} />
                )}
                {isFinished(job.status) && (
                  <ImportResultPanel
                    job={job}
                    undoing={undoing}
                    undoError={undoError}
                    onUndo={() => void undoCurrent()}
                  />
                )}
              </section>
            )}

            <RecentImports
              jobs={recent}
              loading={recentLoading}
              error={recentError}
              rowErrors={rowErrors}
              busyId={busyId}
              onRefresh={refreshRecent}
              onView={(j) => void view(j)}
              onUndo={(j) => void undoListed(j)}
            />
          </>
        )}
      </main>
    </div>
  );
}
