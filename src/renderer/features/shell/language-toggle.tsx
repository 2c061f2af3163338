import { useTranslation } from 'react-i18next';

export function LanguageToggle() {
  const { t, i18n } = useTranslation();
  return (
    <button type="button" className="secondary small" onClick={() => void i18n.changeLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
      {t('app.language')}
    </button>
  );
}
