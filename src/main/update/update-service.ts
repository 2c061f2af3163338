// Everything main does about updates, behind the IPC handlers: the feed (the hub's /updates/<channel>/, verified and
// then served to electron-updater on loopback, or a verified USB folder served on loopback), the signature gate in front of electron-updater (verified-feed.ts), the
// policy-driven controller, and the activity the renderer reports. The adapter (electron-updater-port.ts) provides
// electron-updater; tests provide a stand-in.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Activity, FolderReleaseResult, UpdateChannel, UpdateStatus, UpdateWindows } from '../../shared/update-protocol.ts';
import { startFolderFeed, type LoopbackFeed } from './loopback-feed.ts';
import { manifestNameFor } from './release-manifest.ts';
import { createUpdateController, type UpdateControllerDeps } from './update-controller.ts';
import { withWindows } from './update-policy.ts';
import type { UpdateSettings } from './update-settings.ts';
import { verifyFolderRelease, type VerifiedRelease } from './usb-release.ts';
import { createVerifiedFeedUpdater, type RawFeedUpdater } from './verified-feed.ts';

export type UpdateServiceDeps = Omit<UpdateControllerDeps, 'updater'> & {
  /** electron-updater (or a stand-in); every check goes through the signature gate first. */
  updater: RawFeedUpdater;
  /** Fetches the feed's manifest and signature (Electron's net.fetch: the hub's pinned certificate applies). */
  fetch: typeof fetch;
  /** The publisher keys baked into this build (publisher-keys.ts). */
  trustedKeys: readonly string[];
  hubUrl: () => Promise<string | null>;
  /** Holds one folder per verification attempt; only the served one survives an attempt. */
  stagingDir: string;
  platform: NodeJS.Platform;
  /** Lets IT pick a folder (Electron's dialog); null when cancelled. */
  pickFolder: () => Promise<string | null>;
  /** Persists IT's choices (channel, windows); failures are logged by the caller, never block the change. */
  saveSettings?: (settings: UpdateSettings) => Promise<void>;
  /** A read from the folder that makes no progress for this long is refused as `read_timeout` (default 60 s). */
  folderStallMs?: number;
  /** Errors that must not stop anything but must be seen (a staging folder that cannot be removed). */
  onError?: (message: string) => void;
};

export function hubFeedUrl(hubUrl: string, channel: UpdateChannel): string {
  return `${hubUrl.replace(/\/+$/, '')}/updates/${channel}/`;
}

export function createUpdateService(deps: UpdateServiceDeps) {
  let channel = deps.channel;
  let config = deps.config;
  const persist = () => void deps.saveSettings?.({ channel, windows: controller.status().windows }).catch(() => undefined);
  const manifestName = manifestNameFor(deps.platform);
  const updater = createVerifiedFeedUpdater({ inner: deps.updater, fetch: deps.fetch, trustedKeys: deps.trustedKeys, currentVersion: deps.currentVersion, manifestName });
  let served: { feed: LoopbackFeed; release: VerifiedRelease } | null = null;
  let folderCheck: Promise<FolderReleaseResult> | null = null;
  let reported: Activity = { lessonInProgress: false, playback: 'none' };
  let held = false;
  // A player holding the display awake (power:keepAwake) counts as playback even if the renderer's report lags.
  const apply = () => controller.setActivity(held && reported.playback === 'none' ? { ...reported, playback: 'live' } : reported);
  const controller = createUpdateController({ ...deps, updater, channel });

  async function useHubFeed(): Promise<boolean> {
    const hub = await deps.hubUrl();
    if (!hub) return false; // not enrolled yet: nothing to ask
    updater.setFeedUrl(hubFeedUrl(hub, channel), 'hub');
    return true;
  }

  /** Removes every staging folder but the one being served (leftovers of refused or interrupted attempts). */
  async function sweepStaging(): Promise<void> {
    const keep = served?.release.dir;
    const names = await readdir(deps.stagingDir).catch(() => [] as string[]);
    for (const name of names) {
      const dir = join(deps.stagingDir, name);
      if (dir === keep) continue;
      await rm(dir, { recursive: true, force: true }).catch((error: unknown) => deps.onError?.(`cannot remove ${dir}: ${String(error)}`));
    }
  }

  async function verifyFolder(folder: string): Promise<FolderReleaseResult> {
    const check = await verifyFolderRelease(folder, deps.stagingDir, {
      manifestName,
      trustedKeys: deps.trustedKeys,
      currentVersion: deps.currentVersion,
      stallMs: deps.folderStallMs ?? 60_000,
    });
    if (!check.ok) return { ok: false, reason: check.reason, detail: check.detail };
    // Only now is the previous release replaced: a refused folder never touches what is served.
    const feed = await startFolderFeed(check.release);
    const previous = served;
    served = { feed, release: check.release };
    updater.setFeedUrl(feed.url, 'loopback');
    controller.setSource('folder');
    controller.checkSoon();
    await previous?.feed.close();
    return { ok: true, version: check.release.manifest.version, files: check.release.files };
  }

  async function runFolderCheck(folder: string): Promise<FolderReleaseResult> {
    controller.setFolderCheck({ verifyingFolder: true });
    let result: FolderReleaseResult;
    try {
      result = await verifyFolder(folder);
    } catch (error) {
      // Not a refusal we named (a bug, or the loopback port could not open): still a named failure, nothing served changes.
      result = { ok: false, reason: 'read_error', detail: error instanceof Error ? error.message.slice(0, 500) : String(error) };
    }
    await sweepStaging();
    const refused = result.ok ? null : { reason: result.reason, detail: result.detail, source: 'folder' as const, at: deps.now().toISOString() };
    controller.setFolderCheck({ verifyingFolder: false, refused });
    return result;
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
    /** One folder at a time: a second request while one is verified is refused as `busy`. */
    async fromFolder(path: string | null): Promise<FolderReleaseResult> {
      if (folderCheck) return { ok: false, reason: 'busy', detail: 'another folder is being verified' };
      const folder = path ?? (await deps.pickFolder());
      if (!folder) return { ok: false, reason: 'cancelled', detail: 'no folder chosen' };
      if (folderCheck) return { ok: false, reason: 'busy', detail: 'another folder is being verified' };
      folderCheck = runFolderCheck(folder);
      try {
        return await folderCheck;
      } finally {
        folderCheck = null;
      }
    },
    /** The loopback address serving the verified folder release, if any (for the IT page and tests). */
    servedFeedUrl: (): string | null => served?.feed.url ?? null,
    onQuit: () => controller.onQuit(),
    async close(): Promise<void> {
      await updater.close();
      await served?.feed.close();
      served = null;
    },
  };
}

export type UpdateService = ReturnType<typeof createUpdateService>;
