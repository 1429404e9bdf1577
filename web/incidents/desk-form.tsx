import { useState, type FormEvent } from 'react';
import type { BBox, IntakeResult } from '../api/client.ts';
import { CategorySelect, newClientKey, useIncidentCategories } from '../components/categories.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { useSession } from '../lib/session.tsx';
import { useI18n, type MessageKey } from '../i18n.ts';
import { PointMap } from './point-map.tsx';
import { useCreateIncident } from './queries.ts';

/** The point typed into the form, or null while it is not two numbers. */
function typedPoint(lon: string, lat: string): [number, number] | null {
  const x = Number(lon);
  const y = Number(lat);
  return lon.trim() && lat.trim() && Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
}

/** The desk form: a dispatcher registers an incident (channel desk) from a call or a visit. */
export function DeskForm({ onCreated }: { onCreated: (r: IntakeResult) => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const home = me?.homeAreaBBox;
  const homeBox: BBox | null =
    home && home.length === 4 ? [home[0] ?? 0, home[1] ?? 0, home[2] ?? 0, home[3] ?? 0] : null;
  const { categories } = useIncidentCategories();
  const create = useCreateIncident();
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [lon, setLon] = useState('');
  const [lat, setLat] = useState('');
  const [missing, setMissing] = useState<MessageKey | null>(null);
  const [result, setResult] = useState<IntakeResult | null>(null);
  // One key per submission: a retry after a lost answer reuses it, so nothing is registered twice.
  const [clientKey, setClientKey] = useState<string | null>(null);
  const point = typedPoint(lon, lat);

  const edited = () => {
    setClientKey(null);
    setMissing(null);
    create.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (create.isPending) return;
    if (!category || !description.trim()) {
      setMissing('report.missing');
      return;
    }
    if (!point) {
      setMissing('report.noLocation');
      return;
    }
    const key = clientKey ?? newClientKey('desk');
    setClientKey(key);
    setMissing(null);
    create.mutate(
      {
        clientKey: key,
        category,
        lon: point[0],
        lat: point[1],
        description: description.trim(),
        channel: 'desk',
      },
      {
        onSuccess: (r) => {
          setResult(r);
          setClientKey(null);
          setDescription('');
          onCreated(r);
        },
      },
    );
  };

  const error = missing ? t(missing) : create.error ? errorMessage(create.error, t) : null;
  return (
    <form className="admin-form desk-form" data-testid="desk-form" onSubmit={onSubmit} noValidate>
      <h3 className="form-title">{t('desk.title')}</h3>
      <div className="desk-grid">
        <div>
          <label className="field">
            <span>{t('report.category')}</span>
            <CategorySelect
              categories={categories}
              value={category}
              onChange={(c) => {
                edited();
                setCategory(c);
              }}
              emptyLabel={t('report.choose')}
              testId="desk-category"
            />
          </label>
          <label className="field">
            <span>{t('report.description')}</span>
            <textarea
              rows={3}
              maxLength={2000}
              data-testid="desk-description"
              value={description}
              onChange={(e) => {
                edited();
                setDescription(e.target.value);
              }}
            />
          </label>
          <div className="desk-coords">
            <label className="field">
              <span>{t('desk.lon')}</span>
              <input
                inputMode="decimal"
                data-testid="desk-lon"
                value={lon}
                onChange={(e) => {
                  edited();
                  setLon(e.target.value);
                }}
              />
            </label>
            <label className="field">
              <span>{t('desk.lat')}</span>
              <input
                inputMode="decimal"
                data-testid="desk-lat"
                value={lat}
                onChange={(e) => {
                  edited();
                  setLat(e.target.value);
                }}
              />
            </label>
          </div>
          {error && (
            <p className="form-error" role="alert" data-testid="desk-error">
              {error}
            </p>
          )}
          {result && <DeskResult result={result} />}
          <div className="form-actions">
            <button
              type="submit"
              className="button primary"
              data-testid="desk-submit"
              disabled={create.isPending}
            >
              {t('desk.submit')}
            </button>
          </div>
        </div>
        <div>
          <p className="muted small">{t('desk.pickHint')}</p>
          <PointMap
            point={point}
            onPick={([x, y]) => {
              edited();
              setLon(String(x));
              setLat(String(y));
            }}
            withAreas
            initialBounds={homeBox}
            zoom={15}
            ariaLabel={t('map.aria')}
            testId="desk-map"
          />
        </div>
      </div>
    </form>
  );
}

/** What the intake answered: the number, and what it found (risk sources, possible duplicates). */
function DeskResult({ result }: { result: IntakeResult }) {
  const { t } = useI18n();
  return (
    <div className="form-success" data-testid="desk-result">
      {result.created ? t('desk.created') : t('desk.existing')} #{result.id}
      {result.raisedBy.length > 0 && (
        <div>
          {t('desk.raisedBy')}: {result.raisedBy.map((r) => r.name).join('、')}
        </div>
      )}
      {result.possibleDuplicates.length > 0 && (
        <div>
          {t('detail.duplicates')}:{' '}
          {result.possibleDuplicates
            .map((d) => `#${d.id} (${Math.round(d.distanceM)} ${t('unit.m')})`)
            .join(', ')}
        </div>
      )}
    </div>
  );
}
