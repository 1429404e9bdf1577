import { useI18n } from '../i18n.ts';
import { TOWN_AGGREGATE_COLORS_HEX, riskIndexClass, type TownAggregateState } from '../map/layers/index.ts';

/** The risk index classes as "< b1", "b1 – b2", …, "≥ bn", each with its colour. */
function classes(breaks: readonly number[]): { label: string; color: string }[] {
  const color = (value: number) => TOWN_AGGREGATE_COLORS_HEX[riskIndexClass(value, breaks)] ?? '';
  const first = breaks[0];
  if (first === undefined) return [{ label: '0+', color: color(0) }];
  const out = [{ label: `< ${first.toLocaleString()}`, color: color(first - 1) }];
  for (let i = 1; i < breaks.length; i++) {
    const lo = breaks[i - 1] ?? 0;
    out.push({ label: `${lo.toLocaleString()} – ${(breaks[i] ?? 0).toLocaleString()}`, color: color(lo) });
  }
  const last = breaks[breaks.length - 1] ?? 0;
  out.push({ label: `≥ ${last.toLocaleString()}`, color: color(last) });
  return out;
}

/** What the town bubbles of the city overview mean: their size, their colour, and how to see the points. */
export function TownAggregateLegend({ state }: { state: TownAggregateState }) {
  const { t } = useI18n();
  return (
    <section
      className="panel legend"
      data-testid="town-aggregate-legend"
      aria-label={t('townAggregate.title')}
    >
      <h2 className="panel-title">{t('townAggregate.title')}</h2>
      <p className="muted small">{t('townAggregate.size', { n: state.maxOpen })}</p>
      <p className="muted small">{t('townAggregate.color')}</p>
      <ul className="legend-list legend-inline">
        {classes(state.breaks).map((c) => (
          <li key={c.label} className="legend-item">
            <span className="dot" style={{ background: c.color }} aria-hidden="true" />
            {c.label}
          </li>
        ))}
      </ul>
      <p className="muted small">{t('townAggregate.hint')}</p>
    </section>
  );
}
