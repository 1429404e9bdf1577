import type { AssessmentLevel, AssessmentRow } from '../api/client.ts';
import { nameAndCode } from '../lib/format.ts';
import { useI18n } from '../i18n.ts';

/** A fraction as a percentage with one decimal; a dash when there is nothing to divide by. */
export function percent(v: number | null): string {
  return v === null ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)} %`;
}

/** Hours with one decimal; a dash for none. */
function hours(v: number | null): string {
  return v === null ? '—' : (Math.round(v * 10) / 10).toFixed(1);
}

/** The ranking table: one row per town, village, unit or team, best first. */
export function AssessmentTable({ level, rows }: { level: AssessmentLevel; rows: readonly AssessmentRow[] }) {
  const { t } = useI18n();
  // areas are named with their code; units and teams by name (their ids mean nothing to a reader)
  const label = (r: AssessmentRow) =>
    level === 'town' || level === 'village' ? nameAndCode(r.name, r.code) : r.name;
  return (
    <table className="data-table assessment-table" data-testid="assessment-table">
      <thead>
        <tr>
          <th>{t('assessment.rank')}</th>
          <th>{t(`assessment.level.${level}`)}</th>
          <th className="num">{t('assessment.received')}</th>
          <th className="num">{t('assessment.resolved')}</th>
          <th className="num">{t('assessment.onTimeRate')}</th>
          <th className="num">{t('assessment.avgHours')}</th>
          <th className="num">{t('assessment.overdue')}</th>
          <th className="num">{t('assessment.reworkRate')}</th>
          <th className="num">{t('assessment.transfers')}</th>
          <th className="num">{t('assessment.supervisions')}</th>
          <th className="num">{t('assessment.satisfaction')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.code} data-testid="assessment-row">
            <td className="num" data-testid="assessment-rank">
              {r.rank}
            </td>
            <td data-testid="assessment-name">{label(r)}</td>
            <td className="num">{r.received}</td>
            <td className="num">{r.resolved}</td>
            <td
              className="num"
              data-testid="assessment-on-time"
              title={`${r.onTime} / ${r.onTime + r.overdue}`}
            >
              {percent(r.onTimeRate)}
            </td>
            <td className="num">{hours(r.avgHandlingHours)}</td>
            <td className="num">{r.overdue}</td>
            <td className="num">{percent(r.reworkRate)}</td>
            <td className="num">{r.transfers}</td>
            <td className="num">{r.supervisions}</td>
            <td className="num" title={t('assessment.ratedOf', { n: r.rated })}>
              {percent(r.satisfactionRate)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
