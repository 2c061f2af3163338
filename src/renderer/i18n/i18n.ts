// i18next with Simplified Chinese first and English second; the choice is remembered per device.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhCN } from './zh-cn.ts';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const LANGUAGE_KEY = 'ykt.language';

export function initI18n(storage: Storage): typeof i18next {
  const saved = storage.getItem(LANGUAGE_KEY);
  const lng: Language = saved === 'en' ? 'en' : 'zh-CN';
  void i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
    returnObjects: true,
    initAsync: false,
  });
  i18next.on('languageChanged', (l) => {
    storage.setItem(LANGUAGE_KEY, l);
    document.documentElement.lang = l;
  });
  document.documentElement.lang = lng;
  return i18next;
}
