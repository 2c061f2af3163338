// Applies update-policy.ts to an updater (electron-updater in electron-update-adapter.ts, a stand-in in tests). The
// adapter calls tick() every minute and onQuit() when the app is closing; the renderer reports activity over IPC.
import type { UpdateChannel, UpdateStatus } from '../../shared/update-protocol.ts';
import { ReleaseRefusedError } from './release-manifest.ts';
import { canDownload, canInstall, localMinuteOfDay, shouldCheck, windowsOf, type Activity, type UpdatePolicyConfig } from './update-policy.ts';

export type UpdaterPort = {
  /** Asks the feed; resolves to the newer version this device may take (rollout applied), or null. */
  check(): Promise<{ version: string } | null>;
  /** Downloads (differentially where a blockmap allows); rejects when cancelled. */
  download(): Promise<void>;
  cancelDownload(): void;
  /** Quits and runs the installer silently, then restarts the app. */
  install(): void;
};

export type UpdateControllerDeps = {
  updater: UpdaterPort;
  config: UpdatePolicyConfig;
  currentVersion: string;
  channel: UpdateChannel;
  now: () => Date;
  /** Saves the renderer's outbox and notes before anything is installed; false = do not install now. */
  backupBeforeInstall: () => Promise<boolean>;
  onStatus?: (status: UpdateStatus) => void;
};

export function createUpdateController(deps: UpdateControllerDeps) {
  const { updater, now } = deps;
  let config = deps.config;
  let activity: Activity = { lessonInProgress: false, playback: 'none' };
  let lastCheckMs: number | null = null;
  let busy = false;
  let status: UpdateStatus = {
    phase: 'idle',
    channel: deps.channel,
    currentVersion: deps.currentVersion,
    availableVersion: null,
    waitingFor: null,
    lastCheckAt: null,
    source: 'hub',
    error: null,
    refused: null,
    verifyingFolder: false,
    windows: windowsOf(config),
  };

  function set(patch: Partial<UpdateStatus>) {
    status = { ...status, ...patch };
    deps.onStatus?.(status);
  }

  /** A release the trust checks refused is never offered: back to idle, with the named reason for the 管理员 page. */
  function refuse(error: ReleaseRefusedError) {
    set({ phase: 'idle', availableVersion: null, waitingFor: null, refused: { reason: error.reason, detail: error.detail.slice(0, 500), source: status.source, at: now().toISOString() } });
  }

  async function install(): Promise<boolean> {
    // The backup must be on disk before the installer may touch anything.
    if (!(await deps.backupBeforeInstall())) {
      set({ error: 'backup failed; install postponed' });
      return false;
    }
    set({ phase: 'installing' });
    updater.install();
    return true;
  }

  async function step(): Promise<void> {
    const minute = localMinuteOfDay(now());
    if (status.phase !== 'downloaded' && status.phase !== 'available' && shouldCheck(now().getTime(), lastCheckMs, config)) {
      lastCheckMs = now().getTime();
      set({ phase: 'checking', lastCheckAt: now().toISOString(), error: null });
      let found: { version: string } | null;
      try {
        found = await updater.check();
      } catch (error) {
        if (!(error instanceof ReleaseRefusedError)) throw error;
        return refuse(error);
      }
      set({ phase: found ? 'available' : 'idle', availableVersion: found?.version ?? null, refused: null });
    }
    if (status.phase === 'available') {
      const decision = canDownload(minute, activity, config);
      if (!decision.ok) return set({ waitingFor: decision.reason });
      set({ phase: 'downloading', waitingFor: null });
      try {
        await updater.download();
        set({ phase: 'downloaded' });
      } catch (error) {
        if (error instanceof ReleaseRefusedError) return refuse(error);
        // Cancelled because a lesson started, or the link dropped: try again on a later tick.
        set({ phase: 'available', error: error instanceof Error ? error.message.slice(0, 500) : 'download failed' });
        return;
      }
    }
    if (status.phase === 'downloaded') {
      const decision = canInstall('running', localMinuteOfDay(now()), true, activity, config);
      if (!decision.ok) return set({ waitingFor: decision.reason });
      set({ waitingFor: null });
      await install();
    }
  }

  return {
    status: () => status,
    /** One scheduling step; overlapping ticks are skipped (one update action at a time). */
    async tick(): Promise<void> {
      if (busy || status.phase === 'installing') return;
      busy = true;
      try {
        await step();
      } catch (error) {
        set({ phase: 'error', error: error instanceof Error ? error.message.slice(0, 500) : String(error) });
        // An error phase must not stop future checks: fall back to idle so the next interval retries.
        status = { ...status, phase: 'idle' };
      } finally {
        busy = false;
      }
    },
    setActivity(next: Activity): void {
      activity = next;
      // A lesson starting stops a background download at once; it resumes (differentially) after the lesson.
      if (status.phase === 'downloading' && !canDownload(localMinuteOfDay(now()), activity, config).ok) updater.cancelDownload();
    },
    /** Forces the next tick to check (IT pressed 检查更新, or the feed changed). */
    checkSoon(): void {
      lastCheckMs = null;
      if (status.phase === 'available' || status.phase === 'error') status = { ...status, phase: 'idle' };
    },
    setConfig(next: UpdatePolicyConfig): void {
      config = next;
      set({ windows: windowsOf(config) });
    },
    setSource(source: UpdateStatus['source']): void {
      set({ source });
    },
    /** A folder verification started or ended; a refused folder is named like a refused feed. */
    setFolderCheck(patch: Pick<UpdateStatus, 'verifyingFolder'> & Partial<Pick<UpdateStatus, 'refused'>>): void {
      set(patch);
    },
    /** At quit: install if something is downloaded and nothing plays. Returns whether the installer was started. */
    async onQuit(): Promise<boolean> {
      const decision = canInstall('quit', localMinuteOfDay(now()), status.phase === 'downloaded', activity, config);
      if (!decision.ok) return false;
      return install();
    },
  };
}

export type UpdateController = ReturnType<typeof createUpdateController>;
