// Renderer side of the desktop shell, outside React: checks the local database against the backup at start (restoring
// what an update lost), keeps a fresh backup in main's user-data folder (always before an update installs), tells main
// whether a lesson is on or a recording plays (no update downloads or restarts then; the display stays awake while a
// recording plays), and sends errors to the local log.
//
// While the backups cannot be read the database is "unverified": nothing is decided about it (it is never taken for a
// new one), no backup is written (a backup of a database the check has not seen could push the good ones out), the
// screen says so, and the check runs again every minute.
import type { DesktopApi } from '../../shared/ipc.ts';
import type { Activity, BackupLatest } from '../../shared/update-protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import { exportSnapshot, verifyOrRestore, type IntegrityResult } from '../db/db-backup.ts';
import type { DataSafety } from '../stores/data-safety-store.ts';

/** What plays now, and a way to hear when that changes (stores/playback-store.ts in the app). */
export type PlaybackSource = { current(): Activity['playback']; subscribe(listener: () => void): () => void };

export type ShellServicesDeps = {
  db: AppDb;
  desktop: DesktopApi;
  appVersion: string;
  now: () => Date;
  errors: EventTarget;
  playback?: PlaybackSource;
  report?: (state: DataSafety) => void;
  newId?: () => string;
};

const BACKUP_EVERY_MS = 30 * 60_000;
const RECORDED_REASON = 'recorded lesson';

export class DatabaseUnverifiedError extends Error {
  readonly code = 'database_unverified';
  constructor(reason: string) {
    super(`database_unverified: no backup is written until the backups can be read (${reason})`);
    this.name = 'DatabaseUnverifiedError';
  }
}

export async function lessonInProgress(db: AppDb, now: Date): Promise<boolean> {
  const iso = now.toISOString();
  // Lessons are short; anything that started in the last 4 h and has not ended is the current one.
  const recent = await db.lessons.where('startsAt').between(new Date(now.getTime() - 4 * 3600_000).toISOString(), iso, true, true).toArray();
  return recent.some((l) => l.endsAt > iso);
}

const noPlayback: PlaybackSource = { current: () => 'none', subscribe: () => () => {} };

export function createShellServices({ db, desktop, appVersion, now, errors, playback = noPlayback, report = () => {}, newId = () => crypto.randomUUID() }: ShellServicesDeps) {
  let lastBackupAt = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let unverified: string | null = 'not checked yet';
  let lastUnverified: string | null = null;
  let awake = false;
  let unsubscribe = () => {};
  const log = (level: 'info' | 'warn' | 'error', message: string) => void desktop.log.write({ level, message: message.slice(0, 2000) }).catch(() => undefined);

  async function backupNow(): Promise<void> {
    if (unverified !== null) throw new DatabaseUnverifiedError(unverified);
    const snapshot = await exportSnapshot(db, appVersion, now());
    await desktop.backup.save(snapshot);
    lastBackupAt = now().getTime();
  }

  async function verifyDatabase(): Promise<IntegrityResult> {
    let latest: BackupLatest;
    try {
      latest = await desktop.backup.latest();
    } catch (error) {
      latest = { state: 'unreadable', reason: `backup:latest failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500) };
    }
    const result = await verifyOrRestore(db, latest, newId);
    if (result.state === 'unverified') {
      unverified = result.reason;
      if (result.reason !== lastUnverified) log('error', `database check: backups unreadable (${result.reason}); the database is kept as it is and checked again every minute`);
      lastUnverified = result.reason;
      report({ backup: 'unverified', reason: result.reason });
      return result;
    }
    unverified = null;
    lastUnverified = null;
    report({ backup: 'verified', reason: null });
    if (result.state === 'restored') log('warn', `local database restored from backup (${result.restoredRows} rows)`);
    if (result.keep) {
      const file = result.keep;
      await desktop.backup.keep({ file }).catch((error: unknown) => log('error', `backup ${file} could not be kept: ${String(error)}`));
    }
    return result;
  }

  async function reportActivity(): Promise<void> {
    const kind = playback.current();
    const wantAwake = kind === 'recorded';
    if (wantAwake !== awake) {
      awake = wantAwake;
      await desktop.power.keepAwake({ on: wantAwake, reason: RECORDED_REASON });
    }
    await desktop.activity.set({ lessonInProgress: await lessonInProgress(db, now()), playback: kind });
  }

  async function minute(): Promise<void> {
    if (unverified !== null) await verifyDatabase();
    await reportActivity();
    if (unverified !== null) return;
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
    verifyDatabase,
    start(): void {
      errors.addEventListener('error', onError);
      errors.addEventListener('unhandledrejection', onError);
      const run = () => void minute().catch((error: unknown) => log('warn', `shell services: ${String(error)}`));
      // A recording starting or stopping is told to main at once, not at the next minute.
      unsubscribe = playback.subscribe(() => void reportActivity().catch((error: unknown) => log('warn', `playback activity: ${String(error)}`)));
      run();
      timer = setInterval(run, 60_000);
    },
    backupNow,
    stop(): void {
      if (timer) clearInterval(timer);
      unsubscribe();
      errors.removeEventListener('error', onError);
      errors.removeEventListener('unhandledrejection', onError);
    },
  };
}

export type ShellServices = ReturnType<typeof createShellServices>;
