import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { navigate } from '../../stores/route-store.ts';
import { useSyncStatus } from '../../stores/sync-status-store.ts';
import { formatClock } from '../timetable/lesson-time.ts';

/** Always-visible sync state, e.g. "离线 · 上次同步 10:42"; tapping it retries at once. */
export function SyncStatusBadge() {
  const { t, i18n } = useTranslation();
  const { session, db } = useApp();
  // Failed ops (refused several times, kept for IT on 同步详情) are not "waiting to upload": counted apart, so the
  // teacher is not told records are on their way that need IT.
  const waiting = useLiveQuery(() => db.outbox.where('status').equals('pending').count(), [db]) ?? 0;
  const failed = useLiveQuery(() => db.outbox.where('status').anyOf('failed', 'rejected').count(), [db]) ?? 0;
  const { phase, lastSyncAt, lastError } = useSyncStatus();
  const time = lastSyncAt ? formatClock(new Date(lastSyncAt), i18n.language) : null;
  const label = (() => {
    switch (phase) {
      case 'idle':
        return t('status.idle');
      case 'syncing':
        return t('status.syncing');
      case 'synced':
        // Not "已同步" while the teacher's records wait: they have not reached the hub yet.
        if (waiting > 0) return t('status.pendingSince', { time: time ?? '—' });
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
    <button
      type="button"
      className={`sync-badge sync-${phase}`}
      data-phase={phase}
      title={detail}
      onClick={() => {
        navigate({ screen: 'sync' });
        void session.syncNow();
      }}
    >
      <span className="dot" aria-hidden="true" />
      <span data-testid="sync-status">{label}</span>
      {waiting > 0 && (
        <span className="waiting" data-testid="sync-waiting">
          {t('status.waiting', { count: waiting })}
        </span>
      )}
      {failed > 0 && (
        <span className="failed" data-testid="sync-failed">
          {t('status.failedOps', { count: failed })}
        </span>
      )}
    </button>
  );
}
