// The download manager: fetches what the timetable needs, next lessons first, as verified chunks over as many byte
// ranges in flight as pay on this link (download-run.ts, concurrency-controller.ts). Only verified chunks count, and
// the received part of every chunk in flight is saved as it comes, so after a network loss, a crash or a power cut it
// resumes from the very byte it had. It retries with backoff, keeps to a bandwidth cap and to download hours (unless
// told "download now"), and stands aside while a live lesson plays. Every hub call goes through the one hub client.
import { createSHA256 } from 'hash-wasm';
import type { AppDb } from '../db/app-db.ts';
import { dropParts } from '../db/chunk-parts-repo.ts';
import type { ContentFileRow } from '../db/content-rows.ts';
import type { ReceivedPacks } from '../../shared/content-protocol.ts';
import { evictionCandidates, evictPacks, resetFile, setFileState } from '../db/content-repo.ts';
import { HubRequestError, isRefusal, type HubClient } from '../sync/hub-client.ts';
import { createConcurrencyController, type ControllerOptions } from './concurrency-controller.ts';
import { backoffMs, inDownloadHours, priorityOrder, type DownloadHours } from './download-policy.ts';
import { runDownloads } from './download-run.ts';
import { planEviction } from './eviction-policy.ts';
import { abortableSleep, createTokenBucket } from './token-bucket.ts';

/** Live lessons announce themselves here (wired to live/ when it exists); while live, downloads pause. */
export type LiveEvents = { subscribe(listener: (live: boolean) => void): () => void };

export type FileProgress = { sha256: string; doneBytes: number; totalBytes: number; bytesPerSecond: number; secondsLeft: number | null };
export type DownloadStatus = {
  phase: 'idle' | 'downloading' | 'waiting-hours' | 'paused-live' | 'offline' | 'stopped';
  current: FileProgress | null;
  /** `inFlight`: the ranges in flight the controller settled on (diagnostics). */
  counters: { chunksFetched: number; corruptChunks: number; retries: number; bytesReceived: number; inFlight: number };
  lastError: string | null;
};

export type DownloadManagerDeps = {
  db: AppDb;
  hub: Pick<HubClient, 'packs' | 'blobRange'>;
  /** Checks the hub's pack list (signatures, hub-pack-gate.ts) and stores what passes; returns a problem to show. */
  storePackList: (response: ReceivedPacks) => Promise<string | null>;
  now: () => Date;
  /** Monotonic milliseconds (goodput, stalls, checkpoints). */
  clock?: () => number;
  /** Bounds and pace of the in-flight search (tests pin it, e.g. { max: 2 }). */
  concurrency?: Partial<ControllerOptions>;
  maxBytesPerSecond?: number | null;
  hours?: DownloadHours | null;
  liveEvents?: LiveEvents;
  refreshEveryMs?: number;
  maxAttempts?: number;
  report?: (status: DownloadStatus) => void;
};

/** A full disk is the one storage error a teacher can act on: say so plainly (the UI maps it to zh-CN). */
export function quotaAware(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const inner = (error as { inner?: { name?: string } } | null)?.inner?.name;
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') return 'quota_exceeded';
  return error instanceof Error ? error.message : String(error);
}

/** One line for the status: the hub client's named reason first. */
const describe = (error: unknown) =>
  error instanceof HubRequestError ? `${error.reason}: ${error.message}` : error instanceof Error ? error.message : String(error);

/** How often progress is reported while bytes arrive. */
const PROGRESS_EVERY_MS = 200;

