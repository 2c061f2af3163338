import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import type { OutboxRow } from '../../db/app-db.ts';
import { navigate } from '../../stores/route-store.ts';
import { useSyncStatus } from '../../stores/sync-status-store.ts';
import { formatClock } from '../timetable/lesson-time.ts';

/** What waits to upload, what the hub refused and why, and the last error, in plain words. */
export function SyncDetailsScreen() {
  const { t, i18n } = useTranslation();
  const { db, session } = useApp();
  const { phase, lastSyncAt, lastError } = useSyncStatus();
  const rows = useLiveQuery(() => db.outbox.orderBy('seq').limit(5000).toArray(), [db]);
  const total = useLiveQuery(() => db.outbox.count(), [db]);
  const lessons = useLiveQuery(() => db.lessons.toArray(), [db]);
  if (!rows || total === undefined || !lessons) return null;
  const lessonName = new Map(lessons.map((l) => [l.id, `${l.subject} · ${l.title}`]));
  const pending = rows.filter((r) => r.status === 'pending').length;
  const groups = groupOutbox(rows);
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
            {groups.map((g) => (
              <tr key={g.key} data-testid="outbox-row" className={`outbox-${g.first.status}`}>
                <td>
                  {t(`syncDetails.op.${g.first.op.type}`)} × {g.count}
                </td>
                <td>{lessonName.get(g.first.op.lessonId) ?? g.first.op.lessonId}</td>
                <td>{formatClock(new Date(g.first.createdAt), i18n.language)}</td>
                <td>
                  {g.first.status === 'rejected' ? t('syncDetails.rejected', { reason: g.first.reason ?? '' }) : t('syncDetails.pending', { attempts: g.first.attempts })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pending < rows.length && <p className="muted">{t('syncDetails.rejectedHint')}</p>}
    </main>
  );
}

/** One line per kind of record, lesson and state: "考勤 × 43" reads better on a board than 43 lines. */
function groupOutbox(rows: OutboxRow[]) {
  const groups = new Map<string, { key: string; first: OutboxRow; count: number }>();
  for (const row of rows) {
    const key = `${row.op.type}|${row.op.lessonId}|${row.status}|${row.reason ?? ''}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { key, first: row, count: 1 });
  }
  return [...groups.values()];
}
