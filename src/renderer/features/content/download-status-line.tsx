import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { getDownloadHours } from '../../db/content-settings.ts';
import { useDownloads } from '../../stores/downloads-store.ts';
import { hoursText } from './format.ts';

/** What the downloader is doing, in words, when it is doing something; its settings (hours, 立即下载) are IT's, on 管理员. */
export function DownloadStatusLine() {
  const { t } = useTranslation();
  const { db } = useApp();
  const hours = useLiveQuery(() => getDownloadHours(db), [db]);
  const phase = useDownloads((s) => s.phase);
  const lastError = useDownloads((s) => s.lastError);
  if (phase === 'idle' && lastError !== 'quota_exceeded') return null; // nothing to say while nothing is happening
  return (
    <div className="download-status" data-testid="download-status" data-phase={phase}>
      <span>{t(`content.phase.${phase}`, { hours: hours ? hoursText(hours) : '' })}</span>
      {lastError === 'quota_exceeded' && <span role="alert">{t('content.quotaExceeded')}</span>}
    </div>
  );
}
