import { useState, type ChangeEvent } from 'react';
import type { ImportReport } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { ProblemList } from './problem-list.tsx';
import type { AreaNames } from './problem-text.ts';
import { useGridImport } from './queries.ts';

/** A file being imported: its name, its content, and the server's report of a dry run. */
export interface ImportState {
  file: { name: string; collection: unknown } | null;
  report: ImportReport | null;
  /** Reads a chosen file and asks the server what importing it would do. */
  choose: (e: ChangeEvent<HTMLInputElement>) => void;
  confirm: () => void;
  cancel: () => void;
}

/**
 * Importing a village's grids from a GeoJSON file: a dry run first (the report lists what
 * would be kept and closed, or the problems), then the import on confirmation.
 */
export function useImportFlow(
  village: string,
  onMessage: (kind: 'info' | 'error', text: string) => void,
  describe: (error: unknown) => string,
): ImportState {
  const { t } = useI18n();
  const mutation = useGridImport();
  const [file, setFile] = useState<ImportState['file']>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const cancel = () => {
    setFile(null);
    setReport(null);
  };
  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.target.files?.[0];
    e.target.value = '';
    if (!chosen) return;
    void (async () => {
      try {
        const collection: unknown = JSON.parse(await chosen.text());
        setFile({ name: chosen.name, collection });
        setReport(await mutation.mutateAsync({ village, collection, dryRun: true }));
      } catch (error) {
        onMessage('error', describe(error));
      }
    })();
  };
  const confirm = () => {
    if (!file) return;
    mutation.mutate(
      { village, collection: file.collection, dryRun: false },
      {
        onSuccess: (r) => {
          cancel();
          onMessage('info', `${t('grids.imported')}: ${r.kept.length + r.created.length}`);
        },
        onError: (error) => onMessage('error', describe(error)),
      },
    );
  };
  return { file, report, choose, confirm, cancel };
}

/** The report of an import's dry run, and the buttons to import or give up. */
export function ImportReportPanel({
  flow,
  names,
  busy,
}: {
  flow: ImportState;
  names: AreaNames;
  busy: boolean;
}) {
  const { t } = useI18n();
  const { file, report } = flow;
  if (!file || !report) return null;
  return (
    <section className="panel" data-testid="grids-import-report">
      <h2 className="panel-title">
        {t('grids.import')}: {file.name}
      </h2>
      {report.ok ? (
        <p className="grids-note">
          {t('grids.importOk')}: {t('grids.kept')} {report.kept.length}, {t('grids.closed')}{' '}
          {report.closed.length}
        </p>
      ) : (
        <ProblemList problems={report.errors} names={names} />
      )}
      <div className="grids-tools">
        <button
          type="button"
          className="button small primary"
          data-testid="grids-import-confirm"
          disabled={busy || !report.ok}
          onClick={flow.confirm}
        >
          {t('grids.importConfirm')}
        </button>
        <button type="button" className="button small" onClick={flow.cancel}>
          {t('grids.cancel')}
        </button>
      </div>
    </section>
  );
}
