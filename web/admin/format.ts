import type { Language } from '../i18n.ts';

/** A timestamp (ISO 8601) in the user's time zone, in the interface language. */
export function formatTime(language: Language, iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(language, { hour12: false });
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "a, b ,c" → ['a', 'b', 'c'] (empty parts dropped, duplicates removed). */
export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
