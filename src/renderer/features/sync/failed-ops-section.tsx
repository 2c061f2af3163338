import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import type { OutboxFailure } from '../../db/app-db.ts';
import { exportFailed, retryFailed } from '../../db/outbox-repo.ts';
import type { BrokenOutboxRow, OutboxEntry } from '../../db/outbox-rows.ts';
import { desktop } from '../../desktop/desktop.ts';
import { saveBlob } from '../../desktop/save-blob.ts';
import { formatClock } from '../timetable/lesson-time.ts';
import { groupOutbox } from './outbox-groups.ts';

export type FailedOpsSectionProps = { failed: OutboxEntry[]; broken: BrokenOutboxRow[]; lessonName: (lessonId: string) => string; deviceId: string };

/** 失败: ops the hub kept refusing and rows that do not parse — kept on the PC, with 重试 and 导出, never dropped. */
export function FailedOpsSection({ failed, broken, lessonName, deviceId }: FailedOpsSectionProps) {
  const { t, i18n } = useTranslation();
  const { db, session } = useApp();
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const count = failed.length + broken.length;
  if (count === 0) return null;

  const log = (message: string) => void desktop().log.write({ level: 'info', message }).catch(() => undefined);
  const run = (action: () => Promise<string>) => {
    setBusy(true);
    action()
      .then(setNote, (error: unknown) => setNote(t('syncDetails.actionFailed', { detail: error instanceof Error ? error.message : String(error) })))
      .finally(() => setBusy(false));
  };
  const retry = () =>
    run(async () => {
      const n = await retryFailed(db);
      log(`outbox: ${n} failed op(s) queued again by hand (重试)`);
      void session.syncNow();
      return t('syncDetails.retried', { count: n });
    });
  const exportAll = () =>
    run(async () => {
      const now = new Date();
      const { count: n, json } = await exportFailed(db, deviceId, now);
      const file = `ykt-failed-records-${deviceId}-${now.toISOString().slice(0, 16).replace(/[-:T]/g, '')}.json`;
      saveBlob(file, new Blob([json], { type: 'application/json' }));
      log(`outbox: ${n} failed op(s) exported to ${file} (导出)`);
      return t('syncDetails.exported', { count: n, file });
    });

  return (
    <section className="failed-ops" data-testid="failed-ops">
      <div className="failed-ops-header">
        <h2>{t('syncDetails.failedTitle', { count })}</h2>
        <button type="button" className="primary" disabled={busy} onClick={retry}>
          {t('syncDetails.retryFailed')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={exportAll}>
          {t('syncDetails.exportFailed')}
        </button>
      </div>
      <p className="muted">{t('syncDetails.failedHint')}</p>
      {note && (
        <p className="muted" role="status">
          {note}
        </p>
      )}
      <table className="outbox-table">
        <tbody>
          {groupOutbox(failed).map((g) => (
            <tr key={g.key} data-testid="failed-row" className="outbox-failed">
              <td>
                {t(`syncDetails.op.${g.first.op.type}`)} × {g.count}
              </td>
              <td>{lessonName(g.first.op.lessonId)}</td>
              <td>{formatClock(new Date(g.first.createdAt), i18n.language)}</td>
              <td>{g.first.lastError ? failureText(t, g.first.lastError) : ''}</td>
            </tr>
          ))}
          {broken.map((b) => (
            <tr key={`broken-${b.seq}`} data-testid="failed-row" className="outbox-failed">
              <td colSpan={3}>{t('syncDetails.unreadableRow', { seq: b.seq })}</td>
              <td>{t('syncDetails.reason.unreadable', { detail: b.reason })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function failureText(t: (key: string, options?: Record<string, unknown>) => string, failure: OutboxFailure): string {
  return t(`syncDetails.reason.${failure.code}`, { detail: failure.detail });
}
