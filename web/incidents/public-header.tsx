import { LanguageSwitch } from '../components/language-switch.tsx';
import { useI18n } from '../i18n.ts';

/** The header of the citizens' pages (/report, /report/track): the app and the page, the language. */
export function PublicHeader({ title }: { title: string }) {
  const { t } = useI18n();
  return (
    <header className="report-header">
      <h1 className="report-title">
        {t('app.title')} · {title}
      </h1>
      <LanguageSwitch />
    </header>
  );
}
