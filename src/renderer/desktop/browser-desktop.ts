// DesktopApi for a plain browser (Chromium in tests, or `npm start` without the Electron binary). Same contract as the
// Electron preload, backed by web platform features, and validated the same way so both builds behave alike.
import { DeviceIdentity, type AppInfo, type DesktopApi } from '../../shared/ipc.ts';
import { createBrowserShell } from './browser-shell.ts';

const IDENTITY_KEY = 'ykt.identity';

type WakeLockSentinelLike = { release(): Promise<void> };
type NavigatorWithWakeLock = Navigator & { wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> } };

export function createBrowserDesktop(storage: Storage, version: string): DesktopApi {
  let wakeLock: WakeLockSentinelLike | null = null;
  return {
    identity: {
      get: () => {
        const raw = storage.getItem(IDENTITY_KEY);
        if (!raw) return Promise.resolve(null);
        try {
          const parsed = DeviceIdentity.safeParse(JSON.parse(raw));
          return Promise.resolve(parsed.success ? parsed.data : null);
        } catch {
          return Promise.resolve(null);
        }
      },
      set: (identity) => {
        storage.setItem(IDENTITY_KEY, JSON.stringify(DeviceIdentity.parse(identity)));
        return Promise.resolve(undefined);
      },
      clear: () => {
        storage.removeItem(IDENTITY_KEY);
        return Promise.resolve(undefined);
      },
    },
    hub: {
      // A browser verifies https itself (its own trust store); it cannot pin a self-signed county certificate.
      pinCertificate: () => Promise.resolve({ ok: false, reason: 'unsupported', detail: 'the browser build relies on the browser\'s own certificate check' }),
      certStatus: () => Promise.resolve({ pinned: null, lastRefusal: null }),
    },
    app: {
      info: (): Promise<AppInfo> =>
        Promise.resolve({ version, shell: 'browser', platform: navigator.platform, versions: { userAgent: navigator.userAgent } }),
    },
    power: {
      keepAwake: async ({ on }) => {
        // Wake Lock is best effort in a browser; Electron uses powerSaveBlocker instead.
        const nav = navigator as NavigatorWithWakeLock;
        if (on && !wakeLock && nav.wakeLock) wakeLock = await nav.wakeLock.request('screen').catch(() => null);
        if (!on && wakeLock) {
          await wakeLock.release().catch(() => undefined);
          wakeLock = null;
        }
        return undefined;
      },
    },
    // A browser cannot listen for multicast DNS: the edge's address is typed on the 管理员 page.
    edge: { discover: () => Promise.resolve({ edges: [] }) },
    ...createBrowserShell(storage, version),
  };
}
