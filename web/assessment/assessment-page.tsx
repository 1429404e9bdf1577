import { useMemo, useState } from 'react';
import { ASSESSMENT_LEVELS } from '../../api/lib/assessment.ts';
import { incidentReportUrl, type AssessmentLevel } from '../api/client.ts';
import { EChart } from '../components/echart.tsx';
import { Header } from '../components/header.tsx';
import { TimeField } from '../components/time-field.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { parseTimeField, timeFieldText } from '../lib/format.ts';
import { useI18n } from '../i18n.ts';
import { rankingChart } from './assessment-chart.ts';
import { AssessmentTable } from './assessment-table.tsx';
import { useAssessment } from './queries.ts';

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Midnight (China time) of today plus `days`, as a time field's text. */
function chinaMidnight(days: number): string {
  const today = Math.floor((Date.now() + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  return timeFieldText(today + days * DAY_MS);
}

/** The definitions the page states under the table, in the order of its columns. */
const DEFINITIONS = [
  'received',
  'onTimeRate',
  'avgHours',
  'overdue',
  'reworkRate',
  'transfers',
  'supervisions',
  'satisfaction',
  'rank',
] as const;

/**
 * /assessment (考核): the towns, villages, units or teams of the user's area ranked over a
 * window (the last 30 days to start with), as a table and a chart, with the definitions of
 * every figure and the incident report workbook holding the same figures.
 */
export function AssessmentPage() {
  const { t } = useI18n();
  const [level, setLevel] = useState<AssessmentLevel>('town');
  const [fromText, setFromText] = useState(() => chinaMidnight(-29));
  const [toText, setToText] = useState(() => chinaMidnight(1));
  const from = parseTimeField(fromText);
  const to = parseTimeField(toText);
  const valid = !Number.isNaN(from) && !Number.isNaN(to) && from < to;
  const window = valid ? { from: new Date(from).toISOString(), to: new Date(to).toISOString() } : null;
  const result = useAssessment(window ? { level, ...window } : null);
  const rows = useMemo(() => result.data?.rows ?? [], [result.data]);
  const labels = { onTime: t('assessment.onTimeRate'), satisfaction: t('assessment.satisfaction') };
  const option = useMemo(
    () => rankingChart(rows, { onTime: labels.onTime, satisfaction: labels.satisfaction }),
    [rows, labels.onTime, labels.satisfaction],
  );

  return (
    <div className="app">
      <Header page="assessment" />
      <main className="admin-page" data-testid="assessment-page">
        <div className="incidents-head">
          <h2 className="admin-title">{t('assessment.title')}</h2>
          {result.data && (
            <span className="queue-counts">
              {t('incidents.total')} <strong data-testid="assessment-total">{rows.length}</strong>
            </span>
          )}
        </div>
        <div className="admin-form filters assessment-filters">
          <label>
            {t('assessment.levelLabel')}{' '}
            <select
              data-testid="assessment-level"
              value={level}
              onChange={(e) => setLevel(e.target.value as AssessmentLevel)}
            >
              {ASSESSMENT_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`assessment.level.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('assessment.from')}{' '}
            <TimeField value={fromText} onChange={setFromText} testId="assessment-from" />
          </label>
          <label>
            {t('assessment.to')} <TimeField value={toText} onChange={setToText} testId="assessment-to" />
          </label>
          {window && (
            <a
              className="header-button"
              data-testid="assessment-xlsx"
              href={incidentReportUrl(window)}
              download
            >
              {t('assessment.download')}
            </a>
          )}
        </div>
        {!valid && (
          <p className="form-error" role="alert" data-testid="assessment-window-error">
            {t('assessment.windowInvalid')}
          </p>
        )}
        {result.error && (
          <p className="form-error" role="alert">
            {errorMessage(result.error, t)}
          </p>
        )}
        {result.data && rows.length === 0 && <p data-testid="assessment-empty">{t('assessment.empty')}</p>}
        {rows.length > 0 && (
          <>
            <EChart option={option} testId="assessment-chart" className="assessment-chart" />
            <AssessmentTable level={result.data?.level ?? level} rows={rows} />
          </>
        )}
        <h3>{t('assessment.definitions')}</h3>
        <dl className="assessment-definitions" data-testid="assessment-definitions">
          {DEFINITIONS.map((d) => (
            <div key={d}>
              <dt>{t(`assessment.${d}`)}</dt>
              <dd>{t(`assessment.def.${d}`)}</dd>
            </div>
          ))}
        </dl>
      </main>
    </div>
  );
}
