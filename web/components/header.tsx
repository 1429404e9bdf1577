import { useI18n } from '../i18n.ts';

/** The top bar: product name and the 中文/English switch. */
export function Header() {
  const { language, setLanguage, t } = useI18n();
  return (
    <header className="app-header">
      <h1 className="app-title">
        {t('app.title')} <span className="app-subtitle">· {t('app.subtitle')}</span>
      </h1>
      <button
        type="button"
        className="language-switch"
        data-testid="language-switch"
        title={t('language.switchTitle')}
        onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}
      >
        {t('language.switch')}
      </button>
    </header>
  );
}
