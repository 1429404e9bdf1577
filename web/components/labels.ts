import type { I18n, MessageKey } from '../i18n.ts';

/** Translated name of a status code (teams, incidents, components); the code itself if unknown. */
export function statusName(t: I18n['t'], status: string): string {
  const name = t(`st.${status}` as MessageKey) as string | undefined;
  return name ?? status;
}
