import { useState } from 'react';
import type { GridFeature, GridHistory } from '../api/client.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import type { GridChange } from './queries.ts';
import { useWorkerCandidates } from './queries.ts';
import { GridAttributeFields } from './grid-attribute-fields.tsx';

type Change = GridFeature['properties']['change'];
const changeKey = (change: Change): MessageKey => `grids.change.${change}`;

/** Props of GridDetail. */
export interface GridDetailProps {
  grid: GridFeature;
  readOnly: boolean;
  busy: boolean;
  /** Sends a change of the grid; `done` names it in the message shown once it is saved. */
  onChange: (change: GridChange, done: string) => void;
  /** The grid's versions, once asked for (null: not asked). */
  history: GridHistory | null;
  /** Why the history could not be read, in the user's language. */
  historyError: string | null;
  onShowHistory: () => void;
  /** The version drawn on the map. */
  historyShown: number | null;
  onHistoryShown: (version: number) => void;
}

/**
 * The selected grid: code, version, area and grid workers; its name, households and workers to
 * change (unless read-only); its history, each version drawable on the map. Keyed by the grid's
 * code and version by the page, so the forms start from what is stored.
 */
export function GridDetail(props: GridDetailProps) {
  const { grid, readOnly, busy, onChange, history, historyShown } = props;
  const { t } = useI18n();
  const p = grid.properties;
  const [name, setName] = useState(p.name);
  const [households, setHouseholds] = useState(p.households === null ? '' : String(p.households));
  const saved = `${t('grids.saved')} ${grid.id}`;
  const fmt = (iso: string) => new Date(iso).toLocaleString();

  return (
    <section className="panel" data-testid="grid-detail">
      <h2 className="panel-title">{p.name}</h2>
      <dl className="detail-list">
        <div className="detail-row">
          <dt>{t('grids.code')}</dt>
          <dd data-testid="grid-detail-code">{grid.id}</dd>
        </div>
        <div className="detail-row">
          <dt>{t('grids.version')}</dt>
          <dd>
            v{p.version} · {t(changeKey(p.change))}
            {p.changedBy ? ` · ${p.changedBy}` : ''}
          </dd>
        </div>
        <div className="detail-row">
          <dt>{t('grids.area')}</dt>
          <dd>{(p.areaM2 / 10_000).toFixed(2)} ha</dd>
        </div>
        <div className="detail-row">
          <dt>{t('grids.workers')}</dt>
          <dd>{p.workers.map((w) => w.displayName).join('、') || '—'}</dd>
        </div>
      </dl>
      {!readOnly && (
        <>
          <GridAttributeFields
            name={name}
            households={households}
            onName={setName}
            onHouseholds={setHouseholds}
            testIdPrefix="grid-attr"
          />
          <button
            type="button"
            className="button small"
            data-testid="grid-attr-save"
            disabled={busy || name.trim() === ''}
            onClick={() =>
              onChange(
                {
                  kind: 'update',
                  code: grid.id,
                  version: p.version,
                  name: name.trim(),
                  households: households.trim() === '' ? null : Number(households),
                },
                saved,
              )
            }
          >
            {t('grids.saveAttributes')}
          </button>
          <GridWorkers
            grid={grid}
            busy={busy}
            onSave={(workerIds) =>
              onChange({ kind: 'update', code: grid.id, version: p.version, workerIds }, saved)
            }
          />
        </>
      )}
      <button type="button" className="button small" data-testid="grid-history" onClick={props.onShowHistory}>
        {t('grids.history')}
      </button>
      {props.historyError && <p className="form-error">{props.historyError}</p>}
      {history && (
        <ol className="grids-history" data-testid="grid-history-list">
          {history.versions.map((v) => (
            <li key={v.properties.version}>
              <button
                type="button"
                className={`grids-item${historyShown === v.properties.version ? ' active' : ''}`}
                onClick={() => props.onHistoryShown(v.properties.version)}
              >
                v{v.properties.version} · {t(changeKey(v.properties.change))} · {fmt(v.properties.validFrom)}
                {v.properties.validTo ? ` → ${fmt(v.properties.validTo)}` : ''}
                {v.properties.changedBy ? ` · ${v.properties.changedBy}` : ''}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The grid workers who may be assigned to the grid, the current ones ticked. */
function GridWorkers({
  grid,
  busy,
  onSave,
}: {
  grid: GridFeature;
  busy: boolean;
  onSave: (ids: number[]) => void;
}) {
  const { t } = useI18n();
  const candidates = useWorkerCandidates(grid.id.slice(0, 12), true).data;
  const [chosen, setChosen] = useState(() => new Set(grid.properties.workers.map((w) => w.id)));
  if (!candidates || candidates.length === 0) return null;
  const toggle = (id: number, on: boolean) =>
    setChosen((cur) => {
      const next = new Set(cur);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <div className="grids-field" data-testid="grid-workers">
      {t('grids.workers')}
      <ul className="grids-list">
        {candidates.map((w) => (
          <li key={w.id}>
            <label>
              <input
                type="checkbox"
                checked={chosen.has(w.id)}
                onChange={(e) => toggle(w.id, e.target.checked)}
              />{' '}
              {w.displayName} ({w.username})
            </label>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button small"
        data-testid="grid-workers-save"
        disabled={busy}
        onClick={() => onSave([...chosen])}
      >
        {t('grids.saveWorkers')}
      </button>
    </div>
  );
}
