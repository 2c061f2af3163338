// Everything main does about updates, behind the IPC handlers: the feed (the hub's /updates/<channel>/ or a verified
// USB folder served on loopback), the policy-driven controller, and the activity the renderer reports. The adapter
// (electron-update-adapter.ts) provides an UpdaterPort over electron-updater; tests provide a stand-in.
import type { Activity, FolderReleaseResult, UpdateChannel, UpdateStatus, UpdateWindows } from '../../shared/update-protocol.ts';
import { startLoopbackFeed, type LoopbackFeed } from './loopback-feed.ts';
import { createUpdateController, type UpdateControllerDeps, type UpdaterPort } from './update-controller.ts';
import { withWindows } from './update-policy.ts';
import type { UpdateSettings } from './update-settings.ts';
import { manifestNameFor, verifyFolderRelease } from './usb-release.ts';

export type FeedUpdaterPort = UpdaterPort & { setFeedUrl(url: string): void };

export type UpdateServiceDeps = Omit<UpdateControllerDeps, 'updater'> & {
  updater: FeedUpdaterPort;
  hubUrl: () => Promise<string | null>;
  stagingDir: string;
  platform: NodeJS.Platform;
  /** Lets IT pick a folder (Electron's dialog); null when cancelled. */
  pickFolder: () => Promise<string | null>;
  /** Persists IT's choices (channel, windows); failures are logged by the caller, never block the change. */
  saveSettings?: (settings: UpdateSettings) => Promise<void>;
};

export function hubFeedUrl(hubUrl: string, channel: UpdateChannel): string {
  return `${hubUrl.replace(/\/+$/, '')}/updates/${channel}/`;
}

export function createUpdateService(deps: UpdateServiceDeps) {
  let channel = deps.channel;
  let config = deps.config;
  const persist = () => void deps.saveSettings?.({ channel, windows: controller.status().windows }).catch(() => undefined);
  let loopback: LoopbackFeed | null = null;
  let reported: Activity = { lessonInProgress: false, playback: 'none' };
  let held = false;
  // A player holding the display awake (power:keepAwake) counts as playback even if the renderer's report lags.
  const apply = () => controller.setActivity(held && reported.playback === 'none' ? { ...reported, playback: 'live' } : reported);
  const controller = createUpdateController({ ...deps, channel });

  async function useHubFeed(): Promise<boolean> {
    const hub = await deps.hubUrl();
    if (!hub) return false; // not enrolled yet: nothing to ask
    deps.updater.setFeedUrl(hubFeedUrl(hub, channel));
    return true;
  }

  return {
    controller,
    /** Called every minute by the adapter. */
    async tick(): Promise<void> {
      if (controller.status().source === 'hub' && !(await useHubFeed())) return;
      await controller.tick();
    },
    status: (): UpdateStatus => ({ ...controller.status(), channel }),
    setActivity(activity: Activity): void {
      reported = activity;
      apply();
    },
    setPlaybackHeld(on: boolean): void {
      held = on;
      apply();
    },
    checkNow(): UpdateStatus {
      controller.checkSoon();
      return { ...controller.status(), channel };
    },
    setChannel(next: UpdateChannel): UpdateStatus {
      channel = next;
      controller.setSource('hub');
      controller.checkSoon();
      persist();
      return { ...controller.status(), channel };
    },
    setWindows(windows: UpdateWindows): UpdateStatus {
      config = withWindows(config, windows);
      controller.setConfig(config);
      persist();
      return { ...controller.status(), channel };
    },
    async fromFolder(path: string | null): Promise<FolderReleaseResult> {
      const folder = path ?? (await deps.pickFolder());
      if (!folder) return { ok: false, reason: 'cancelled', detail: 'no folder chosen' };
      const check = await verifyFolderRelease(folder, deps.stagingDir, manifestNameFor(deps.platform));
      if (!check.ok) return { ok: false, reason: check.reason, detail: check.detail };
      await loopback?.close();
      loopback = await startLoopbackFeed(check.release);
      deps.updater.setFeedUrl(loopback.url);
      controller.setSource('folder');
      controller.checkSoon();
      return { ok: true, version: check.release.manifest.version, files: check.release.files };
    },
    onQuit: () => controller.onQuit(),
    async close(): Promise<void> {
      await loopback?.close();
      loopback = null;
    },
  };
}

export type UpdateService = ReturnType<typeof createUpdateService>;
