import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { navigate } from '../../stores/route-store.ts';
import { useSyncStatus } from '../../stores/sync-status-store.ts';
import { formatClock } from '../timetable/lesson-time.ts';

/** What waits to upload, what the hub refused and why, and the last error, in plain words. */
export function SyncDetailsScreen() {
  const { t, i18n } = useTranslation();
  const { db, session } = useApp();
  const { phase, lastSyncAt, lastError } = useSyncStatus();
  const rows = useLiveQuery(() => db.outbox.orderBy('seq').limit(200).toArray(), [db]);
  const total = useLiveQuery(() => db.outbox.count(), [db]);
  const lessons = useLiveQuery(() => db.lessons.toArray(), [db]);
  if (!rows || total === undefined || !lessons) return null;
  const lessonName = new Map(lessons.map((l) => [l.id, `${l.subject} · ${l.title}`]));
  const pending = rows.filter((r) => r.status === 'pending').length;
  return (
    <main className="lesson-screen sync-details">
      <div className="lesson-header">
        <button type="button" className="secondary" onClick={() => navigate({ screen: 'timetable' })}>
          ← {t('lesson.back')}
        </button>
        <div className="lesson-heading">
          <h1>{t('syncDetails.title')}</h1>
          <div className="muted" data-testid="sync-summary">
            {t('syncDetails.summary', { count: total, time: lastSyncAt ? formatClock(new Date(lastSyncAt), i18n.language) : '—' })}
          </div>
        </div>
        <button type="button" className="primary" disabled={phase === 'syncing'} onClick={() => void session.syncNow()}>
          {t('status.retry')}
        </button>
      </div>
      {lastError && (
        <p className="banner" role="status">
          {t('syncDetails.lastError')}: {t(`errors.${lastError.code}`, { detail: lastError.detail })}
        </p>
      )}
      {total === 0 ? (
        <p className="empty">{t('syncDetails.nothing')}</p>
      ) : (
        <table className="outbox-table">
          <thead>
            <tr>
              <th>{t('syncDetails.what')}</th>
              <th>{t('syncDetails.lesson')}</th>
              <th>{t('syncDetails.when')}</th>
              <th>{t('syncDetails.state')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="outbox-row" className={`outbox-${r.status}`}>
                <td>{t(`syncDetails.op.${r.op.type}`)}</td>
                <td>{lessonName.get(r.op.lessonId) ?? r.op.lessonId}</td>
                <td>{formatClock(new Date(r.createdAt), i18n.language)}</td>
                <td>{r.status === 'rejected' ? t('syncDetails.rejected', { reason: r.reason ?? '' }) : t('syncDetails.pending', { attempts: r.attempts })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pending < rows.length && <p className="muted">{t('syncDetails.rejectedHint')}</p>}
    </main>
  );
}
