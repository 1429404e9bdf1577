import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { useSession } from '../lib/session.tsx';
import { useI18n } from '../i18n.ts';
import {
  CategorySelect,
  newClientKey,
  preparePhoto,
  useIncidentCategories,
  type PhotoUpload,
} from '../components/categories.tsx';
import { PointMap } from './point-map.tsx';
import { useCitizenReport } from './queries.ts';
import { ReportSuccess } from './report-success.tsx';
import { PublicHeader } from './public-header.tsx';

const MAX_PHOTOS = 6;

/** The venue (site) id of a venue code link, /report?site=<id>. */
function siteFromUrl(): number | null {
  const raw = new URLSearchParams(window.location.search).get('site');
  const id = raw && /^[0-9]{1,10}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * /report: the public citizen report page (no sign-in), phone first. Category, description,
 * location (the device's or tapped on the map), optional contact and photos; the answer is the
 * incident number and its deadline.
 */
export function ReportPage() {
  const { t } = useI18n();
  const { status } = useSession();
  const { categories, error: categoriesError } = useIncidentCategories();
  const [siteId] = useState(siteFromUrl);
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [photos, setPhotos] = useState<PhotoUpload[]>([]);
  const [error, setError] = useState<string | null>(null);
  const submit = useCitizenReport();
  const busy = submit.isPending;
  const result = submit.data ?? null;
  // One key per submission: a retry after a lost answer reuses it, so nothing is reported twice.
  const clientKey = useRef<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const touched = () => {
    clientKey.current = null;
    setError(null);
  };

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setGeoError(t('report.geoUnsupported'));
      return;
    }
    setLocating(true);
    setGeoError(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        touched();
        setPoint([Number(pos.coords.longitude.toFixed(6)), Number(pos.coords.latitude.toFixed(6))]);
      },
      () => {
        setLocating(false);
        setGeoError(t('report.geoFailed'));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const addPhotos = async (files: FileList | null) => {
    if (!files) return;
    touched();
    const room = MAX_PHOTOS - photos.length;
    if (files.length > room) setError(t('report.photosTooMany'));
    const picked: PhotoUpload[] = [];
    for (const file of [...files].slice(0, Math.max(0, room))) {
      try {
        picked.push(await preparePhoto(file));
      } catch {
        setError(`${t('report.photoFailed')}: ${file.name}`);
      }
    }
    setPhotos((p) => [...p, ...picked].slice(0, MAX_PHOTOS));
    if (fileInput.current) fileInput.current.value = '';
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!category || !description.trim()) {
      setError(t('report.missing'));
      return;
    }
    if (!point) {
      setError(t('report.noLocation'));
      return;
    }
    clientKey.current ??= newClientKey('web');
    setError(null);
    const reporter = {
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(phone.trim() ? { phone: phone.trim() } : {}),
    };
    submit.mutate(
      {
        clientKey: clientKey.current,
        category,
        lon: point[0],
        lat: point[1],
        description: description.trim(),
        ...(siteId ? { siteId } : {}),
        ...(Object.keys(reporter).length ? { reporter } : {}),
        ...(photos.length ? { photos: photos.map(({ contentType, data }) => ({ contentType, data })) } : {}),
      },
      {
        onError: (e) =>
          setError(
            e instanceof ApiError && e.status === 429 ? t('report.tooManyRequests') : errorMessage(e, t),
          ),
      },
    );
  };

  const reset = () => {
    clientKey.current = null;
    submit.reset();
    setDescription('');
    setPhotos([]);
    setError(null);
  };

  return (
    <div className="report-page" data-testid="report-page">
      <PublicHeader title={t('report.title')} />
      <main className="report-main">
        {result ? (
          <ReportSuccess result={result} onAnother={reset} />
        ) : (
          <form className="report-card" onSubmit={onSubmit} noValidate>
            <p className="muted report-intro">{t('report.intro')}</p>
            {siteId && (
              <p className="form-notice" data-testid="report-site">
                {t('report.site')} #{siteId}
              </p>
            )}
            {categoriesError && (
              <p className="form-error" role="alert">
                {t('status.apiDown')}: {categoriesError}
              </p>
            )}
            <label className="field">
              <span>{t('report.category')}</span>
              <CategorySelect
                categories={categories}
                value={category}
                onChange={(code) => {
                  touched();
                  setCategory(code);
                }}
                emptyLabel={t('report.choose')}
                testId="report-category"
                required
              />
            </label>
            <label className="field">
              <span>{t('report.description')}</span>
              <textarea
                data-testid="report-description"
                rows={4}
                maxLength={2000}
                placeholder={t('report.descriptionHint')}
                value={description}
                onChange={(e) => {
                  touched();
                  setDescription(e.target.value);
                }}
                required
              />
            </label>
            <fieldset className="field-group">
              <legend>{t('report.location')}</legend>
              <div className="report-locate">
                <button
                  type="button"
                  className="button"
                  data-testid="report-locate"
                  onClick={locate}
                  disabled={locating}
                >
                  {locating ? t('report.locating') : t('report.useMyLocation')}
                </button>
                <span className="mono" data-testid="report-point">
                  {point ? `${point[0].toFixed(5)}, ${point[1].toFixed(5)}` : ''}
                </span>
              </div>
              {geoError && <p className="form-notice">{geoError}</p>}
              <p className="muted small">{t('report.tapMap')}</p>
              <PointMap
                point={point}
                onPick={(p) => {
                  touched();
                  setPoint(p);
                }}
                withAreas={status === 'signed-in'}
                zoom={16}
                ariaLabel={t('map.aria')}
                testId="report-map"
              />
            </fieldset>
            <fieldset className="field-group">
              <legend>{t('report.reporter')}</legend>
              <div className="report-contact">
                <label className="field">
                  <span>{t('report.name')}</span>
                  <input
                    value={name}
                    maxLength={50}
                    autoComplete="name"
                    onChange={(e) => {
                      touched();
                      setName(e.target.value);
                    }}
                  />
                </label>
                <label className="field">
                  <span>{t('report.phone')}</span>
                  <input
                    type="tel"
                    value={phone}
                    maxLength={20}
                    autoComplete="tel"
                    onChange={(e) => {
                      touched();
                      setPhone(e.target.value.replace(/[^0-9+ -]/g, ''));
                    }}
                  />
                </label>
              </div>
            </fieldset>
            <label className="field">
              <span>{t('report.photos')}</span>
              <input
                ref={fileInput}
                type="file"
                accept="image/jpeg,image/png,image/webp,image/*"
                multiple
                data-testid="report-photos"
                disabled={photos.length >= MAX_PHOTOS}
                onChange={(e) => void addPhotos(e.target.files)}
              />
            </label>
            {photos.length > 0 && (
              <ul className="photo-list">
                {photos.map((p, i) => (
                  <li key={i}>
                    <img src={p.preview} alt="" />
                    <button
                      type="button"
                      className="button small"
                      onClick={() => {
                        touched();
                        setPhotos((all) => all.filter((_, j) => j !== i));
                      }}
                    >
                      {t('report.removePhoto')}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {error && (
              <p className="form-error" role="alert" data-testid="report-error">
                {error}
              </p>
            )}
            <button type="submit" className="button primary wide" data-testid="report-submit" disabled={busy}>
              {busy ? t('report.submitting') : t('report.submit')}
            </button>
          </form>
        )}
      </main>
    </div>
  );
}
