import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contentCommands } from '../../app/content-controller.ts';
import { useDownloads } from '../../stores/downloads-store.ts';
import { mb } from './format.ts';

/** What the downloader is doing, storage used / quota, and the "download now" override. */
export function DownloadStatusLine() {
  const { t } = useTranslation();
  const phase = useDownloads((s) => s.phase);
  const lastError = useDownloads((s) => s.lastError);
  const [storage, setStorage] = useState<{ used: number; quota: number } | null>(null);
  useEffect(() => {
    void navigator.storage?.estimate().then((e) => setStorage({ used: e.usage ?? 0, quota: e.quota ?? 0 }));
  }, [phase]);
  return (
    <div className="download-status" data-testid="download-status" data-phase={phase}>
      <span>{t(`content.phase.${phase}`, { hours: '22:00–06:00' })}</span>
      {storage && <span className="muted">{t('content.storage', { used: mb(storage.used), quota: mb(storage.quota) })}</span>}
      {lastError === 'quota_exceeded' && <span role="alert">{t('content.quotaExceeded')}</span>}
      <button type="button" className="secondary small" onClick={() => contentCommands.downloadNow()}>
        {t('content.downloadNow')}
      </button>
    </div>
  );
}
