// The shell half of DesktopApi for a plain browser: updates are Electron's job (reported as unsupported), backups and
// the log live in localStorage (best effort), full screen uses the Fullscreen API.
import { BackupSnapshot, type BackupLatest, type UpdateStatus } from '../../shared/update-protocol.ts';
import type { DesktopApi } from '../../shared/ipc.ts';

const BACKUP_KEY = 'ykt.backup';
const LOG_KEY = 'ykt.log';
const MAX_LOG_CHARS = 100_000;

export function createBrowserShell(storage: Storage, version: string): Pick<DesktopApi, 'activity' | 'update' | 'backup' | 'window' | 'log'> {
  const status = (): UpdateStatus => ({
    phase: 'unsupported',
    channel: 'latest',
    currentVersion: version,
    availableVersion: null,
    waitingFor: null,
    lastCheckAt: null,
    source: 'hub',
    error: null,
    refused: null,
    verifyingFolder: false,
    windows: { download: null, quiet: { start: '21:00', end: '06:00' } },
  });
  return {
    activity: { set: () => Promise.resolve(undefined) },
    update: {
      status: () => Promise.resolve(status()),
      check: () => Promise.resolve(status()),
      setChannel: () => Promise.resolve(status()),
      setWindows: () => Promise.resolve(status()),
      fromFolder: () => Promise.resolve({ ok: false, reason: 'unsupported', detail: 'browser build: updates come with the web page' }),
    },
    backup: {
      save: (snapshot) => {
        const text = JSON.stringify(BackupSnapshot.parse(snapshot));
        storage.setItem(BACKUP_KEY, text); // throws QuotaExceededError when too big: the caller reports it
        return Promise.resolve({ file: `localStorage:${BACKUP_KEY}`, bytes: text.length });
      },
      latest: (): Promise<BackupLatest> => {
        let text: string | null;
        try {
          text = storage.getItem(BACKUP_KEY);
        } catch (error) {
          // Storage refused (blocked, or a failing disk): not "no backup" — the app must not take itself for new.
          return Promise.resolve({ state: 'unreadable', reason: `localStorage: ${error instanceof Error ? error.name : String(error)}` });
        }
        if (text === null) return Promise.resolve({ state: 'none' });
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          // damaged: as good as none (one slot, nothing older to fall back to)
        }
        const parsed = BackupSnapshot.safeParse(json);
        return Promise.resolve(parsed.success ? { state: 'found', file: `localStorage:${BACKUP_KEY}`, snapshot: parsed.data } : { state: 'none' });
      },
      // One slot, overwritten only by backups of a verified database: nothing to pin.
      keep: () => Promise.resolve(undefined),
    },
    window: {
      setFullScreen: async ({ on }) => {
        if (on && !document.fullscreenElement) await document.documentElement.requestFullscreen().catch(() => undefined);
        if (!on && document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
        return undefined;
      },
    },
    log: {
      write: ({ level, message, detail }) => {
        const line = JSON.stringify({ at: new Date().toISOString(), source: 'renderer', level, message, detail });
        const text = `${storage.getItem(LOG_KEY) ?? ''}${line}\n`;
        try {
          storage.setItem(LOG_KEY, text.length > MAX_LOG_CHARS ? text.slice(text.indexOf('\n', text.length - MAX_LOG_CHARS) + 1) : text);
        } catch {
          // a full localStorage must not turn logging into an error
        }
        return Promise.resolve(undefined);
      },
      recent: () => Promise.resolve({ text: storage.getItem(LOG_KEY) ?? '' }),
    },
  };
}
