import { useI18n } from '../i18n.ts';

/** The 中文/English switch (header and sign-in page). */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <button
      type="button"
      className="language-switch"
      data-testid="language-switch"
      title={t('language.switchTitle')}
      onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}
    >
      {t('language.switch')}
    </button>
  );
}
