import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { getMeta } from '../../db/meta-repo.ts';
import { readOutbox } from '../../db/outbox-repo.ts';
import { navigate } from '../../stores/route-store.ts';
import { useSession } from '../../stores/session-store.ts';
import { useSyncStatus } from '../../stores/sync-status-store.ts';
import { formatClock } from '../timetable/lesson-time.ts';
import { FailedOpsSection, failureText } from './failed-ops-section.tsx';
import { groupOutbox } from './outbox-groups.ts';

/** What waits to upload, what failed and why, what could not be read from the hub, and the last error, in plain words. */
export function SyncDetailsScreen() {
  const { t, i18n } = useTranslation();
  const { db, session } = useApp();
  const deviceId = useSession((s) => s.identity?.deviceId ?? '');
  const { phase, lastSyncAt, lastError } = useSyncStatus();
  const outbox = useLiveQuery(() => readOutbox(db), [db]);
  const skipped = useLiveQuery(() => getMeta(db, 'pullSkipped'), [db]);
  const lessons = useLiveQuery(() => db.lessons.toArray(), [db]);
  if (!outbox || !lessons) return null;
  const names = new Map(lessons.map((l) => [l.id, `${l.subject} · ${l.title}`]));
  const lessonName = (id: string) => names.get(id) ?? id;
  const latestSkip = skipped?.recent.at(-1);
  return (
    <main className="lesson-screen sync-details">
      <div className="lesson-header">
        <button type="button" className="secondary" onClick={() => navigate({ screen: 'timetable' })}>
          ← {t('lesson.back')}
        </button>
        <div className="lesson-heading">
          <h1>{t('syncDetails.title')}</h1>
          <div className="muted" data-testid="sync-summary">
            {t('syncDetails.summary', { count: outbox.pending.length, time: lastSyncAt ? formatClock(new Date(lastSyncAt), i18n.language) : '—' })}
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
      {skipped && latestSkip && (
        <p className="banner" role="status" data-testid="skipped-pulls">
          {t('syncDetails.skippedPulls', { count: skipped.count, reason: latestSkip.reason })}
        </p>
      )}
      {outbox.total === 0 && <p className="empty">{t('syncDetails.nothing')}</p>}
      <FailedOpsSection failed={outbox.failed} broken={outbox.broken} lessonName={lessonName} deviceId={deviceId} />
      {outbox.pending.length > 0 && (
        <section>
          <h2>{t('syncDetails.pendingTitle', { count: outbox.pending.length })}</h2>
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
              {groupOutbox(outbox.pending).map(({ key, first, count }) => (
                <tr key={key} data-testid="outbox-row" className={first.lastError ? 'outbox-retrying' : 'outbox-pending'}>
                  <td>
                    {t(`syncDetails.op.${first.op.type}`)} × {count}
                  </td>
                  <td>{lessonName(first.op.lessonId)}</td>
                  <td>{formatClock(new Date(first.createdAt), i18n.language)}</td>
                  <td>
                    {first.lastError
                      ? t('syncDetails.retrying', {
                          attempts: first.attempts,
                          time: formatClock(new Date(first.retryAt ?? Date.now()), i18n.language),
                          reason: failureText(t, first.lastError),
                        })
                      : t('syncDetails.pending')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
