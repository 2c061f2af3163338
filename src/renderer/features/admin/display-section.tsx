import { useTranslation } from 'react-i18next';
import { desktop } from '../../desktop/desktop.ts';

/** Full screen for class; 课堂模式 (kiosk) also hides the task bar so pupils cannot leave the app (F11 / menu too). */
export function DisplaySection() {
  const { t } = useTranslation();
  const set = (on: boolean, kiosk: boolean) => void desktop().window.setFullScreen({ on, kiosk });
  return (
    <section aria-labelledby="admin-display">
      <h2 id="admin-display">{t('admin.display')}</h2>
      <div className="admin-actions">
        <button type="button" className="secondary" onClick={() => set(true, false)}>
          {t('admin.fullScreen')}
        </button>
        <button type="button" className="secondary" onClick={() => set(true, true)}>
          {t('admin.kiosk')}
        </button>
        <button type="button" className="secondary" onClick={() => set(false, false)}>
          {t('admin.windowed')}
        </button>
      </div>
    </section>
  );
}
