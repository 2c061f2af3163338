// Keeps the local DB in step with the hub without user action: syncs at start, on a heartbeat, when the browser says
// it is back online, and retries with the shared jittered backoff (2 s → 30 s, ×0.5–1.5) while the hub is unreachable.
import { backoffMs } from '../../shared/backoff.ts';
import type { SyncStatus } from '../stores/sync-status-store.ts';
import { HubRequestError, isRefusal } from './hub-client.ts';

export type SyncLoopDeps = {
  syncOnce: () => Promise<void>;
  report: (patch: Partial<SyncStatus>) => void;
  now: () => Date;
  heartbeatMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

export type SyncLoop = {
  start(): void;
  stop(): void;
  syncNow(): Promise<void>;
  /** The hub refused this device or app for good (seen by any hub call, sync or content): say so, stop retrying. */
  refuse(error: HubRequestError): void;
};

export function createSyncLoop(deps: SyncLoopDeps): SyncLoop {
  const {
    syncOnce,
    report,
    now,
    heartbeatMs = 60_000,
    retryMinMs = 2_000,
    retryMaxMs = 30_000,
    random = Math.random,
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  } = deps;
  let timer: unknown = null;
  let failures = 0;
  let running: Promise<void> | null = null;
  let stopped = true;

  function schedule(ms: number) {
    if (stopped) return;
    if (timer !== null) clearTimer(timer);
    timer = setTimer(() => void run(), ms);
  }

  async function attempt(): Promise<void> {
    report({ phase: 'syncing' });
    try {
      await syncOnce();
      failures = 0;
      report({ phase: 'synced', lastSyncAt: now().toISOString(), lastError: null });
      schedule(heartbeatMs);
    } catch (error) {
      failures++;
      if (isRefusal(error)) return refuse(error);
      const lastError =
        error instanceof HubRequestError
          ? { code: error.reason, detail: error.message }
          : { code: 'internal' as const, detail: error instanceof Error ? error.message : String(error) };
      report({ phase: lastError.code === 'network' ? 'offline' : 'error', lastError });
      // A hub that said when to come back (rate_limited, overloaded) is not asked sooner.
      const hubSays = error instanceof HubRequestError ? (error.retryAfterMs ?? 0) : 0;
      schedule(Math.max(backoffMs(failures, random, { minMs: retryMinMs, maxMs: retryMaxMs }), hubSays));
    }
  }

  function refuse(error: HubRequestError) {
    // Retrying cannot help: IT must re-enroll (revoked), or the app or the hub must be updated. Cached data stays
    // readable. Drop any pending heartbeat too (this attempt may have been a manual syncNow while one was scheduled).
    if (timer !== null) clearTimer(timer);
    timer = null;
    const revoked = error.reason === 'device_revoked' || error.reason === 'unauthorized';
    report({ phase: revoked ? 'revoked' : 'error', lastError: { code: error.reason, detail: error.message } });
  }

  /** One sync at a time: a second caller waits for the running one. */
  function run(): Promise<void> {
    running ??= attempt().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    start() {
      stopped = false;
      void run();
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
    syncNow: run,
    refuse,
  };
}
