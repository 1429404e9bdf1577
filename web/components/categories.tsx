import { useQuery } from '@tanstack/react-query';
import { getIncidentCategories, type Category } from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { errorMessage } from '../lib/error-message.ts';
import { useI18n, type Language } from '../i18n.ts';

const NO_CATEGORIES: Category[] = [];

/** The incident categories (asked once per page: they change only with a new release), or the error. */
export function useIncidentCategories(): { categories: Category[]; error: string | null } {
  const { t } = useI18n();
  const query = useQuery({
    queryKey: queryKey('categories', 'incident'),
    queryFn: ({ signal }) => getIncidentCategories(signal),
    staleTime: 'static',
  });
  return {
    categories: query.data ?? NO_CATEGORIES,
    error: query.error ? errorMessage(query.error, t) : null,
  };
}

/** A category's name in the interface language. */
export function categoryName(language: Language, c: Pick<Category, 'nameZh' | 'nameEn'>): string {
  return language === 'zh-CN' ? c.nameZh : c.nameEn;
}

/** Props of CategorySelect. */
export interface CategorySelectProps {
  categories: readonly Category[];
  value: string;
  onChange: (code: string) => void;
  /** Offer the 大类 themselves (filters) rather than only their 小类 (reports). */
  allowGroups?: boolean;
  /** Text of the empty choice. */
  emptyLabel: string;
  id?: string;
  testId?: string;
  required?: boolean;
}

/** A select of incident categories, 小类 grouped under their 大类. */
export function CategorySelect({
  categories,
  value,
  onChange,
  allowGroups = false,
  emptyLabel,
  id,
  testId,
  required,
}: CategorySelectProps) {
  const { language } = useI18n();
  const groups = categories.filter((c) => c.parentCode === null);
  return (
    <select
      id={id}
      data-testid={testId}
      value={value}
      required={required}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">{emptyLabel}</option>
      {groups.map((g) => {
        const children = categories.filter((c) => c.parentCode === g.code);
        return (
          <optgroup key={g.code} label={categoryName(language, g)}>
            {allowGroups && (
              <option value={g.code}>
                {categoryName(language, g)} ({g.code})
              </option>
            )}
            {children.map((c) => (
              <option key={c.code} value={c.code}>
                {categoryName(language, c)}
              </option>
            ))}
          </optgroup>
        );
      })}
    </select>
  );
}

/** A fresh client key for one submission (kept for retries of that submission). */
export function newClientKey(prefix: string): string {
  const random =
    typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${random}`;
}

/** A photo ready to send. */
export interface PhotoUpload {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  /** base64, no data: prefix. */
  data: string;
  /** data: URL for the preview. */
  preview: string;
}

const MAX_SIDE = 1600;

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/**
 * A picked image as JPEG, its longer side at most 1600 px (phone photos are large); the file as
 * it is when it cannot be decoded here but is of an accepted type.
 */
export async function preparePhoto(file: File): Promise<PhotoUpload> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const url = canvas.toDataURL('image/jpeg', 0.82);
    return { contentType: 'image/jpeg', data: url.slice(url.indexOf(',') + 1), preview: url };
  } catch {
    const type = file.type;
    if (type !== 'image/jpeg' && type !== 'image/png' && type !== 'image/webp') throw new Error(type);
    const url = await readAsDataUrl(file);
    return { contentType: type, data: url.slice(url.indexOf(',') + 1), preview: url };
  }
}