export function createDownloadManager(deps: DownloadManagerDeps) {
  const { db, now } = deps;
  const clock = deps.clock ?? (() => performance.now());
  const bucket = createTokenBucket(deps.maxBytesPerSecond ?? null, clock);
  // One controller for the manager's life: what it learnt about the link carries over to the next round.
  const controller = createConcurrencyController(deps.concurrency);
  let capped = deps.maxBytesPerSecond != null;
  let hours = deps.hours ?? null;
  let override = false;
  let live = false;
  let running = false;
  let stopped = false;
  let refused = false;
  let inFlight: AbortController | null = null;
  let lastProgressAt = -Infinity;
  let listProblem: string | null = null;
  let wakeUp: (() => void) | null = null;
  const status: DownloadStatus = {
    phase: 'idle',
    current: null,
    counters: { chunksFetched: 0, corruptChunks: 0, retries: 0, bytesReceived: 0, inFlight: controller.limit() },
    lastError: null,
  };
  const report = (patch: Partial<DownloadStatus>) => {
    Object.assign(status, patch);
    status.counters.inFlight = controller.limit();
    deps.report?.({ ...status, counters: { ...status.counters } });
  };

  const allowed = () => !stopped && !refused && !live && (override || inDownloadHours(now(), hours));
  const interrupt = () => inFlight?.abort(new DOMException('paused', 'AbortError'));
  const wake = () => wakeUp?.();
  const unsubscribeLive = deps.liveEvents?.subscribe((isLive) => {
    live = isLive;
    if (isLive) interrupt(); // give the live lesson the whole link at once; what arrived so far is kept
    wake();
  });

  function idle(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function refreshListing() {
    const problem = await deps.storePackList(await deps.hub.packs());
    // Shown until a later list is taken without it (other errors are not cleared by a good list).
    if (problem !== null || (listProblem !== null && status.lastError === listProblem)) report({ lastError: problem });
    listProblem = problem;
  }

  async function filesInOrder(): Promise<ContentFileRow[]> {
    const pending = await db.contentFiles.where('state').anyOf('queued', 'failed').toArray();
    const links = await db.lessonPacks.toArray();
    const packs = new Map((await db.packs.toArray()).map((p) => [p.id, p]));
    const lessons = new Map((await db.lessons.toArray()).map((l) => [l.id, Date.parse(l.startsAt)]));
    const needs = pending.map((f) => ({
      sha256: f.sha256,
      lessonStarts: links
        .filter((l) => packs.get(l.packId)?.manifest.files.some((pf) => pf.sha256 === f.sha256))
        .map((l) => lessons.get(l.lessonId))
        .filter((s): s is number => s !== undefined),
    }));
    const bySha = new Map(pending.map((f) => [f.sha256, f]));
    return priorityOrder(needs, now().getTime()).map((s) => bySha.get(s)).filter((f): f is ContentFileRow => f !== undefined);
  }

  /** Whole-file SHA-256 over the stored chunks, in order: the last word before a file counts as cached. */
  async function verifyWhole(file: ContentFileRow): Promise<boolean> {
    const hasher = await createSHA256();
    hasher.init();
    for (let i = 0; i < file.chunks.length; i++) {
      const row = await db.contentChunks.get([file.sha256, i]);
      if (!row) return false;
      hasher.update(new Uint8Array(await row.data.arrayBuffer()));
    }
    return hasher.digest('hex') === file.sha256;
  }

  /** After the last chunk: the whole-file hash decides whether the file counts as cached. */
  async function finishFile(file: ContentFileRow): Promise<boolean> {
    if (await verifyWhole(file)) {
      await setFileState(db, file.sha256, 'complete');
      return true;
    }
    // Every chunk matched its hash but the whole does not: the manifest itself is inconsistent. Start over, loudly.
    await resetFile(db, file.sha256, 'failed');
    await dropParts(db, file.sha256);
    report({ lastError: `whole-file SHA-256 mismatch for ${file.sha256.slice(0, 12)}` });
    return false;
  }

  async function downloadFiles(files: ContentFileRow[]): Promise<{ done: number; paused: boolean; diskFull: boolean }> {
    const controllerSignal = new AbortController();
    inFlight = controllerSignal;
    const result = await runDownloads(files, {
      db,
      hub: deps.hub,
      controller,
      clock,
      counters: status.counters,
      signal: controllerSignal.signal,
      pace: (bytes, signal) => bucket.take(bytes, signal),
      throttled: () => capped,
      sleep: abortableSleep,
      backoffMs,
      maxAttempts: deps.maxAttempts ?? 8,
      finishFile,
      progress: (file, doneBytes, rate) => {
        // Bytes arrive in reads of a few kilobytes on up to ten connections, often of two files at once: a status (and
        // a render of every screen that shows it) per read is dozens a second the page does not need.
        const at = clock();
        if (at - lastProgressAt < PROGRESS_EVERY_MS) return;
        lastProgressAt = at;
        const left = file.size - doneBytes;
        report({ phase: 'downloading', current: { sha256: file.sha256, doneBytes, totalBytes: file.size, bytesPerSecond: rate, secondsLeft: rate > 0 ? left / rate : null } });
      },
      onError: (error) => report({ lastError: describe(error) }),
    });
    inFlight = null;
    for (const [sha256, failure] of result.failures) await setFileState(db, sha256, 'failed', failure);
    if (isRefusal(result.fatal)) refused = true; // the hub client has told the session; nothing to retry
    const fatal = result.fatal === null ? null : quotaAware(result.fatal) === 'quota_exceeded' ? 'quota_exceeded' : describe(result.fatal);
    if (fatal !== null || result.failures.size > 0) report({ lastError: fatal ?? [...result.failures.values()][0] ?? null });
    return { done: result.done, paused: controllerSignal.signal.aborted && result.fatal === null, diskFull: fatal === 'quota_exceeded' };
  }

  /**
   * Disk full: evict least recently used packs not needed in the next days and not pinned, enough for what is queued.
   * Returns whether anything was freed; if not enough could be, the quota message stays up with nothing lost.
   */
  async function makeRoom(queue: ContentFileRow[]): Promise<boolean> {
    const needBytes = queue.reduce((sum, f) => sum + f.size - f.doneBytes, 0);
    const plan = planEviction({ packs: await evictionCandidates(db), needBytes, freeBytes: 0, now: now().getTime() });
    if (plan.evict.length > 0) await evictPacks(db, plan.evict);
    report({ lastError: plan.shortfallBytes > 0 ? 'quota_exceeded' : null });
    return plan.freedBytes > 0;
  }

  async function loop() {
    let failures = 0;
    while (!stopped) {
      if (refused) break;
      if (!allowed()) {
        report({ phase: stopped ? 'stopped' : live ? 'paused-live' : 'waiting-hours', current: null });
        await idle(60_000);
        continue;
      }
      try {
        await refreshListing();
        failures = 0;
      } catch (error) {
        failures++;
        if (isRefusal(error)) refused = true;
        report({ phase: 'offline', lastError: describe(error) });
      }
      let queue: ContentFileRow[] = [];
      let progressed = false;
      try {
        queue = await filesInOrder();
        if (queue.length > 0 && allowed()) {
          const before = status.counters.bytesReceived;
          const result = await downloadFiles(queue);
          progressed = result.done > 0 || status.counters.bytesReceived > before;
          if (result.diskFull) progressed = (await makeRoom(queue)) || progressed;
        }
      } catch (error) {
        // IndexedDB trouble (quota, a closed database): report, back off, never crash the loop.
        if (stopped) break;
        report({ lastError: quotaAware(error) });
      }
      if (stopped) break;
      if (!allowed()) continue;
      if (queue.length === 0) {
        report({ phase: 'idle', current: null });
        override = false; // "download now" lasts until everything needed is here
        await idle(deps.refreshEveryMs ?? 5 * 60_000);
      } else if (!progressed) {
        await idle(backoffMs(++failures));
      }
    }
    // Refused by the hub (revoked device, protocol mismatch): the session shows why; a new identity makes a new manager.
    report({ phase: 'stopped', current: null });
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopped = false;
      void loop().finally(() => (running = false));
    },
    /** Ignore the download hours until what is needed is here. */
    downloadNow() {
      override = true;
      wake();
    },
    setHours(next: DownloadHours | null) {
      hours = next;
      wake();
    },
    setMaxBytesPerSecond(rate: number | null) {
      capped = rate !== null;
      bucket.setRate(rate);
    },
    refresh: wake,
    status: () => ({ ...status, counters: { ...status.counters } }),
    stop() {
      stopped = true;
      interrupt();
      wake();
      unsubscribeLive?.();
    },
  };
}

export type DownloadManager = ReturnType<typeof createDownloadManager>;
