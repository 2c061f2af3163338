// Thin adapter: electron-updater behind the port the update service drives. Nothing here decides anything: the policy
// (update-policy.ts) decides when, and verified-feed.ts lets a check through only after it verified the feed's
// signature, then compares what electron-updater read with what it verified. Type-checked in CI, exercised only on a
// machine with Electron (see README).
import { autoUpdater, CancellationToken } from 'electron-updater';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CrashLog } from './crash-log.ts';
import { stagingUserIdFor } from './update/update-policy.ts';
import type { RawFeedUpdater } from './update/verified-feed.ts';

/**
 * electron-updater places the device in a staged rollout by the UUID in `<userData>/.updaterId`; write one derived from
 * the device id so the bucket is stable across reinstalls and known to the hub.
 */
export async function ensureStagingId(userDataDir: string, deviceId: string): Promise<void> {
  const file = join(userDataDir, '.updaterId');
  const wanted = stagingUserIdFor(deviceId);
  if ((await readFile(file, 'utf8').catch(() => '')) === wanted) return;
  await mkdir(userDataDir, { recursive: true });
  await writeFile(file, wanted, 'utf8');
}

export function createElectronUpdaterPort(log: CrashLog): RawFeedUpdater {
  // The policy decides when to download and install; electron-updater must never do either on its own.
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.allowDowngrade = false;
  autoUpdater.logger = {
    info: (m: unknown) => void log.write({ level: 'info', source: 'updater', message: String(m) }),
    warn: (m: unknown) => void log.write({ level: 'warn', source: 'updater', message: String(m) }),
    error: (m: unknown) => void log.write({ level: 'error', source: 'updater', message: String(m) }),
  };
  let token: CancellationToken | null = null;
  let feed = '';
  return {
    setFeedUrl(url) {
      if (url === feed) return;
      feed = url;
      autoUpdater.setFeedURL({ provider: 'generic', url });
    },
    async check() {
      const result = await autoUpdater.checkForUpdates();
      // isUpdateAvailable is false when the release's stagingPercentage does not reach this device.
      if (!result?.isUpdateAvailable) return null;
      const { version, files } = result.updateInfo;
      return { version, files: files.map((f) => ({ url: f.url, sha512: f.sha512, ...(f.size === undefined ? {} : { size: f.size }) })) };
    },
    async download() {
      token = new CancellationToken();
      try {
        await autoUpdater.downloadUpdate(token);
      } finally {
        token = null;
      }
    },
    cancelDownload() {
      token?.cancel();
    },
    install() {
      // Silent installer, restart the app afterwards.
      autoUpdater.quitAndInstall(true, true);
    },
  };
}
