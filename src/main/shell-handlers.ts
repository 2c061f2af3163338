// The IPC handlers for the desktop shell: updates, backups, window mode and the local log. Dependencies are plain
// objects (update service, backup store, crash log), so the whole surface runs under Node in tests.
import type { IpcHandlers } from './ipc-dispatch.ts';
import type { BackupFileStore } from './backup/backup-file-store.ts';
import type { CrashLog } from './crash-log.ts';
import type { UpdateService } from './update/update-service.ts';

export type ShellChannel =
  | 'activity:set'
  | 'update:status'
  | 'update:check'
  | 'update:setChannel'
  | 'update:setWindows'
  | 'update:fromFolder'
  | 'backup:save'
  | 'backup:latest'
  | 'backup:keep'
  | 'window:setFullScreen'
  | 'log:write'
  | 'log:recent';

export type ShellDeps = {
  updates: Pick<UpdateService, 'status' | 'checkNow' | 'setChannel' | 'setWindows' | 'fromFolder' | 'setActivity'>;
  backups: Pick<BackupFileStore, 'save' | 'latest' | 'keep'>;
  window: { setFullScreen(on: boolean, kiosk: boolean): void };
  log: Pick<CrashLog, 'write' | 'recent'>;
};

export function createShellHandlers({ updates, backups, window, log }: ShellDeps): Pick<IpcHandlers, ShellChannel> {
  return {
    'activity:set': (activity) => {
      updates.setActivity(activity);
      return Promise.resolve(undefined);
    },
    'update:status': () => Promise.resolve(updates.status()),
    'update:check': () => Promise.resolve(updates.checkNow()),
    'update:setChannel': ({ channel }) => Promise.resolve(updates.setChannel(channel)),
    'update:setWindows': (windows) => Promise.resolve(updates.setWindows(windows)),
    'update:fromFolder': async ({ path }) => {
      const result = await updates.fromFolder(path);
      await log.write({ level: result.ok ? 'info' : 'warn', source: 'updater', message: result.ok ? `folder release ${result.version} verified` : `folder release refused: ${result.reason}`, detail: result.ok ? undefined : result.detail });
      return result;
    },
    'backup:save': (snapshot) => backups.save(snapshot),
    'backup:latest': async () => {
      const latest = await backups.latest();
      if (latest.state === 'unreadable') await log.write({ level: 'error', message: `backups unreadable: ${latest.reason}` });
      return latest;
    },
    'backup:keep': async ({ file }) => {
      await backups.keep(file);
      await log.write({ level: 'info', message: `backup ${file} kept: the database matched or was restored from it` });
      return undefined;
    },
    'window:setFullScreen': ({ on, kiosk }) => {
      window.setFullScreen(on, kiosk);
      return Promise.resolve(undefined);
    },
    'log:write': async (entry) => {
      await log.write({ ...entry, source: 'renderer' });
      return undefined;
    },
    'log:recent': async () => ({ text: await log.recent() }),
  };
}
