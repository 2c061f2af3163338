import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { contentCommands } from '../../app/content-controller.ts';
import { getDownloadHours } from '../../db/content-settings.ts';
import type { PackListProblem } from '../../downloads/hub-pack-gate.ts';
import { useDownloads } from '../../stores/downloads-store.ts';
import { hoursText, mb } from './format.ts';

const NIGHT = { start: 22 * 60, end: 6 * 60 };
const PACK_LIST_PROBLEMS: Record<PackListProblem, true> = {
  hub_key_unknown: true,
  hub_key_changed: true,
  signature_missing: true,
  signature_invalid: true,
  pack_not_newer: true,
  pack_other_source: true,
};

/** What the downloader is doing, storage used / quota, and the "download now" override. */
export function DownloadStatusLine() {
  const { t } = useTranslation();
  const { db } = useApp();
  const hours = useLiveQuery(() => getDownloadHours(db), [db]);
  const phase = useDownloads((s) => s.phase);
  const lastError = useDownloads((s) => s.lastError);
  const [storage, setStorage] = useState<{ used: number; quota: number } | null>(null);
  useEffect(() => {
    void navigator.storage?.estimate().then((e) => setStorage({ used: e.usage ?? 0, quota: e.quota ?? 0 }));
  }, [phase]);
  return (
    <div className="download-status" data-testid="download-status" data-phase={phase}>
      <span>{t(`content.phase.${phase}`, { hours: hours ? hoursText(hours) : '' })}</span>
      {storage && <span className="muted">{t('content.storage', { used: mb(storage.used), quota: mb(storage.quota) })}</span>}
      {lastError === 'quota_exceeded' && <span role="alert">{t('content.quotaExceeded')}</span>}
      {lastError !== null && lastError in PACK_LIST_PROBLEMS && <span role="alert">{t(`content.packListProblem.${lastError as PackListProblem}`)}</span>}
      <label className="check">
        <input type="checkbox" checked={hours != null} onChange={(e) => void contentCommands.setHours(db, e.currentTarget.checked ? NIGHT : null)} />
        {t('content.nightOnly', { hours: hoursText(NIGHT) })}
      </label>
      <button type="button" className="secondary small" onClick={() => contentCommands.downloadNow()}>
        {t('content.downloadNow')}
      </button>
    </div>
  );
}
