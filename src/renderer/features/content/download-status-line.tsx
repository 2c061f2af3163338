import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { getDownloadHours } from '../../db/content-settings.ts';
import type { PackListProblem } from '../../downloads/hub-pack-gate.ts';
import { useDownloads } from '../../stores/downloads-store.ts';
import { hoursText } from './format.ts';

const PACK_LIST_PROBLEMS: Record<PackListProblem, true> = {
  hub_key_unknown: true,
  hub_key_changed: true,
  manifest_invalid: true,
  chunking_conflict: true,
  signature_missing: true,
  signature_invalid: true,
  pack_not_newer: true,
  pack_other_source: true,
};

/** The pack-list problem behind `lastError`, if that is what it is. */
export const packListProblemOf = (lastError: string | null): PackListProblem | null =>
  lastError !== null && lastError in PACK_LIST_PROBLEMS ? (lastError as PackListProblem) : null;

/** What the downloader is doing, in words, when there is something to say; its settings (hours, 立即下载) are IT's, on 管理员. */
export function DownloadStatusLine() {
  const { t } = useTranslation();
  const { db } = useApp();
  const hours = useLiveQuery(() => getDownloadHours(db), [db]);
  const phase = useDownloads((s) => s.phase);
  const lastError = useDownloads((s) => s.lastError);
  const problem = packListProblemOf(lastError);
  if (phase === 'idle' && lastError !== 'quota_exceeded' && problem === null) return null; // nothing is happening
  return (
    <div className="download-status" data-testid="download-status" data-phase={phase}>
      <span>{t(`content.phase.${phase}`, { hours: hours ? hoursText(hours) : '' })}</span>
      {lastError === 'quota_exceeded' && <span role="alert">{t('content.quotaExceeded')}</span>}
      {problem && <span role="alert">{t(`content.packListProblem.${problem}`)}</span>}
    </div>
  );
}
