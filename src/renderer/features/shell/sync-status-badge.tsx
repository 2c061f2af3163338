import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { useSyncStatus } from '../../stores/sync-status-store.ts';
import { formatClock } from '../timetable/lesson-time.ts';

/** Always-visible sync state, e.g. "离线 · 上次同步 10:42"; tapping it retries at once. */
export function SyncStatusBadge() {
  const { t, i18n } = useTranslation();
  const { session } = useApp();
  const { phase, lastSyncAt, lastError } = useSyncStatus();
  const time = lastSyncAt ? formatClock(new Date(lastSyncAt), i18n.language) : null;
  const label = (() => {
    switch (phase) {
      case 'idle':
        return t('status.idle');
      case 'syncing':
        return t('status.syncing');
      case 'synced':
        return time ? t('status.syncedAt', { time }) : t('status.synced');
      case 'offline':
        return time ? t('status.offlineSince', { time }) : t('status.offlineNever');
      case 'error':
        return t('status.error', { time: time ?? '—' });
      case 'revoked':
        return t('status.revoked');
    }
  })();
  const detail = lastError ? t(`errors.${lastError.code}`, { detail: lastError.detail }) : undefined;
  return (
    <button type="button" className={`sync-badge sync-${phase}`} data-phase={phase} title={detail} onClick={() => void session.syncNow()}>
      <span className="dot" aria-hidden="true" />
      <span data-testid="sync-status">{label}</span>
    </button>
  );
}
