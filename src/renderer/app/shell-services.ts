// Renderer side of the desktop shell, outside React: checks the local database against the backup at start (restoring
// what an update lost), keeps a fresh backup in main's user-data folder (always before an update installs), tells main
// whether a lesson is on (no update downloads or restarts then), and sends errors to the local log.
import type { DesktopApi } from '../../shared/ipc.ts';
import type { AppDb } from '../db/app-db.ts';
import { exportSnapshot, verifyOrRestore, type IntegrityResult } from '../db/db-backup.ts';

export type ShellServicesDeps = { db: AppDb; desktop: DesktopApi; appVersion: string; now: () => Date; errors: EventTarget };

const BACKUP_EVERY_MS = 30 * 60_000;

export async function lessonInProgress(db: AppDb, now: Date): Promise<boolean> {
  const iso = now.toISOString();
  // Lessons are short; anything that started in the last 4 h and has not ended is the current one.
  const recent = await db.lessons.where('startsAt').between(new Date(now.getTime() - 4 * 3600_000).toISOString(), iso, true, true).toArray();
  return recent.some((l) => l.endsAt > iso);
}

export function createShellServices({ db, desktop, appVersion, now, errors }: ShellServicesDeps) {
  let lastBackupAt = 0;
  let timer: ReturnType<typeof setInterval> | null = null;

  async function backupNow(): Promise<void> {
    const snapshot = await exportSnapshot(db, appVersion, now());
    await desktop.backup.save(snapshot);
    lastBackupAt = now().getTime();
  }

  async function minute(): Promise<void> {
    await desktop.activity.set({ lessonInProgress: await lessonInProgress(db, now()), playback: 'none' });
    const status = await desktop.update.status();
    const due = now().getTime() - lastBackupAt >= BACKUP_EVERY_MS;
    // A downloaded update may install at the next quiet hour or at quit, and main installs only with a backup at most
    // 5 minutes old: keep one from the last minute while an update waits.
    if (due || (status.phase === 'downloaded' && now().getTime() - lastBackupAt >= 55_000)) await backupNow();
  }

  const onError = (event: Event) => {
    const e = event as ErrorEvent & PromiseRejectionEvent;
    const error: unknown = e.error ?? e.reason;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(e.message ?? error);
    void desktop.log.write({ level: 'error', message: message.slice(0, 2000), ...(error instanceof Error && error.stack ? { detail: error.stack.slice(0, 8000) } : {}) }).catch(() => undefined);
  };

  return {
    /** Before the session starts: a database the update lost is restored from the newest backup. */
    async verifyDatabase(): Promise<IntegrityResult> {
      const latest = await desktop.backup.latest().catch(() => null);
      const result = await verifyOrRestore(db, latest, () => crypto.randomUUID());
      if (result.state === 'restored') await desktop.log.write({ level: 'warn', message: `local database restored from backup (${result.restoredRows} rows)` });
      return result;
    },
    start(): void {
      errors.addEventListener('error', onError);
      errors.addEventListener('unhandledrejection', onError);
      const run = () => void minute().catch((error: unknown) => void desktop.log.write({ level: 'warn', message: `shell services: ${String(error)}`.slice(0, 2000) }).catch(() => undefined));
      run();
      timer = setInterval(run, 60_000);
    },
    backupNow,
    stop(): void {
      if (timer) clearInterval(timer);
      errors.removeEventListener('error', onError);
      errors.removeEventListener('unhandledrejection', onError);
    },
  };
}

export type ShellServices = ReturnType<typeof createShellServices>;
