import type { GridProblem } from '../api/client.ts';
import { useI18n } from '../i18n.ts';
import { problemKindKey, problemText, type AreaNames } from './problem-text.ts';

/** Problems of an outline or an import, each in the user's language (`#n`: the feature of a file). */
export function ProblemList({
  problems,
  names,
  testId,
}: {
  problems: readonly GridProblem[];
  names: AreaNames;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <ul className="grids-problems" data-testid={testId}>
      {problems.map((p, i) => (
        <li key={i}>
          <strong>{t(problemKindKey(p.kind))}</strong>
          {p.feature !== undefined && ` #${p.feature}`}: {problemText(p, t, names)}
        </li>
      ))}
    </ul>
  );
}
